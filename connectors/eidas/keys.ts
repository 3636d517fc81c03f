// The connector's three key pairs, each with its own job (eIDAS interoperability architecture:
// the metadata signer is not the message signer): one signs our connector metadata, one signs our
// AuthnRequests, one decrypts the assertions foreign nodes encrypt to us. Configured files win;
// otherwise development pairs (RSA-3072, the eIDAS minimum) live in the broker's key directory.
// The encryption key must be RSA: nodes transport the content key to it with RSA-OAEP, and the SP
// role's decryption (broker/saml/sp-role/decrypt.ts) supports no ECDH-ES key agreement.
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, PROJECT_ROOT, type Config } from '../../broker/config.js';
import { generateSelfSigned, keyDirectory, loadOrGenerateKeyPair, signingKeysFromPem, type SigningKeys } from '../../broker/saml/keys.js';
import type { SignatureAlgorithmName } from '../../broker/saml/sign-xml.js';
import { eidasKeyWeakness } from './key-strength.js';

export interface EidasKeys {
  readonly metadataSigning: SigningKeys;
  readonly requestSigning: SigningKeys;
  /** `previousPrivateKey`: the key a rollover replaced, still tried after the current one */
  readonly encryption: { readonly privateKey: KeyObject; readonly certBase64: string; readonly previousPrivateKey?: KeyObject };
}

type Pair = { keyPem: string; certPem: string };

async function configuredPair(keyFile: string | undefined, certFile: string | undefined, what: string): Promise<Pair | undefined> {
  if (!keyFile && !certFile) return undefined;
  if (!keyFile || !certFile) throw new ConfigError(`connectors.eidas.${what}KeyFile and ${what}CertFile must be set together`);
  return {
    keyPem: await readFile(path.resolve(PROJECT_ROOT, keyFile), 'utf8'),
    certPem: await readFile(path.resolve(PROJECT_ROOT, certFile), 'utf8'),
  };
}

function checkEidasKeyStrength(key: KeyObject, what: string): void {
  const weakness = eidasKeyWeakness(key);
  if (weakness) throw new ConfigError(`connectors.eidas ${what} key: ${weakness} (eIDAS crypto requirements)`);
}

/** A key foreign nodes encrypt to: RSA (they transport the content key with RSA-OAEP), ≥ 3072 bits. */
function decryptionKey(pem: string, what: string): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'rsa')
    throw new ConfigError(`connectors.eidas ${what} key: must be an RSA key (foreign nodes transport the content key with RSA-OAEP; ECDH-ES key agreement is not supported)`);
  checkEidasKeyStrength(key, what);
  return key;
}

export function eidasSigningKeys(pair: Pair, algorithm: SignatureAlgorithmName, what: string): SigningKeys {
  const keys = signingKeysFromPem(pair.keyPem, pair.certPem, algorithm);
  checkEidasKeyStrength(keys.privateKey, what);
  return keys;
}

export async function loadEidasKeys(cfg: Config, varDir: string): Promise<EidasKeys> {
  const e = cfg.connectors.eidas;
  const dir = keyDirectory(cfg, varDir);
  const dev = (base: string, use: 'signing' | 'encryption', name: string) =>
    loadOrGenerateKeyPair(dir, new Date(), base, (now) => generateSelfSigned(now, { use, name: `CN=${name} (development only), O=Pasarela` }));
  const metadataPair = (await configuredPair(e.metadataSigningKeyFile, e.metadataSigningCertFile, 'metadataSigning')) ?? (await dev('eidas-metadata', 'signing', 'Pasarela eIDAS connector metadata'));
  const requestPair = (await configuredPair(e.requestSigningKeyFile, e.requestSigningCertFile, 'requestSigning')) ?? (await dev('eidas-request', 'signing', 'Pasarela eIDAS connector requests'));
  const encryptionPair = (await configuredPair(e.encryptionKeyFile, e.encryptionCertFile, 'encryption')) ?? (await dev('eidas-encryption', 'encryption', 'Pasarela eIDAS connector encryption'));
  const encryptionKey = decryptionKey(encryptionPair.keyPem, 'encryption');
  const previous = e.previousEncryptionKeyFile ? decryptionKey(await readFile(path.resolve(PROJECT_ROOT, e.previousEncryptionKeyFile), 'utf8'), 'previous encryption') : undefined;
  const encryptionCert = new X509Certificate(encryptionPair.certPem);
  if (!encryptionCert.checkPrivateKey(encryptionKey)) throw new ConfigError('connectors.eidas: the encryption certificate does not match the encryption key');
  return {
    metadataSigning: eidasSigningKeys(metadataPair, e.requestSignatureAlgorithm, 'metadata signing'),
    requestSigning: eidasSigningKeys(requestPair, e.requestSignatureAlgorithm, 'request signing'),
    encryption: { privateKey: encryptionKey, certBase64: encryptionCert.raw.toString('base64'), ...(previous ? { previousPrivateKey: previous } : {}) },
  };
}
