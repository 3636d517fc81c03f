// Certification path building and validation, RFC 5280 §6.1, for a client certificate against the
// trust anchors of the trusted lists (the certificates of granted CA/QC services, which may be a
// root or an issuing CA).
//
// Hand-written on Node's X509Certificate (checkIssued: issuer/subject names and key identifiers;
// verify: the signature) and @peculiar/x509's extension decoders, because X509ChainBuilder only
// follows names and signatures: it knows no anchors, validates no validity, basic constraints,
// path length or key usage, and is asynchronous where this contract is not.
//
// Anchors are the services' certificates only: a service identified by subject name or SKI
// alone carries no key, so nothing presented could be verified against it.
import type { X509Certificate } from 'node:crypto';
import { CertificateRejected, type TrustService, type ValidatedPath } from './model.js';
import { OID_ANY_EXTENDED_KEY_USAGE, hasKeyUsage, readCertificateFacts, type CertificateFacts } from './certificate-facts.js';
import { x509 } from './x509.js';

/** Certificates in a path, leaf and anchor included: real qualified hierarchies use 2 to 4. */
export const MAX_PATH_CERTIFICATES = 6;
/** A TLS peer chain or proxy header with more certificates than this is not a person's chain. */
export const MAX_PRESENTED_CERTIFICATES = 8;
/**
 * Signature checks one path search may spend: certificates sharing names and keys can make the
 * number of candidate paths grow exponentially with their count, and the client chooses them.
 */
export const MAX_SIGNATURE_CHECKS = 64;
const OID_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const MIN_RSA_BITS = 2048;

const label = (c: X509Certificate): string => `'${c.subject.replaceAll('\n', ', ')}' (serial ${c.serialNumber})`;

/**
 * Builds and validates the path from `presented[0]` (the leaf, as received; the rest in any
 * order) through presented or `extraIntermediates` certificates to a certificate of one of
 * `anchors`, at `at`. Throws CertificateRejected: 'malformed', 'expired', 'not-yet-valid',
 * 'wrong-usage' (leaf), 'untrusted-issuer' (no path), or 'expired'/'not-yet-valid' for a CA.
 */
export function validatePath(
  presented: readonly X509Certificate[],
  anchors: readonly TrustService[],
  at: Date,
  extraIntermediates: readonly X509Certificate[] = [],
): ValidatedPath {
  const leaf = presented[0];
  if (!leaf) throw new CertificateRejected('malformed', 'no certificate presented');
  if (presented.length > MAX_PRESENTED_CERTIFICATES) throw new CertificateRejected('malformed', `${presented.length} certificates presented (at most ${MAX_PRESENTED_CERTIFICATES})`);
  const facts = factsReader();
  checkLeaf(leaf, facts(leaf), at);

  // every service naming the certificate: qualification reads them all (qualification.ts)
  const anchorServices = new Map<string, TrustService[]>();
  for (const service of anchors) for (const c of service.certificates) anchorServices.set(c.fingerprint256, [...(anchorServices.get(c.fingerprint256) ?? []), service]);
  const pool = new Map<string, X509Certificate>();
  for (const service of anchors) for (const c of service.certificates) pool.set(c.fingerprint256, c);
  for (const c of [...presented.slice(1), ...extraIntermediates]) if (!pool.has(c.fingerprint256)) pool.set(c.fingerprint256, c);
  pool.delete(leaf.fingerprint256);

  const deadEnds: string[] = [];
  let firstFailure: CertificateRejected | undefined;
  for (const chain of candidatePaths(leaf, [...pool.values()], anchorServices, deadEnds)) {
    try {
      checkIssuers(chain, facts, at);
      return { leaf, chain, services: anchorServices.get(chain[chain.length - 1]!.fingerprint256)! };
    } catch (e) {
      if (!(e instanceof CertificateRejected)) throw e;
      firstFailure ??= e;
    }
  }
  throw firstFailure ?? new CertificateRejected('untrusted-issuer', `no path from ${label(leaf)} to a trusted-list CA: ${[...new Set(deadEnds)].join('; ') || 'no issuer found'}`);
}

function factsReader(): (c: X509Certificate) => CertificateFacts {
  const memo = new Map<X509Certificate, CertificateFacts>();
  return (c) => {
    let f = memo.get(c);
    if (!f) {
      try {
        f = readCertificateFacts(c);
      } catch (e) {
        throw new CertificateRejected('malformed', `cannot decode ${label(c)}: ${(e as Error).message}`);
      }
      memo.set(c, f);
    }
    return f;
  };
}

function checkValidity(c: X509Certificate, f: CertificateFacts, at: Date, role: string): void {
  if (at < f.notBefore) throw new CertificateRejected('not-yet-valid', `${role} ${label(c)} is not valid before ${f.notBefore.toISOString()} (checked at ${at.toISOString()})`);
  if (at > f.notAfter) throw new CertificateRejected('expired', `${role} ${label(c)} expired at ${f.notAfter.toISOString()} (checked at ${at.toISOString()})`);
}

function rsaTooShort(c: X509Certificate): number | null {
  const bits = c.publicKey.asymmetricKeyType === 'rsa' ? c.publicKey.asymmetricKeyDetails?.modulusLength : undefined;
  return bits !== undefined && bits < MIN_RSA_BITS ? bits : null;
}

