// Who a certificate names: the DNI/NIE and the names, read from the subject with the profile of its
// issuer (pki.profiles.issuers, first match; default: serialNumber + givenName/surname, names
// from the DNIe CN form when those attributes are absent). The document number must pass the
// registry's own DNI/NIE check letter validation; anything unreadable is 'no-identity'.
//
// Subject forms read:
//  - serialNumber "IDCES-12345678Z" (ETSI EN 319 412-1 §5.1.3: IDC = national identity card, ES),
//    "TINES-12345678Z" (tax identification number: a person's NIF is their DNI/NIE), or bare
//    "12345678Z" / "X1234567L" (the DNIe and older Spanish profiles);
//  - CN "… - NIF 12345678Z" (older FNMT profiles put the number only there: documentFrom 'cn-nif');
//  - CN "GARCÍA LÓPEZ, JUAN (AUTENTICACIÓN)" (DNIe): surnames before the comma, name after it.
//
// Limitation: Spanish certificates carry both surnames in one string (surname attribute or CN),
// and a compound surname ("DE LA FUENTE") cannot be told from two surnames there; they are split
// at the first space. The names only matter when a person is registered from the certificate
// (connectors.certificate.registerUnknownPersons): a known person keeps the registry's names.
import type { X509Certificate } from 'node:crypto';
import { x509 } from './x509.js';
import { documentTypeOf, normaliseDocument } from '../identity/documents.js';
import { CertificateRejected, type CertificateHolder } from './model.js';

export interface IssuerProfile {
  /** case-insensitive substring of the issuer DN (RFC 4514), e.g. "O=DIRECCION GENERAL DE LA POLICIA" */
  readonly issuerContains?: string | undefined;
  /** the issuer's subject key identifier (hex), matched against the leaf's authority key identifier */
  readonly issuerSki?: string | undefined;
  readonly documentFrom: 'serialNumber' | 'cn-nif';
  readonly namesFrom: 'givenName-surname' | 'dnie-cn';
}

const OID = { serialNumber: '2.5.4.5', commonName: '2.5.4.3', givenName: '2.5.4.42', surname: '2.5.4.4' } as const;
const SERIAL_PREFIX = /^(?:IDC|TIN)ES-/i;
const CN_NIF = /\bNI[FE]:?\s+([0-9XYZ][0-9]{7}[A-Z])\b/i;
/** "SURNAMES, NAME (PURPOSE)": the DNIe's authentication and signature certificates */
const DNIE_CN = /^([^,()]+),\s*([^,()]+?)\s*(?:\([^()]*\))?$/;

const DEFAULT_PROFILE: IssuerProfile = { documentFrom: 'serialNumber', namesFrom: 'givenName-surname' };

function profileFor(cert: x509.X509Certificate, issuers: readonly IssuerProfile[]): IssuerProfile {
  const aki = cert.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId?.toLowerCase();
  const issuerDn = cert.issuer.toLowerCase();
  return issuers.find((p) =>
    (p.issuerContains !== undefined && issuerDn.includes(p.issuerContains.toLowerCase())) ||
    (p.issuerSki !== undefined && aki !== undefined && p.issuerSki.toLowerCase().replace(/[^0-9a-f]/g, '') === aki)) ?? DEFAULT_PROFILE;
}

function splitSurnames(surnames: string): { firstSurname: string; secondSurname: string | null } {
  const trimmed = surnames.trim().replace(/\s+/g, ' ');
  const space = trimmed.indexOf(' ');
  return space < 0 ? { firstSurname: trimmed, secondSurname: null } : { firstSurname: trimmed.slice(0, space), secondSurname: trimmed.slice(space + 1) };
}

function documentOf(cert: x509.X509Certificate, from: IssuerProfile['documentFrom']): string {
  const raw = from === 'serialNumber'
    ? (cert.subjectName.getField(OID.serialNumber)[0] ?? '').replace(SERIAL_PREFIX, '')
    : (CN_NIF.exec(cert.subjectName.getField(OID.commonName)[0] ?? '')?.[1] ?? '');
  const document = normaliseDocument(raw);
  if (!document) throw new CertificateRejected('no-identity', `no document number in the subject's ${from === 'serialNumber' ? 'serialNumber' : 'CN'}`);
  if (!documentTypeOf(document)) throw new CertificateRejected('no-identity', `subject document number ${document} is not a valid DNI/NIE`);
  return document;
}

function namesOf(cert: x509.X509Certificate, from: IssuerProfile['namesFrom']): Omit<CertificateHolder, 'documentNumber'> | undefined {
  if (from === 'givenName-surname') {
    const givenName = cert.subjectName.getField(OID.givenName)[0]?.trim();
    const surname = cert.subjectName.getField(OID.surname)[0]?.trim();
    if (givenName && surname) return { givenName, ...splitSurnames(surname) };
    return undefined;
  }
  const m = DNIE_CN.exec((cert.subjectName.getField(OID.commonName)[0] ?? '').trim());
  if (!m) return undefined;
  return { givenName: m[2]!.trim(), ...splitSurnames(m[1]!) };
}

/** The holder named by `cert` under its issuer's profile; throws CertificateRejected('no-identity'). */
export function readHolder(cert: X509Certificate, issuers: readonly IssuerProfile[]): CertificateHolder {
  const parsed = new x509.X509Certificate(cert.raw);
  const profile = profileFor(parsed, issuers);
  const documentNumber = documentOf(parsed, profile.documentFrom);
  // the configured form first, then the other one: the default profile must read the DNIe too
  const names = namesOf(parsed, profile.namesFrom) ?? namesOf(parsed, profile.namesFrom === 'dnie-cn' ? 'givenName-surname' : 'dnie-cn');
  if (!names) throw new CertificateRejected('no-identity', 'no given name and surname in the subject (givenName/surname or DNIe CN)');
  return { documentNumber, ...names };
}
