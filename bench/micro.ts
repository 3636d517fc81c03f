// Microbenchmarks run as pinned children (the parent starts them under `taskset -c 0`, the CPU
// the broker had): raw signature rates with the broker's own test keys, samlify's IdP, and raw
// argon2id verifications.
// Prints one JSON line: { perSecond, count, ms, ... }.
// Usage: node --import tsx bench/micro.ts <sign-rsa|sign-p256|samlify> <durationMs>
//        node --import tsx bench/micro.ts argon2-verify <durationMs> <concurrency> <memoryKiB> <iterations> <parallelism>
import { verify } from '@node-rs/argon2';
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { measureSignRate } from './sign-rate.js';
import { PROJECT_ROOT } from './pinned-child.js';
import { samlifyPair, samlifyRoundTrip } from './samlify-idp.js';
import { createPasswordHasher } from '../broker/identity/password-hasher.js';
import { runClosedLoop } from './closed-loop.js';
import { pinnedCpu, watchCpu, type CpuShare } from './cpu-share.js';
import { BENCH_PASSWORD } from './password-persons.js';

const key = (name: string): KeyObject => createPrivateKey(readFileSync(path.join(PROJECT_ROOT, 'tests/fixtures/keys', name), 'utf8'));

/** ECDSA P-256 over SHA-256, raw r||s as XML-DSig wants it: what the P-256 variant pays per signature. */
function measureEcdsaRate(durationMs: number, privateKey: KeyObject) {
  const data = Buffer.alloc(512, 0x61);
  const start = performance.now();
  let count = 0;
  while (performance.now() - start < durationMs) {
    sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    count++;
  }
  const ms = performance.now() - start;
  return { perSecond: Math.round((count * 1000) / ms), count, ms: Math.round(ms) };
}

async function measureSamlify(durationMs: number) {
  const pair = samlifyPair();
  // Warm-up: JIT and samlify's lazy setup stay out of the figure.
  const warmUntil = performance.now() + Math.min(1000, durationMs / 4);
  let bytes = 0;
  while (performance.now() < warmUntil) bytes = (await samlifyRoundTrip(pair)).length;
  const start = performance.now();
  let count = 0;
  while (performance.now() - start < durationMs) {
    await samlifyRoundTrip(pair);
    count++;
  }
  const ms = performance.now() - start;
  return { perSecond: Math.round((count * 1000) / ms), count, ms: Math.round(ms), responseBase64Bytes: bytes };
}

/**
 * @node-rs/argon2 `verify` of one hash made with the broker's parameters (by the broker's own
 * hasher), `concurrency` at a time like the broker's pool, on libuv's threads like the broker:
 * the ceiling for password logins on this CPU. One second of warm-up first.
 */
async function measureArgon2Verify(durationMs: number, concurrency: number, params: { memoryKiB: number; iterations: number; parallelism: number }) {
  const hashed = await createPasswordHasher({ ...params, concurrency: 1, queueLimit: 0 }).hash(BENCH_PASSWORD);
  // how much of its CPU this process had (on a shared machine others run there too)
  const cpu = pinnedCpu();
  let watch: (() => CpuShare | undefined) | undefined;
  let share: CpuShare | undefined;
  const r = await runClosedLoop({
    concurrency,
    warmSeconds: 1,
    seconds: durationMs / 1000,
    iteration: async () => ((await verify(hashed, BENCH_PASSWORD)) ? 'ok' : 'verify said false'),
    onWindow: (edge) => {
      if (edge === 'start') watch = cpu === undefined ? undefined : watchCpu(cpu, process.pid);
      else share = watch?.();
    },
  });
  if (r.failures.size) throw new Error(`argon2 verify failed: ${[...r.failures.keys()].join(', ')}`);
  return { perSecond: r.perSecond, count: r.ok, ms: durationMs, latencyMs: r.latencyMs, cpu: share, hash: hashed.slice(0, hashed.lastIndexOf('$')) };
}

async function main(): Promise<void> {
  const [mode, durationArg, ...rest] = process.argv.slice(2);
  const durationMs = Number(durationArg ?? 3000);
  let result: object;
  if (mode === 'sign-rsa') {
    const r = measureSignRate(durationMs, key('idp.key'));
    result = { perSecond: r.signaturesPerSecond, count: r.count, ms: r.ms };
  } else if (mode === 'sign-p256') result = measureEcdsaRate(durationMs, key('idp-p256.key'));
  else if (mode === 'samlify') result = await measureSamlify(durationMs);
  else if (mode === 'argon2-verify') {
    const [concurrency, memoryKiB, iterations, parallelism] = rest.map(Number);
    if (!concurrency || !memoryKiB || !iterations || !parallelism) throw new Error('usage: micro.ts argon2-verify <durationMs> <concurrency> <memoryKiB> <iterations> <parallelism>');
    result = await measureArgon2Verify(durationMs, concurrency, { memoryKiB, iterations, parallelism });
  } else throw new Error('usage: micro.ts <sign-rsa|sign-p256|samlify|argon2-verify> <durationMs> [...]');
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
