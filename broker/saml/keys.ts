// The broker's signing key and certificate, loaded once at start-up as KeyObjects.
// Configured files win; otherwise a development key pair lives under <varDir>/<keys.dir> and is
// generated on the first start (RSA-3072, self-signed, 3 years). Two processes starting together
// must not both generate: one takes an O_EXCL lock file, the other waits for the result. Files are
// written to a temporary name and renamed, key first and certificate last, so a certificate on
// disk always means a complete pair.
import { createPrivateKey, createPublicKey, webcrypto, X509Certificate, type KeyObject } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT, type Config } from '../config.js';
import type { SignatureAlgorithmName } from './sign-xml.js';

export interface SigningKeys {
  readonly privateKey: KeyObject;
  readonly certPem: string;
  /** DER, base64, no PEM headers or line breaks: what goes into ds:X509Certificate */
  readonly certBase64: string;
  readonly notAfter: Date;
  /** the next signing certificate, published in metadata before a rollover */
  readonly nextCertBase64?: string;
  /** the default signature algorithm for this key: ECDSA for an EC key, else saml.signatureAlgorithm */
  readonly algorithm: SignatureAlgorithmName;
}

const GENERATED_KEY_BITS = 3072;
const GENERATED_VALIDITY_DAYS = 3 * 365;
const LOCK_STALE_MS = 60_000;
const LOCK_POLL_MS = 50;

export async function loadSigningKeys(cfg: Config, varDir: string): Promise<SigningKeys> {
  let keyPem: string;
  let certPem: string;
  if (cfg.keys.signingKeyFile || cfg.keys.signingCertFile) {
    if (!cfg.keys.signingKeyFile || !cfg.keys.signingCertFile) {
      throw new TypeError('keys.signingKeyFile and keys.signingCertFile must be set together');
    }
    keyPem = await readFile(path.resolve(PROJECT_ROOT, cfg.keys.signingKeyFile), 'utf8');
    certPem = await readFile(path.resolve(PROJECT_ROOT, cfg.keys.signingCertFile), 'utf8');
  } else {
    const dir = keyDirectory(cfg, varDir);
    ({ keyPem, certPem } = await loadOrGenerateKeyPair(dir, new Date()));
  }
  // A configured next certificate wins; in the key directory, `pasarela keys` keeps the other
  // certificate to publish: next.crt before a promotion, previous.crt after it (docs/key-rollover.md).
  const nextCertPem = cfg.keys.nextSigningCertFile
    ? await readFile(path.resolve(PROJECT_ROOT, cfg.keys.nextSigningCertFile), 'utf8')
    : cfg.keys.signingKeyFile
      ? undefined
      : await publishedOtherCert(keyDirectory(cfg, varDir));
  return signingKeysFromPem(keyPem, certPem, cfg.saml.signatureAlgorithm, nextCertPem);
}

/** Build SigningKeys from PEM text; refuses a certificate that does not belong to the key. */
export function signingKeysFromPem(
  keyPem: string,
  certPem: string,
  rsaAlgorithm: SignatureAlgorithmName = 'rsa-sha256',
  nextCertPem?: string,
): SigningKeys {
  const privateKey = createPrivateKey(keyPem);
  const cert = new X509Certificate(certPem);
  const fromKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const fromCert = cert.publicKey.export({ format: 'der', type: 'spki' });
  if (!fromKey.equals(fromCert)) throw new TypeError('the signing certificate does not match the signing key');
  const isEc = privateKey.asymmetricKeyType === 'ec';
  if (isEc && rsaAlgorithm.startsWith('rsa')) rsaAlgorithm = 'ecdsa-sha256';
  if (!isEc && rsaAlgorithm.startsWith('ecdsa')) throw new TypeError(`${rsaAlgorithm} needs an EC key`);
  return {
    privateKey,
    certPem: cert.toString(),
    certBase64: cert.raw.toString('base64'),
    notAfter: new Date(cert.validTo),
    ...(nextCertPem ? { nextCertBase64: new X509Certificate(nextCertPem).raw.toString('base64') } : {}),
    algorithm: rsaAlgorithm,
  };
}

