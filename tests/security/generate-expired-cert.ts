// One-off generator of tests/fixtures/keys/sp-expired.{key,crt}: an RSA certificate valid only in
// 2019–2020, for the "untrusted signer: expired certificate" attack tests. TEST ONLY.
// Run: npx tsx tests/security/generate-expired-cert.ts
import { webcrypto, KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// @peculiar/x509 uses tsyringe, which needs the Reflect metadata polyfill first.
await import('reflect-metadata');
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
