// Verifying a national list is seconds of CPU (a 4.7 MB list: parse, canonicalise and digest
// with xml-crypto, re-parse, read — about 8 s on a busy 2-core machine), which on the event loop
// would stall every login at start-up and at each refresh. So each list is verified and read in
// a worker thread, bounded in time and heap: a hostile or pathological list costs that worker,
// never the broker. Certificates come back as DER and are rebuilt here.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ParseLimits } from '../../saml/parse-xml.js';
import type { TrustedList, TrustService } from '../model.js';
import type { ReadTrustedList } from './parse.js';
import { TrustedListError } from './trusted-list-error.js';
import type { VerifyJob } from './verify-worker.js';

/** Longer than any real list needs, even on a loaded machine; then the worker is stopped. */
const VERIFY_TIMEOUT_MS = 120_000;
/** Heap of one verification; the DOM of a 20 MB list fits, a billion-element one does not. */
const VERIFY_HEAP_MB = 1024;

// The worker module beside this one: .ts when run through tsx (a checkout), .js when compiled.
const typescript = fileURLToPath(import.meta.url).endsWith('.ts');
const WORKER_MODULE = new URL(`./verify-worker${typescript ? '.ts' : '.js'}`, import.meta.url).href;

type WorkerAnswer =
  | { ok: true; list: Omit<TrustedList, 'services'> & { services: (Omit<TrustService, 'certificates'> & { certificates: Uint8Array[] })[] }; warnings: string[] }
  | { ok: false; reason: string };

/**
 * tsx's ESM API module, by its package's own export map: `require.resolve` would give the
 * CommonJS build, and `import.meta.resolve` is not there when tsx compiles this file as CommonJS
 * (mocha loads the tests so).
 */
function tsxEsmApi(): string {
  const packageFile = createRequire(import.meta.url).resolve('tsx/package.json');
  const { exports } = JSON.parse(readFileSync(packageFile, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(path.join(path.dirname(packageFile), exports['./esm/api']!.import.default)).href;
}

/**
 * The worker's entry script. tsx's loader hooks do not reach a worker thread on Node 20 (a .ts
 * module there fails with "Unknown file extension", whatever the parent's --import), so in a
 * checkout the entry registers tsx in the worker first, then imports the worker module.
 */
function workerEntry(): string {
  const register = typescript ? `const { register } = await import(${JSON.stringify(tsxEsmApi())}); register();` : '';
  return `(async () => { ${register} await import(${JSON.stringify(WORKER_MODULE)}); })().catch((err) => { throw err; });`;
}

export interface WorkerBounds {
  readonly timeoutMs: number;
  readonly heapMb: number;
}

/** verifyTrustedListSignature + readTrustedList in a worker thread. Throws TrustedListError. */
export function verifyAndReadOffThread(
  xml: string,
  signerPem: string,
  source: string,
  now: Date,
  limits: ParseLimits,
  bounds: WorkerBounds = { timeoutMs: VERIFY_TIMEOUT_MS, heapMb: VERIFY_HEAP_MB },
): Promise<ReadTrustedList> {
  const job: VerifyJob = { xml, signerPem, source, now, limits };
  const worker = new Worker(workerEntry(), { eval: true, workerData: job, resourceLimits: { maxOldGenerationSizeMb: bounds.heapMb } });
  return new Promise<ReadTrustedList>((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new TrustedListError(source, `verification took longer than ${bounds.timeoutMs} ms`));
    }, bounds.timeoutMs);
    const settle = (fn: () => void): void => {
      clearTimeout(timer);
      fn();
    };
    worker.once('message', (answer: WorkerAnswer) =>
      settle(() => {
        if (!answer.ok) return reject(new TrustedListError(source, answer.reason));
        const services = answer.list.services.map((s) => ({ ...s, certificates: s.certificates.map((der) => new X509Certificate(der)) }));
        resolve({ list: { ...answer.list, services }, warnings: answer.warnings });
      }),
    );
    worker.once('error', (err) => settle(() => reject(new TrustedListError(source, `verification failed: ${err.message}`))));
    worker.once('exit', (code) => settle(() => reject(new TrustedListError(source, `verification stopped (worker exit ${code})`))));
  });
}
