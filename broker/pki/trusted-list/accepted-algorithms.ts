// The algorithms a trusted list's signature may use: wider than the SAML profile's list
// (saml/accepted-algorithms.ts), because member states sign with RSA-SHA384/512 and ECDSA-SHA512
// too, and never SHA-1. Some old lists are still signed with rsa-sha1 or carry sha1 digests; they
// are refused (a collision-prone digest would let content be swapped under a genuine signature),
// and the operator must use a list whose scheme operator signs with SHA-2.
import { createHash } from 'node:crypto';
import type { HashAlgorithm } from 'xml-crypto';
import type { AcceptedSignatureAlgorithm } from '../../saml/accepted-algorithms.js';
import { ALG } from '../../saml/namespaces.js';

const RSA_PSS_SHA384 = 'http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1';

export const TSL_SIGNATURE_ALGORITHMS: Readonly<Record<string, AcceptedSignatureAlgorithm>> = {
  [ALG.rsaSha256]: { hash: 'sha256', kind: 'rsa' },
  [ALG.rsaSha384]: { hash: 'sha384', kind: 'rsa' },
  [ALG.rsaSha512]: { hash: 'sha512', kind: 'rsa' },
  [ALG.rsaPssSha256]: { hash: 'sha256', kind: 'rsa-pss' },
  [RSA_PSS_SHA384]: { hash: 'sha384', kind: 'rsa-pss' },
  [ALG.rsaPssSha512]: { hash: 'sha512', kind: 'rsa-pss' },
  [ALG.ecdsaSha256]: { hash: 'sha256', kind: 'ecdsa' },
  [ALG.ecdsaSha384]: { hash: 'sha384', kind: 'ecdsa' },
  [ALG.ecdsaSha512]: { hash: 'sha512', kind: 'ecdsa' },
};

/** Digest algorithm URI → Node hash name, for References and the XAdES certificate digest. */
export const TSL_DIGEST_ALGORITHMS: Readonly<Record<string, 'sha256' | 'sha384' | 'sha512'>> = {
  [ALG.sha256]: 'sha256',
  [ALG.sha384]: 'sha384',
  [ALG.sha512]: 'sha512',
};

/**
 * Digests of the signer certificate in xades:SigningCertificate(V2): SHA-1 is accepted here and
 * only here. Member states still publish lists whose SigningCertificate names the signer by SHA-1
 * (the Spanish list did in 2019), and that digest protects nothing the signature itself does not:
 * the signature is verified with the configured certificate's key, never with one looked up by
 * this digest, so a collision on it would gain an attacker nothing.
 */
export const TSL_CERT_DIGEST_ALGORITHMS: Readonly<Record<string, 'sha1' | 'sha256' | 'sha384' | 'sha512'>> = {
  ...TSL_DIGEST_ALGORITHMS,
  [ALG.sha1]: 'sha1',
};

/** xml-crypto HashAlgorithm classes for the accepted digests (it ships no SHA-384). */
export function xmlCryptoHashAlgorithms(): Record<string, new () => HashAlgorithm> {
  const out: Record<string, new () => HashAlgorithm> = {};
  for (const [uri, hash] of Object.entries(TSL_DIGEST_ALGORITHMS)) {
    out[uri] = class {
      getHash(xml: string): string {
        return createHash(hash).update(xml, 'utf8').digest('base64');
      }
      getAlgorithmName(): string {
        return uri;
      }
    } as unknown as new () => HashAlgorithm;
  }
  return out;
}