/** RFC 5280 §4.2.1.3, §4.2.1.9, §4.2.1.12 for the end entity; a CA certificate is not a login. */
function checkLeaf(leaf: X509Certificate, f: CertificateFacts, at: Date): void {
  if (f.unrecognisedCritical.length) throw new CertificateRejected('malformed', `leaf ${label(leaf)} has unrecognised critical extensions ${f.unrecognisedCritical.join(', ')}`);
  const bits = rsaTooShort(leaf);
  if (bits !== null) throw new CertificateRejected('malformed', `leaf ${label(leaf)} has a ${bits}-bit RSA key (minimum ${MIN_RSA_BITS})`);
  if (f.basicConstraints?.ca) throw new CertificateRejected('wrong-usage', `leaf ${label(leaf)} is a CA certificate (basicConstraints CA=true)`);
  checkValidity(leaf, f, at, 'leaf');
  if (!hasKeyUsage(f, x509.KeyUsageFlags.digitalSignature)) {
    throw new CertificateRejected('wrong-usage', `leaf ${label(leaf)} keyUsage ${f.keyUsage === null ? 'is absent' : `(bits ${f.keyUsage}) lacks digitalSignature`}`);
  }
  const eku = f.extendedKeyUsage;
  if (eku && !eku.includes(OID_CLIENT_AUTH) && !eku.includes(OID_ANY_EXTENDED_KEY_USAGE)) {
    throw new CertificateRejected('wrong-usage', `leaf ${label(leaf)} extendedKeyUsage ${eku.join(', ')} does not allow clientAuth`);
  }
}

/**
 * Depth first, anchors tried first at each step: every chain leaf → … → anchor whose names chain
 * (and key identifiers, and the issuer's keyCertSign when present: OpenSSL's X509_check_issued)
 * and whose signatures verify, without repeating a certificate, up to MAX_PATH_CERTIFICATES.
 * Why a chain stopped is collected into `deadEnds` for the audit log.
 */
function* candidatePaths(
  leaf: X509Certificate,
  pool: readonly X509Certificate[],
  anchorServices: ReadonlyMap<string, readonly TrustService[]>,
  deadEnds: string[],
): Generator<X509Certificate[]> {
  const ordered = [...pool].sort((a, b) => Number(anchorServices.has(b.fingerprint256)) - Number(anchorServices.has(a.fingerprint256)));
  let signatureChecks = 0;
  function* extend(chain: X509Certificate[]): Generator<X509Certificate[]> {
    const current = chain[chain.length - 1]!;
    if (chain.length > 1 && anchorServices.has(current.fingerprint256)) {
      yield chain;
      return;
    }
    if (chain.length >= MAX_PATH_CERTIFICATES) {
      deadEnds.push(`path longer than ${MAX_PATH_CERTIFICATES} certificates at ${label(current)}`);
      return;
    }
    let named = 0;
    for (const candidate of ordered) {
      if (!current.checkIssued(candidate)) continue;
      named++;
      if (chain.some((c) => c.fingerprint256 === candidate.fingerprint256)) {
        deadEnds.push(`loop: ${label(candidate)} already in the path`);
        continue;
      }
      if (++signatureChecks > MAX_SIGNATURE_CHECKS) {
        deadEnds.push(`search stopped after ${MAX_SIGNATURE_CHECKS} signature checks`);
        return;
      }
      if (!current.verify(candidate.publicKey)) {
        deadEnds.push(`signature of ${label(current)} does not verify with the key of ${label(candidate)}`);
        continue;
      }
      yield* extend([...chain, candidate]);
    }
    if (named === 0) {
      deadEnds.push(`no certificate that issued ${label(current)} (issuer '${current.issuer.replaceAll('\n', ', ')}')`);
    }
  }
  yield* extend([leaf]);
}

/** RFC 5280 §6.1.3–§6.1.4 for every CA of a candidate chain (anchor included). */
function checkIssuers(chain: readonly X509Certificate[], facts: (c: X509Certificate) => CertificateFacts, at: Date): void {
  for (let i = 1; i < chain.length; i++) {
    const ca = chain[i]!;
    const subordinate = chain[i - 1]!;
    const f = facts(ca);
    const sf = facts(subordinate);
    if (!sf.signatureAlgorithmAccepted) throw new CertificateRejected('untrusted-issuer', `${label(subordinate)} is signed with ${sf.signatureAlgorithm}, not accepted`);
    checkValidity(ca, f, at, 'CA');
    if (f.unrecognisedCritical.length) throw new CertificateRejected('untrusted-issuer', `CA ${label(ca)} has unrecognised critical extensions ${f.unrecognisedCritical.join(', ')}`);
    if (!f.basicConstraints?.ca) throw new CertificateRejected('untrusted-issuer', `issuer ${label(ca)} is not a CA (basicConstraints ${f.basicConstraints ? 'CA=false' : 'absent'})`);
    if (f.keyUsage !== null && !hasKeyUsage(f, x509.KeyUsageFlags.keyCertSign)) throw new CertificateRejected('untrusted-issuer', `CA ${label(ca)} keyUsage lacks keyCertSign`);
    const bits = rsaTooShort(ca);
    if (bits !== null) throw new CertificateRejected('untrusted-issuer', `CA ${label(ca)} has a ${bits}-bit RSA key (minimum ${MIN_RSA_BITS})`);
    // pathLenConstraint counts the non-self-issued intermediate CAs below this one (§4.2.1.9)
    const below = chain.slice(1, i).filter((c) => c.subject !== c.issuer).length;
    const pathLength = f.basicConstraints.pathLength;
    if (pathLength !== undefined && below > pathLength) {
      throw new CertificateRejected('untrusted-issuer', `CA ${label(ca)} allows ${pathLength} intermediate CA(s) below it, the path has ${below}`);
    }
  }
}
