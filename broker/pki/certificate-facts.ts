// What path validation reads from a certificate (RFC 5280 §4.1.2.5 validity, §4.2 extensions),
// decoded with @peculiar/x509: Node's X509Certificate exposes neither key usage bits nor pathLen,
// and gives validity only as text.
import type { X509Certificate } from 'node:crypto';
import { x509 } from './x509.js';

export const OID_ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';

/**
 * Extensions this broker understands. RFC 5280 §4.2: a certificate with a critical extension
 * the relying party does not recognise must be rejected (e.g. nameConstraints, which we do not
 * process). Certificate policies and QcStatements are read by qualification, not here.
 */
const RECOGNISED = new Set([
  '2.5.29.14', // subjectKeyIdentifier
  '2.5.29.35', // authorityKeyIdentifier
  '2.5.29.15', // keyUsage
  '2.5.29.19', // basicConstraints
  '2.5.29.37', // extKeyUsage
  '2.5.29.32', // certificatePolicies
  '2.5.29.17', // subjectAltName
  '2.5.29.18', // issuerAltName
  '2.5.29.31', // cRLDistributionPoints
  '1.3.6.1.5.5.7.1.1', // authorityInfoAccess
  '1.3.6.1.5.5.7.1.3', // qcStatements
  '1.3.6.1.5.5.7.48.1.5', // id-pkix-ocsp-nocheck
]);

/** Hashes accepted in certificate signatures: SHA-1 and MD5 signatures are forgeable. */
const ACCEPTED_HASHES = new Set(['SHA-256', 'SHA-384', 'SHA-512']);
const HASHLESS_SIGNATURES = new Set(['Ed25519', 'Ed448']);

export interface CertificateFacts {
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** null when the extension is absent */
  readonly basicConstraints: { readonly ca: boolean; readonly pathLength: number | undefined } | null;
  /** x509.KeyUsageFlags bits; null when absent */
  readonly keyUsage: number | null;
  /** purpose OIDs; null when absent */
  readonly extendedKeyUsage: readonly string[] | null;
  readonly unrecognisedCritical: readonly string[];
  /** the signature's algorithm name and hash, e.g. "ECDSA with SHA-256" */
  readonly signatureAlgorithm: string;
  readonly signatureAlgorithmAccepted: boolean;
}

/** Throws on a certificate @peculiar/x509 cannot decode (the caller turns that into 'malformed'). */
export function readCertificateFacts(cert: X509Certificate): CertificateFacts {
  const parsed = new x509.X509Certificate(new Uint8Array(cert.raw));
  const bc = parsed.getExtension(x509.BasicConstraintsExtension);
  const ku = parsed.getExtension(x509.KeyUsagesExtension);
  const eku = parsed.getExtension(x509.ExtendedKeyUsageExtension);
  const alg = parsed.signatureAlgorithm as { name: string; hash?: { name: string } };
  const hash = alg.hash?.name;
  return {
    notBefore: parsed.notBefore,
    notAfter: parsed.notAfter,
    basicConstraints: bc ? { ca: bc.ca, pathLength: bc.pathLength } : null,
    keyUsage: ku ? ku.usages : null,
    extendedKeyUsage: eku ? eku.usages.map(String) : null,
    unrecognisedCritical: parsed.extensions.filter((e) => e.critical && !RECOGNISED.has(e.type)).map((e) => e.type),
    signatureAlgorithm: hash ? `${alg.name} with ${hash}` : alg.name,
    signatureAlgorithmAccepted: hash ? ACCEPTED_HASHES.has(hash) : HASHLESS_SIGNATURES.has(alg.name),
  };
}

export function hasKeyUsage(ext: CertificateFacts, flag: number): boolean {
  return ext.keyUsage !== null && (ext.keyUsage & flag) !== 0;
}
