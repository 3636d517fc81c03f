// The signature and digest algorithms we accept on inbound messages, both bindings: RSA PKCS#1
// v1.5 and RSASSA-PSS (MGF1, salt = hash length) with SHA-256/512, ECDSA with SHA-256/384. Never
// SHA-1, never HMAC (saml-attacks.md "weak algorithms", "HMAC confusion"). Verification is Node
// crypto throughout, also inside xml-crypto (registered as custom SignatureAlgorithms).
import { constants, createPublicKey, verify, type KeyLike, type KeyObject, type VerifyKeyObjectInput } from 'node:crypto';
import type { SignatureAlgorithm } from 'xml-crypto';
import { ALG } from './namespaces.js';

export interface AcceptedSignatureAlgorithm {
  readonly hash: 'sha256' | 'sha384' | 'sha512';
  readonly kind: 'rsa' | 'rsa-pss' | 'ecdsa';
}

export const ACCEPTED_SIGNATURE_ALGORITHMS: Readonly<Record<string, AcceptedSignatureAlgorithm>> = {
  [ALG.rsaSha256]: { hash: 'sha256', kind: 'rsa' },
  [ALG.rsaSha512]: { hash: 'sha512', kind: 'rsa' },
  [ALG.rsaPssSha256]: { hash: 'sha256', kind: 'rsa-pss' },
  [ALG.rsaPssSha512]: { hash: 'sha512', kind: 'rsa-pss' },
  [ALG.ecdsaSha256]: { hash: 'sha256', kind: 'ecdsa' },
  [ALG.ecdsaSha384]: { hash: 'sha384', kind: 'ecdsa' },
};

export const ACCEPTED_DIGEST_ALGORITHMS: readonly string[] = [ALG.sha256, ALG.sha512];

export function isAcceptedSignatureAlgorithm(uri: string): boolean {
  return Object.hasOwn(ACCEPTED_SIGNATURE_ALGORITHMS, uri);
}

function publicKeyOf(key: KeyLike): KeyObject {
  return typeof key === 'string' || Buffer.isBuffer(key) ? createPublicKey(key) : (key as KeyObject);
}

/**
 * Verify raw signature bytes over `data` with the algorithm named by `uri`; false on any mismatch.
 * `accepted` is the allow-list (another verification profile, such as trusted lists, passes its own).
 */
export function verifyWithAlgorithm(uri: string, data: Buffer, key: KeyLike, signature: Buffer, accepted: Readonly<Record<string, AcceptedSignatureAlgorithm>> = ACCEPTED_SIGNATURE_ALGORITHMS): boolean {
  const alg = Object.hasOwn(accepted, uri) ? accepted[uri] : undefined;
  if (!alg) return false;
  const publicKey = publicKeyOf(key);
  const type = publicKey.asymmetricKeyType;
  try {
    if (alg.kind === 'ecdsa') {
      if (type !== 'ec') return false;
      // XML-DSig wants raw r||s (RFC 4050); some Redirect signers send DER. Both prove the key.
      return (
        verify(alg.hash, data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature) ||
        verify(alg.hash, data, { key: publicKey, dsaEncoding: 'der' }, signature)
      );
    }
    if (type !== 'rsa' && type !== 'rsa-pss') return false;
    const options: VerifyKeyObjectInput =
      alg.kind === 'rsa-pss'
        ? { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
        : { key: publicKey, padding: constants.RSA_PKCS1_PADDING };
    return verify(alg.hash, data, options, signature);
  } catch {
    return false;
  }
}

/** xml-crypto SignatureAlgorithm classes for the accepted URIs (verification only). */
export function xmlCryptoSignatureAlgorithms(accepted: Readonly<Record<string, AcceptedSignatureAlgorithm>> = ACCEPTED_SIGNATURE_ALGORITHMS): Record<string, new () => SignatureAlgorithm> {
  const out: Record<string, new () => SignatureAlgorithm> = {};
  for (const uri of Object.keys(accepted)) {
    out[uri] = class {
      getSignature(): string {
        throw new Error('inbound algorithms verify only');
      }
      verifySignature(material: string, key: KeyLike, signatureValue: string): boolean {
        return verifyWithAlgorithm(uri, Buffer.from(material, 'utf8'), key, Buffer.from(signatureValue, 'base64'), accepted);
      }
      getAlgorithmName(): string {
        return uri;
      }
    } as unknown as new () => SignatureAlgorithm;
  }
  return out;
}
