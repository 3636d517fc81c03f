// The revocation policy (issue 5): OCSP first, the CRL when OCSP gives no fresh authentic answer
// (never when OCSP said revoked), fail closed by default. Each source (all OCSP responders of the
// certificate together, all its CRL distribution points together) has one hard timeoutMs, so a
// check takes at most timeoutMs per source asked (twice it with ocsp-then-crl); a login checks
// each certificate below its anchor (docs/certificates.md gives the bound per login).
import { CertificateRejected, type RevocationChecker } from '../model.js';
import type { Fetch, RevocationAnswer, RevocationLog } from './answer.js';
import { createCrlClient } from './crl.js';
import { createOcspClient } from './ocsp.js';
import type { OcspNoncePolicy } from './ocsp-response.js';

export type RevocationPolicy = 'ocsp-then-crl' | 'ocsp' | 'crl';

/** config `pki.revocation`, plus the log and (in tests) the fetch to use */
export interface RevocationCheckerOptions {
  readonly policy: RevocationPolicy;
  readonly failClosed: boolean;
  readonly timeoutMs: number;
  readonly ocspNonce: OcspNoncePolicy;
  readonly ocspUrl?: string | null;
  readonly crlMaxBytes: number;
  readonly clockSkewSeconds: number;
  readonly log: RevocationLog;
  readonly fetch?: Fetch;
}

export function createRevocationChecker(o: RevocationCheckerOptions): RevocationChecker {
  const fetchImpl = o.fetch ?? fetch;
  const skewMs = o.clockSkewSeconds * 1000;
  const ocsp = o.policy === 'crl' ? null : createOcspClient({ timeoutMs: o.timeoutMs, noncePolicy: o.ocspNonce, skewMs, responderUrl: o.ocspUrl ?? null, fetch: fetchImpl });
  const crl = o.policy === 'ocsp' ? null : createCrlClient({ timeoutMs: o.timeoutMs, maxBytes: o.crlMaxBytes, skewMs, fetch: fetchImpl });

  return {
    async check(cert, issuer, at) {
      const who = `certificate serial ${cert.serialNumber} of '${issuer.subject.replaceAll('\n', ', ')}'`;
      const unanswered: string[] = [];
      for (const source of [ocsp, crl]) {
        if (!source) continue;
        const answer: RevocationAnswer = await source.ask(cert, issuer, at);
        if (answer.status === 'good') return;
        if (answer.status === 'revoked') {
          throw new CertificateRejected('revoked', `${who} revoked at ${answer.revokedAt.toISOString()}${answer.reason ? ` (${answer.reason})` : ''} according to ${answer.source.toUpperCase()}`);
        }
        unanswered.push(`${answer.source.toUpperCase()}: ${answer.detail}`);
      }
      const detail = `no revocation status for ${who}: ${unanswered.join('; ')}`;
      if (o.failClosed) throw new CertificateRejected('revocation-unknown', detail);
      o.log.warn({ detail }, 'revocation status unknown; accepted because pki.revocation.failClosed is false');
    },
  };
}
