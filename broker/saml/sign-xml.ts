// XML Signature over one SAML element (xmldsig-core §6 with exc-c14n), as SAML core §5.4 profiles
// it: enveloped, one Reference to the element's ID, placed right after the element's Issuer
// (the schema order of Response, Assertion, LogoutRequest/Response and EntityDescriptor's first
// child slot). Also the HTTP-Redirect binding's detached signature over the query (bindings §3.4.4.1).
//
// xml-crypto only ships RSA-PKCS#1 v1.5 (and an RSA-PSS class that refuses KeyObjects), so every
// algorithm here is our own SignatureAlgorithm written with Node crypto: one code path, KeyObjects
// throughout, and the eIDAS ones (RSASSA-PSS, ECDSA) included. XML-DSig wants ECDSA as raw r||s
// (RFC 4050 / xmldsig-core1 §6.4.3), hence `dsaEncoding: 'ieee-p1363'`.
import { constants, createPrivateKey, createPublicKey, sign, verify, type KeyLike, type KeyObject, type SigningOptions } from 'node:crypto';
import type { SignatureAlgorithm } from 'xml-crypto';
import { ALG } from './namespaces.js';

export type SignatureAlgorithmName = 'rsa-sha256' | 'rsa-sha512' | 'rsa-pss-sha256' | 'rsa-pss-sha512' | 'ecdsa-sha256';

interface AlgorithmSpec {
  readonly uri: string;
  readonly hash: 'sha256' | 'sha512';
  readonly digestUri: string;
  readonly padding: 'pkcs1' | 'pss' | 'ecdsa';
}

export const SIGNATURE_ALGORITHMS: Readonly<Record<SignatureAlgorithmName, AlgorithmSpec>> = {
  'rsa-sha256': { uri: ALG.rsaSha256, hash: 'sha256', digestUri: ALG.sha256, padding: 'pkcs1' },
  'rsa-sha512': { uri: ALG.rsaSha512, hash: 'sha512', digestUri: ALG.sha512, padding: 'pkcs1' },
  'rsa-pss-sha256': { uri: ALG.rsaPssSha256, hash: 'sha256', digestUri: ALG.sha256, padding: 'pss' },
  'rsa-pss-sha512': { uri: ALG.rsaPssSha512, hash: 'sha512', digestUri: ALG.sha512, padding: 'pss' },
  'ecdsa-sha256': { uri: ALG.ecdsaSha256, hash: 'sha256', digestUri: ALG.sha256, padding: 'ecdsa' },
};

function keyOptions(spec: AlgorithmSpec): SigningOptions {
  switch (spec.padding) {
    case 'pkcs1':
      return { padding: constants.RSA_PKCS1_PADDING };
    case 'pss':
      // RFC 6931 §2.3.10: MGF1 with the same hash, salt length = hash length, trailer field 1.
      return { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
    case 'ecdsa':
      return { dsaEncoding: 'ieee-p1363' };
  }
}

/** Raw signature bytes over `data` with `spec`. */
export function signBytes(spec: AlgorithmSpec, data: Buffer | string, key: KeyLike): Buffer {
  const privateKey = typeof key === 'string' || Buffer.isBuffer(key) ? createPrivateKey(key) : key;
  return sign(spec.hash, typeof data === 'string' ? Buffer.from(data, 'utf8') : data, { key: privateKey, ...keyOptions(spec) });
}

function verifyBytes(spec: AlgorithmSpec, data: Buffer | string, key: KeyLike, signature: Buffer): boolean {
  const publicKey = typeof key === 'string' || Buffer.isBuffer(key) ? createPublicKey(key) : key;
  const input = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return verify(spec.hash, input, { key: publicKey, ...keyOptions(spec) }, signature);
}

/** An xml-crypto SignatureAlgorithm backed by Node crypto (sync only; we never use the callback form). */
function xmlCryptoAlgorithm(spec: AlgorithmSpec): new () => SignatureAlgorithm {
  return class implements Partial<SignatureAlgorithm> {
    getSignature(signedInfo: unknown, privateKey: KeyLike): string {
      return signBytes(spec, Buffer.from(signedInfo as string | Buffer), privateKey).toString('base64');
    }
    verifySignature(material: string, key: KeyLike, signatureValue: string): boolean {
      return verifyBytes(spec, material, key, Buffer.from(signatureValue, 'base64'));
    }
    getAlgorithmName(): string {
      return spec.uri;
    }
  } as unknown as new () => SignatureAlgorithm;
}

/**
 * Signature algorithm classes by URI, for a SignedXml that verifies (tests, the inbound half).
 * Only the algorithms we accept: RSA-SHA1 is deliberately absent.
 */
export const xmlCryptoSignatureAlgorithms: Readonly<Record<string, new () => SignatureAlgorithm>> = Object.fromEntries(
  Object.values(SIGNATURE_ALGORITHMS).map((spec) => [spec.uri, xmlCryptoAlgorithm(spec)]),
);

/**
 * The Signature query parameter of the HTTP-Redirect binding (bindings §3.4.4.1): base64 of the
 * signature over `octets`, which the caller built as `SAMLRequest=…&RelayState=…&SigAlg=…` with
 * each value already URL-encoded.
 */
export function signRedirectQuery(octets: string, key: KeyObject, alg: SignatureAlgorithmName): string {
  return signBytes(SIGNATURE_ALGORITHMS[alg], Buffer.from(octets, 'utf8'), key).toString('base64');
}

/** Check a Redirect-binding signature (our own tests, and the inbound half if it wants it). */
export function verifyRedirectQuery(octets: string, signatureBase64: string, key: KeyLike, alg: SignatureAlgorithmName): boolean {
  return verifyBytes(SIGNATURE_ALGORITHMS[alg], Buffer.from(octets, 'utf8'), key, Buffer.from(signatureBase64, 'base64'));
}

export function signatureAlgorithmUri(alg: SignatureAlgorithmName): string {
  return SIGNATURE_ALGORITHMS[alg].uri;
}
