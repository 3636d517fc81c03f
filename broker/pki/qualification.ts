// "Is this a qualified certificate, of which profile, on a qualified device?" — decided from the
// trusted-list service the certificate chains to TOGETHER with the certificate's own statements,
// never from the certificate alone (anyone can put QcCompliance in a certificate; only the list
// says the issuer is supervised for it). A simplified ETSI TS 119 615 §4.4 procedure:
//
//  1. the service is a CA/QC whose status at the validation time is granted (the trusted lists'
//     own isGrantedCaQcAt, so the same rule as for the anchors);
//  2. the service issues certificates for electronic signatures: when its
//     AdditionalServiceInformation names any "For…" use, ForeSignatures must be among them (a list
//     that names none predates that field and is read as e-signatures);
//  3. the Qualifications entries whose criteria match the certificate contribute their qualifiers;
//  4. qualified = (QcCompliance in the certificate OR a matching QCStatement qualifier) and no
//     matching NotQualified; a QCForLegalPerson, QCForESeal or QCForWSA qualifier, or a QcType
//     without esign (a seal or a web certificate), means it is not a natural person's signature
//     certificate;
//  5. qualified device = QcSSCD in the certificate, overridden by a matching QCWithSSCD/QCWithQSCD
//     (yes), QCNoSSCD/QCNoQSCD (no), QCSSCDStatusAsInCert/QCQSCDStatusAsInCert (as in the
//     certificate) or QCQSCDManagedOnBehalf (yes: a remote qualified device).
//
// Criteria as model.ts defines them: each policy OID and each key-usage bit is one criterion under
// the CriteriaList's assert; a Qualification without criteria applies to every certificate of the
// service (the parser writes that only for restricting qualifiers whose real criteria — nested
// lists, extended key usage, subject attributes — it cannot represent, so they fail closed).
//
// Public employees (Spanish AGE profile, policy OIDs in pki.profiles.publicEmployeePolicyOids)
// must be qualified just the same (seed 000 §1.4.3: an "erkend" certificate of a natural person or
// a public employee); the policy only names the profile.
//
// A CA certificate may be listed in several services (a list that splits one CA by period or by
// qualifier, or two lists naming it). Every granted e-signature service of the anchor is read: a
// restrictive qualifier (NotQualified, QCForLegalPerson, QCForESeal, QCForWSA) in any of them
// refuses — one supervisor saying "not for natural persons' signatures" outweighs another's
// silence — and otherwise any service under which the certificate is qualified accepts it.
import type { X509Certificate } from 'node:crypto';
import { x509 } from './x509.js';
import { AsnConvert } from '@peculiar/asn1-schema';
import { QCStatements, id_pe_qcStatements } from '@peculiar/asn1-x509-qualified';
import { QcType, id_etsi_qcs_qcCompliance, id_etsi_qcs_qcSSCD, id_etsi_qcs_qcType, id_etsi_qct_esign } from '@peculiar/asn1-x509-qualified-etsi';
import { CertificateRejected, type CertificateProfile, type ServiceQualification, type TrustService } from './model.js';
import { SVC_INFO_EXT, isGrantedCaQcAt, statusAt } from './trusted-list/index.js';

const FOR_E_SIGNATURES = `${SVC_INFO_EXT}ForeSignatures`;
const FOR_USES = ['ForeSignatures', 'ForeSeals', 'ForWebSiteAuthentication'].map((u) => SVC_INFO_EXT + u);

export interface QualificationOptions {
  /** certificate policy OIDs of the public-employee profile */
  readonly publicEmployeePolicyOids: readonly string[];
}

export interface Qualification {
  readonly profile: CertificateProfile;
  readonly qualifiedDevice: boolean;
}

/** What the certificate itself says: its QcStatements, policies and key usage. */
export interface CertificateStatements {
  readonly qcCompliance: boolean;
  readonly qcSscd: boolean;
  /** QcType OIDs; empty when the certificate has no QcType statement */
  readonly qcTypes: readonly string[];
  readonly policies: readonly string[];
  /** names of the KeyUsage bits that are set ("digitalSignature", "nonRepudiation", …) */
  readonly keyUsage: readonly string[];
}

const KEY_USAGE_NAMES = Object.entries(x509.KeyUsageFlags).filter((e): e is [string, number] => typeof e[1] === 'number');

export function readStatements(cert: X509Certificate): CertificateStatements {
  const parsed = new x509.X509Certificate(cert.raw);
  const statements: { id: string; info: ArrayBuffer }[] = [];
  const qc = parsed.getExtension(id_pe_qcStatements);
  if (qc) {
    for (const s of AsnConvert.parse(qc.value, QCStatements)) statements.push({ id: s.statementId, info: s.statementInfo });
  }
  const qcTypeStatement = statements.find((s) => s.id === id_etsi_qcs_qcType);
  const qcTypes = qcTypeStatement && qcTypeStatement.info.byteLength > 0 ? [...AsnConvert.parse(qcTypeStatement.info, QcType)] : [];
  const usages = parsed.getExtension(x509.KeyUsagesExtension)?.usages ?? 0;
  return {
    qcCompliance: statements.some((s) => s.id === id_etsi_qcs_qcCompliance),
    qcSscd: statements.some((s) => s.id === id_etsi_qcs_qcSSCD),
    qcTypes,
    policies: parsed.getExtension(x509.CertificatePolicyExtension)?.policies ?? [],
    keyUsage: KEY_USAGE_NAMES.filter(([, bit]) => (usages & bit) !== 0).map(([name]) => name),
  };
}

