// Raw RSA-2048 PKCS#1 v1.5 SHA-256 signatures per second on this machine, one core: the ceiling
// for Responses signed twice (Response + Assertion), which cost two of these each.
// Run: npx tsx bench/sign-rate.ts
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export function measureSignRate(durationMs = 2000, key?: KeyObject): { signaturesPerSecond: number; count: number; ms: number } {
  const privateKey = key ?? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const data = Buffer.alloc(512, 0x61); // about the size of a canonical SignedInfo
  const start = performance.now();
  let count = 0;
  while (performance.now() - start < durationMs) {
    sign('sha256', data, privateKey);
    count++;
  }
  const ms = performance.now() - start;
  return { signaturesPerSecond: Math.round((count * 1000) / ms), count, ms: Math.round(ms) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = measureSignRate();
  console.log(`RSA-2048 SHA-256 sign: ${r.signaturesPerSecond}/s (${r.count} in ${r.ms} ms, one core)`);
}
