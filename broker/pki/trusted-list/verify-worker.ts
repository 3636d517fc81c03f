// Worker thread entry: verify and read one trusted list off the event loop (verify-off-thread.ts
// says why). Certificates cross back as DER, the one form structured clone carries.
import { parentPort, workerData } from 'node:worker_threads';
import type { ParseLimits } from '../../saml/parse-xml.js';
import { readTrustedList } from './parse.js';
import { TrustedListError } from './trusted-list-error.js';
import { verifyTrustedListSignature } from './verify-xades.js';

export interface VerifyJob {
  readonly xml: string;
  readonly signerPem: string;
  readonly source: string;
  readonly now: Date;
  readonly limits: ParseLimits;
}

const job = workerData as VerifyJob;
try {
  const verified = verifyTrustedListSignature(job.xml, job.signerPem, job.source, job.now, job.limits);
  const { list, warnings } = readTrustedList(verified.root, job.source);
  const services = list.services.map((s) => ({ ...s, certificates: s.certificates.map((c) => c.raw) }));
  parentPort!.postMessage({ ok: true, list: { ...list, services }, warnings });
} catch (err) {
  parentPort!.postMessage({ ok: false, reason: err instanceof TrustedListError ? err.reason : `verification failed: ${(err as Error).message}` });
}
