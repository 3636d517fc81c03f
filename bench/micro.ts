// Microbenchmarks run as pinned children (the parent starts them under `taskset -c 0`, the CPU
// the broker had): raw signature rates with the broker's own test keys, and samlify's IdP.
// Prints one JSON line: { perSecond, count, ms, ... }.
// Usage: node --import tsx bench/micro.ts <sign-rsa|sign-p256|samlify> <durationMs>
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { measureSignRate } from './sign-rate.js';
import { PROJECT_ROOT } from './pinned-child.js';
import { samlifyPair, samlifyRoundTrip } from './samlify-idp.js';

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

async function main(): Promise<void> {
  const [mode, durationArg] = process.argv.slice(2);
  const durationMs = Number(durationArg ?? 3000);
  let result: object;
  if (mode === 'sign-rsa') {
    const r = measureSignRate(durationMs, key('idp.key'));
    result = { perSecond: r.signaturesPerSecond, count: r.count, ms: r.ms };
  } else if (mode === 'sign-p256') result = measureEcdsaRate(durationMs, key('idp-p256.key'));
  else if (mode === 'samlify') result = await measureSamlify(durationMs);
  else throw new Error('usage: micro.ts <sign-rsa|sign-p256|samlify> <durationMs>');
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
