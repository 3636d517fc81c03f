// Verifies a signature made over DER bytes (an OCSP response's tbsResponseData) with a
// certificate's key, for the algorithms X.509 responders use. Hand-written because neither
// @peculiar/asn1-ocsp nor Node maps an AlgorithmIdentifier to a verification; SHA-1 and MD5
// based signatures are refused (forgeable), as for certificates in ../path.ts.
import { verify, type KeyObject } from 'node:crypto';

const ALGORITHMS: Readonly<Record<string, { hash: string | null; key: 'rsa' | 'ec' | 'ed25519' }>> = {
  '1.2.840.113549.1.1.11': { hash: 'sha256', key: 'rsa' },
  '1.2.840.113549.1.1.12': { hash: 'sha384', key: 'rsa' },
  '1.2.840.113549.1.1.13': { hash: 'sha512', key: 'rsa' },
  '1.2.840.10045.4.3.2': { hash: 'sha256', key: 'ec' },
  '1.2.840.10045.4.3.3': { hash: 'sha384', key: 'ec' },
  '1.2.840.10045.4.3.4': { hash: 'sha512', key: 'ec' },
  '1.3.101.112': { hash: null, key: 'ed25519' },
};

/** True when `signature` over `data` verifies with `key` under algorithm `oid`; false otherwise. */
export function verifySignature(oid: string, data: Uint8Array, signature: Uint8Array, key: KeyObject): boolean {
  const alg = ALGORITHMS[oid];
  if (!alg || key.asymmetricKeyType !== alg.key) return false;
  try {
    return verify(alg.hash, data, alg.key === 'ec' ? { key, dsaEncoding: 'der' } : key, signature);
  } catch {
    return false;
  }
}