/** The key directory: <varDir>/<keys.dir>, or keys.dir itself when it is absolute. */
export function keyDirectory(cfg: Config, varDir: string): string {
  return path.resolve(PROJECT_ROOT, varDir, cfg.keys.dir);
}

export const KEY_FILES = {
  key: 'signing.key',
  cert: 'signing.crt',
  nextKey: 'next.key',
  nextCert: 'next.crt',
  previousCert: 'previous.crt',
} as const;

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function publishedOtherCert(dir: string): Promise<string | undefined> {
  return (await readOptional(path.join(dir, KEY_FILES.nextCert))) ?? (await readOptional(path.join(dir, KEY_FILES.previousCert)));
}

async function readPair(dir: string, base: string): Promise<{ keyPem: string; certPem: string } | undefined> {
  try {
    const certPem = await readFile(path.join(dir, `${base}.crt`), 'utf8');
    const keyPem = await readFile(path.join(dir, `${base}.key`), 'utf8');
    return { keyPem, certPem };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * The pair `<base>.key` + `<base>.crt` in `dir`, generated (with `generate`) when absent, under an
 * O_EXCL lock file so that two processes starting together generate once.
 */
export async function loadOrGenerateKeyPair(
  dir: string,
  now: Date,
  base = 'signing',
  generate: (now: Date) => Promise<{ keyPem: string; certPem: string }> = generateSelfSigned,
): Promise<{ keyPem: string; certPem: string }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const lockFile = path.join(dir, `${base}.lock`);
  for (;;) {
    const existing = await readPair(dir, base);
    if (existing) return existing;
    let lock;
    try {
      lock = await open(lockFile, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // Someone else is generating. A lock older than a minute belongs to a process that died.
      const age = await stat(lockFile).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > LOCK_STALE_MS) await rm(lockFile, { force: true });
      else await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
      continue;
    }
    try {
      const again = await readPair(dir, base); // finished between our read and our lock
      if (again) return again;
      const pair = await generate(now);
      const suffix = `.${process.pid}.tmp`;
      await writeFile(path.join(dir, `${base}.key` + suffix), pair.keyPem, { mode: 0o600 });
      await writeFile(path.join(dir, `${base}.crt` + suffix), pair.certPem, { mode: 0o644 });
      await rename(path.join(dir, `${base}.key` + suffix), path.join(dir, `${base}.key`));
      await rename(path.join(dir, `${base}.crt` + suffix), path.join(dir, `${base}.crt`));
      return pair;
    } finally {
      await lock.close();
      await rm(lockFile, { force: true });
    }
  }
}

/**
 * A development pair: RSA (3072 bits unless told), self-signed, valid 3 years from `now`; its key
 * usage is digitalSignature, or keyEncipherment for an encryption key.
 */
export async function generateSelfSigned(now: Date, opts: { bits?: number; name?: string; use?: 'signing' | 'encryption' } = {}): Promise<{ keyPem: string; certPem: string }> {
  // @peculiar/x509 (through tsyringe) needs the Reflect metadata polyfill loaded first.
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  const subtle = webcrypto.subtle as unknown as SubtleCrypto;
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const alg = {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: opts.bits ?? GENERATED_KEY_BITS,
  };
  const keys = (await subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notAfter = new Date(now.getTime() + GENERATED_VALIDITY_DAYS * 86_400_000);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: webcrypto.getRandomValues(new Uint8Array(16)).reduce((s, b) => s + b.toString(16).padStart(2, '0'), '7f'),
    name: opts.name ?? 'CN=Pasarela development signing key, O=Pasarela',
    notBefore: new Date(now.getTime() - 60_000),
    notAfter,
    signingAlgorithm: alg,
    keys,
    extensions: [new x509.KeyUsagesExtension(opts.use === 'encryption' ? x509.KeyUsageFlags.keyEncipherment : x509.KeyUsageFlags.digitalSignature, true)],
  });
  const pkcs8 = Buffer.from(await subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END PRIVATE KEY-----\n`;
  return { keyPem, certPem: cert.toString('pem') + '\n' };
}
