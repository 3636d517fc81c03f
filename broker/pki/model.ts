// The contract of broker/pki (issue 5): trusted lists (ETSI TS 119 612), path validation,
// revocation, and the decision "which person, how qualified" for a client certificate. Used by
// connectors/certificate and by device activation with a certificate. Every check that fails
// throws CertificateRejected: one category the person sees ("the certificate provided is not
// valid" + the category's sentence), one precise detail that only the audit log gets.
import type { X509Certificate } from 'node:crypto';

export type RejectionCategory =
  /** not parseable, not a certificate, or not the kind of certificate a person logs in with */
  | 'malformed'
  /** no path to a granted CA/QC service of a trusted list */
  | 'untrusted-issuer'
  | 'expired'
  | 'not-yet-valid'
  /** key usage, extended key usage or basic constraints do not allow client authentication */
  | 'wrong-usage'
  | 'revoked'
  /** no fresh, authentic OCSP answer nor CRL within the timeout, and the policy fails closed */
  | 'revocation-unknown'
  /** trusted issuer, but neither a qualified natural-person nor a public-employee certificate */
  | 'not-qualified'
  /** no DNI/NIE and names could be read from the subject with the issuer's profile */
  | 'no-identity';

export class CertificateRejected extends Error {
  override readonly name = 'CertificateRejected';
  constructor(
    readonly category: RejectionCategory,
    /** for the audit log only: never shown, never contains key material */
    readonly detail: string,
  ) {
    super(`certificate rejected (${category}): ${detail}`);
  }
}

/** One TSPService of a trusted list, as of the list's issue. */
export interface TrustService {
  /** ISO 3166 territory of the list (SchemeTerritory), e.g. ES */
  readonly territory: string;
  readonly tspName: string;
  readonly serviceName: string;
  /** ServiceTypeIdentifier, e.g. http://uri.etsi.org/TrstSvc/Svctype/CA/QC */
  readonly serviceType: string;
  /**
   * current ServiceStatus URI and its StartingTime, followed by ServiceHistory (newest first);
   * `serviceType` only on a history entry whose ServiceTypeIdentifier differs from the current one
   * (a service re-typed over time: its status then was not a status of this service type)
   */
  readonly statusHistory: readonly { readonly status: string; readonly from: Date; readonly serviceType?: string }[];
  /** the service's digital identities (X509Certificate elements); may be empty (SKI/name only) */
  readonly certificates: readonly X509Certificate[];
  /** X509SubjectName / X509SKI identities (hex, lower-case) that carry no certificate */
  readonly subjectNames: readonly string[];
  readonly subjectKeyIdentifiers: readonly string[];
  /**
   * AdditionalServiceInformation URIs (e.g. …/SvcInfoExt/ForeSignatures) and the Qualifications
   * extension's qualifier URIs (e.g. …/SvcInfoExt/QCWithSSCD, QCNoSSCD, QCStatement,
   * QCForLegalPerson), each with the criteria (policy OIDs, key usage) they are bound to.
   */
  readonly additionalInformation: readonly string[];
  readonly qualifications: readonly ServiceQualification[];
}

/**
 * One QualificationElement (TS 119 612 §5.5.9.2). Each policy OID and each key-usage bit is one
 * criterion, evaluated under `assert` (all: every criterion holds; atLeastOne: one does; none:
 * none does). No criterion at all means the qualification applies to EVERY certificate of the
 * service: the parser writes that only to fail closed, for a restricting qualifier (NotQualified,
 * QCNoSSCD, QCNoQSCD, QCForLegalPerson, QCForESeal, QCForWSA) whose real criteria (nested lists,
 * extended key usage, subject attributes) it cannot represent; it drops any other such element.
 */
export interface ServiceQualification {
  readonly qualifiers: readonly string[];
  /** CriteriaList assert="all" | "atLeastOne" | "none" */
  readonly assert: 'all' | 'atLeastOne' | 'none';
  /** PolicySet identifiers (OIDs) of the criteria; empty = no policy criterion */
  readonly policyOids: readonly string[];
  /** KeyUsage bits of the criteria ("digitalSignature", "nonRepudiation", …) that must be set */
  readonly keyUsage: readonly string[];
}

export interface TrustedList {
  /** file path or URL it was loaded from */
  readonly source: string;
  readonly territory: string;
  readonly sequenceNumber: number;
  readonly issued: Date;
  /** NextUpdate; null when the list is closed (ETSI: no next update) */
  readonly nextUpdate: Date | null;
  readonly services: readonly TrustService[];
}

export interface TrustedLists {
  /** the lists whose XAdES signature verified against their configured anchor */
  lists(): readonly TrustedList[];
  /**
   * services of type CA/QC whose status at `at` (history aware) is granted: the trust anchors; of
   * lists within pki.trustedListGraceHours of their NextUpdate only (closed lists never)
   */
  grantedCaServicesAt(at: Date): readonly TrustService[];
  /** lists whose NextUpdate has passed at `at` (shown as /readyz warnings; used during the grace only) */
  staleAt(at: Date): readonly { readonly source: string; readonly nextUpdate: Date | null }[];
  /** re-read every configured source; a source that fails keeps its last good list (logged) */
  refresh(): Promise<void>;
  close(): void;
}

/** The verified chain, leaf first, ending in a certificate of the trust service it chains to. */
export interface ValidatedPath {
  readonly leaf: X509Certificate;
  /** leaf, intermediates…, and the anchor certificate last */
  readonly chain: readonly X509Certificate[];
  /** every granted service that lists the anchor certificate (at least one) */
  readonly services: readonly TrustService[];
}

export interface RevocationChecker {
  /**
   * Checks `cert` (issued by `issuer`) at `at` under the configured policy (OCSP first, CRL
   * fallback, fail closed by default). Resolves when good; throws CertificateRejected 'revoked'
   * or 'revocation-unknown'. Never waits longer than the configured timeouts.
   */
  check(cert: X509Certificate, issuer: X509Certificate, at: Date): Promise<void>;
}

/** The identity read from an accepted certificate. */
export interface CertificateHolder {
  /** normalised DNI or NIE, e.g. 12345678Z */
  readonly documentNumber: string;
  readonly givenName: string;
  readonly firstSurname: string;
  readonly secondSurname: string | null;
}

export type CertificateProfile = 'qualified-natural-person' | 'public-employee';

export interface AcceptedCertificate {
  readonly holder: CertificateHolder;
  readonly profile: CertificateProfile;
  /** QcSSCD in the certificate confirmed by the trusted list (QCWithSSCD/QCQSCDStatusAsInCert…) */
  readonly qualifiedDevice: boolean;
  /** issuer DN (RFC 4514) and serial number (hex, upper-case), for the audit log */
  readonly issuer: string;
  readonly serialNumber: string;
  /** SHA-256 fingerprint of the leaf (hex, upper-case, colon-separated like Node's) */
  readonly fingerprint256: string;
  readonly territory: string;
}

export interface CertificateValidator {
  /**
   * Validates a client certificate chain as presented (leaf first, PEM or DER; the TLS peer
   * chain or the proxy header's PEM): path, usage, revocation, qualification, profile, identity.
   * Throws CertificateRejected.
   */
  validate(presented: readonly (string | Buffer)[], at: Date): Promise<AcceptedCertificate>;
}
