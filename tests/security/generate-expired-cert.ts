// One-off generator of tests/fixtures/keys/sp-expired.{key,crt}: an RSA certificate valid only in
// 2019–2020, for the "untrusted signer: expired certificate" attack tests. TEST ONLY.
// Run: npx tsx tests/security/generate-expired-cert.ts
import { webcrypto, KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// @peculiar/x509 uses tsyringe, which wants a Reflect metadata polyfill; this minimal one is
// enough for it (the project does not depend on reflect-metadata).
const meta = new WeakMap<object, Map<unknown, unknown>>();
const R = Reflect as unknown as Record<string, unknown>;
R.defineMetadata ??= (k: unknown, v: unknown, t: object) => {
  if (!meta.has(t)) meta.set(t, new Map());
  meta.get(t)!.set(k, v);
};
R.getMetadata ??= (k: unknown, t: object): unknown => {
  for (let o: object | null = t; o; o = Object.getPrototypeOf(o)) if (meta.get(o)?.has(k)) return meta.get(o)!.get(k);
  return undefined;
};
R.getOwnMetadata ??= (k: unknown, t: object) => meta.get(t)?.get(k);
R.hasMetadata ??= (k: unknown, t: object) => (R.getMetadata as (k: unknown, t: object) => unknown)(k, t) !== undefined;
R.metadata ??= (k: unknown, v: unknown) => (t: object) => (R.defineMetadata as (k: unknown, v: unknown, t: object) => void)(k, v, t);

const x509 = await import('@peculiar/x509');
x509.cryptoProvider.set(webcrypto as unknown as Crypto);
const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
const cert = await x509.X509CertificateGenerator.createSelfSigned({
  serialNumber: '0badc0de01',
  name: 'CN=pasarela-test-sp-expired, O=TEST ONLY',
  notBefore: new Date('2019-01-01T00:00:00Z'),
  notAfter: new Date('2021-01-01T00:00:00Z'),
  signingAlgorithm: alg,
  keys,
});
const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/keys');
writeFileSync(path.join(dir, 'sp-expired.crt'), cert.toString('pem') + '\n');
writeFileSync(path.join(dir, 'sp-expired.key'), KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }) as string);