function criteriaMatch(q: ServiceQualification, cert: CertificateStatements): boolean {
  const results = [...q.policyOids.map((oid) => cert.policies.includes(oid)), ...q.keyUsage.map((bit) => cert.keyUsage.includes(bit))];
  if (results.length === 0) return true;
  if (q.assert === 'all') return results.every(Boolean);
  if (q.assert === 'atLeastOne') return results.some(Boolean);
  return !results.some(Boolean);
}

/** the matching qualifiers, by their last URI segment (QCWithSSCD, QCStatement, …) */
function matchingQualifiers(service: TrustService, cert: CertificateStatements): Set<string> {
  const names = new Set<string>();
  for (const q of service.qualifications) {
    if (!criteriaMatch(q, cert)) continue;
    for (const uri of q.qualifiers) names.add(uri.slice(uri.lastIndexOf('/') + 1));
  }
  return names;
}

function deviceOf(cert: CertificateStatements, qualifiers: Set<string>): boolean {
  if (qualifiers.has('QCNoSSCD') || qualifiers.has('QCNoQSCD')) return false;
  if (qualifiers.has('QCWithSSCD') || qualifiers.has('QCWithQSCD') || qualifiers.has('QCQSCDManagedOnBehalf')) return true;
  return cert.qcSscd;
}

function describe(service: TrustService): string {
  return `service "${service.serviceName}", ${service.territory}`;
}

/** why `service` cannot vouch for an e-signature certificate at `at`; null when it can */
function ineligibility(service: TrustService, at: Date): string | null {
  // the list's own rule (history aware, pre-eIDAS statuses before July 2016), as for the anchors
  if (!isGrantedCaQcAt(service, at)) {
    const then = statusAt(service, at);
    return `issuing service at ${at.toISOString()} is ${then ? `${then.serviceType} with status ${then.status}` : 'not listed yet'}: not a granted CA/QC`;
  }
  const uses = service.additionalInformation.filter((uri) => FOR_USES.includes(uri));
  if (uses.length > 0 && !uses.includes(FOR_E_SIGNATURES)) return 'issuing service is not for electronic signatures';
  return null;
}

/** a matching qualifier that says this is not a qualified natural person's signature certificate */
function restriction(qualifiers: Set<string>): string | null {
  if (qualifiers.has('NotQualified')) return 'the trusted list says the certificate is not qualified';
  if (qualifiers.has('QCForLegalPerson')) return 'the trusted list marks the certificate as issued to a legal person';
  if (qualifiers.has('QCForESeal') || qualifiers.has('QCForWSA')) return 'the trusted list marks the certificate as for e-seals or website authentication';
  return null;
}

/**
 * The profile and device of a certificate whose anchor is listed in `services`, at `at`, and the
 * service that vouches for it; throws CertificateRejected('not-qualified') with the reason for the
 * audit log otherwise.
 */
export function qualify(cert: CertificateStatements, services: readonly TrustService[], at: Date, opts: QualificationOptions): Qualification & { readonly service: TrustService } {
  const reasons: string[] = [];
  const eligible: { service: TrustService; qualifiers: Set<string> }[] = [];
  for (const service of services) {
    const why = ineligibility(service, at);
    if (why) reasons.push(`${why} (${describe(service)})`);
    else eligible.push({ service, qualifiers: matchingQualifiers(service, cert) });
  }
  if (eligible.length === 0) throw new CertificateRejected('not-qualified', reasons.join('; ') || 'no trusted-list service for the issuing CA');
  for (const { service, qualifiers } of eligible) {
    const why = restriction(qualifiers);
    if (why) throw new CertificateRejected('not-qualified', `${why} (${describe(service)})`);
  }
  // a seal or web QcType is not a signature certificate unless a service's QCForESig says it is
  const notForSignatures = cert.qcTypes.length > 0 && !cert.qcTypes.includes(id_etsi_qct_esign) && !eligible.some(({ qualifiers }) => qualifiers.has('QCForESig'));
  if (notForSignatures) throw new CertificateRejected('not-qualified', `QcType ${cert.qcTypes.join(', ')} is not esign`);
  const vouching = eligible.filter(({ qualifiers }) => cert.qcCompliance || qualifiers.has('QCStatement'));
  if (vouching.length === 0) {
    reasons.push(`neither QcCompliance in the certificate nor a QCStatement qualifier (${eligible.map((e) => describe(e.service)).join('; ')})`);
    throw new CertificateRejected('not-qualified', reasons.join('; '));
  }
  const publicEmployee = cert.policies.some((oid) => opts.publicEmployeePolicyOids.includes(oid));
  // a qualified device only when every vouching service agrees: the weaker claim wins
  const qualifiedDevice = vouching.every(({ qualifiers }) => deviceOf(cert, qualifiers));
  return { profile: publicEmployee ? 'public-employee' : 'qualified-natural-person', qualifiedDevice, service: vouching[0]!.service };
}
