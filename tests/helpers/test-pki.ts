// A test PKI, generated in the tests with @peculiar/x509 over Node's WebCrypto: a root CA, an
// issuing (intermediate) CA and the leaves the certificate checks need, shaped like the Spanish
// profiles (qualified natural-person certificates with QcStatements, DNIe-style subjects, the
// public-employee policy). EVERY KEY HERE IS A TEST KEY, generated per process and never written
// anywhere but a test's temporary directory.
//
// API
//   const pki = await createTestPki({ now, ocspUrl?, crlUrl?, caCrlUrl? });   // cached per process per options
//                             (caCrlUrl: the intermediate's CRL point, for the root's CRL
//                             `pki.crl({ signer: pki.root, revoked: [] })`, when paths end at the root)
//   pki.root, pki.intermediate                                    // CAs (TestCertificate)
//   pki.qualifiedPerson       IDCES-12345678Z, QcCompliance + QcType esign, no QcSSCD, QCP-n policy
//   pki.qualifiedPersonSscd   DNIe style: serialNumber 12345678Z, CN "GARCÍA LÓPEZ, JUAN (AUTENTICACIÓN)",
//                             QcCompliance + QcSSCD + QcType esign, QCP-n-qscd policy
//   pki.publicEmployee        IDCES-87654321X, public-employee policy (medium level) + QcCompliance
//   pki.nonQualified          11111111H, no QcStatements, no qualified policy
//   pki.expired / pki.notYetValid / pki.wrongKeyUsage (keyEncipherment only)
//   pki.revokedByOcsp         revoked (keyCompromise) one day before `now`; OCSP and CRL both say so
//   pki.revokedByCrl          revoked one day before `now`; carries NO OCSP URL, only the CRL point,
//                             so a checker must read the CRL for it
//   pki.unknownRoot, pki.unknownIssuer   an unrelated CA and a leaf it issued
//   pki.ocspResponder         delegated responder: issued by the intermediate, EKU OCSPSigning, ocsp-nocheck
//   pki.unauthorisedResponder issued by the intermediate WITHOUT the OCSPSigning EKU
//   pki.ocspIndex()           openssl `ca`/`ocsp` index.txt of every leaf the intermediate issued
//   pki.crl({ thisUpdate?, nextUpdate?, revoked?, signer? })   DER CRL, by default signed by the
//                             intermediate, listing revokedByOcsp and revokedByCrl
//   issueTestCertificate(params)   any other certificate (e.g. an intermediate without CA=true)
//   toPkcs12(leaf, password, chain?)   PKCS#12 through `openssl pkcs12 -export`
// Leaves carry the AIA OCSP URL and the CRL distribution point when given, keyUsage
// digitalSignature, EKU clientAuth. Dates are relative to `now`: leaves valid from now − 30 days
// to now + 2 years, CAs from now − 1 year.
import { execFile } from 'node:child_process';
import { KeyObject, X509Certificate, randomBytes, webcrypto } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { AsnConvert } from '@peculiar/asn1-schema';
import { QCStatement, QCStatements, id_pe_qcStatements } from '@peculiar/asn1-x509-qualified';
import { QcType, id_etsi_qcs_qcCompliance, id_etsi_qcs_qcSSCD, id_etsi_qcs_qcType, id_etsi_qct_esign } from '@peculiar/asn1-x509-qualified-etsi';
import { id_pkix_ocsp_nocheck } from '@peculiar/asn1-ocsp';
import { x509 } from '../../broker/pki/x509.js';

const DAY = 86_400_000;
const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** The signature algorithm a key signs with here: ECDSA or RSASSA-PKCS1-v1_5, with `hash`. */
function signingWith(key: CryptoKey, hash: string): Algorithm & { hash: string } {
  return { name: key.algorithm.name === 'ECDSA' ? 'ECDSA' : 'RSASSA-PKCS1-v1_5', hash };
}

/** ETSI EN 319 411-2 policies: QCP-n (natural person) and QCP-n-qscd (on a qualified device). */
export const QCP_N = '0.4.0.194112.1.0';
export const QCP_N_QSCD = '0.4.0.194112.1.2';
/**
 * Spanish public-employee certificate policies (AGE profile, "certificado de empleado público"):
 * high and medium assurance levels.
 */
export const PUBLIC_EMPLOYEE_HIGH = '2.16.724.1.3.5.7.1';
export const PUBLIC_EMPLOYEE_MEDIUM = '2.16.724.1.3.5.7.2';

/** A generated certificate with its TEST key. */
export interface TestCertificate {
  readonly cert: X509Certificate;
  readonly pem: string;
  readonly der: Buffer;
  /** PKCS#8 PEM of the TEST private key */
  readonly keyPem: string;
  readonly keys: CryptoKeyPair;
  /** hex, upper-case, as Node's X509Certificate.serialNumber */
  readonly serialNumber: string;
}

export interface QcStatementsParams {
  readonly compliance?: boolean;
  readonly sscd?: boolean;
  readonly esign?: boolean;
}

export interface IssueParams {
  /** RFC 4514 string or @peculiar/x509 JSON name (use OIDs such as '2.5.4.5' for serialNumber) */
  readonly subject: string | x509.JsonNameParams;
  /** the issuing CA; omitted → self-signed */
  readonly issuer?: TestCertificate;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** basic constraints: CA with an optional pathLen; `false` → CA=false; omitted → no extension */
  readonly ca?: { readonly pathLength?: number } | false;
  readonly keyUsage?: x509.KeyUsageFlags;
  readonly extendedKeyUsage?: readonly string[];
  readonly policies?: readonly string[];
  readonly qcStatements?: QcStatementsParams;
  /** several: the AIA names each responder, in order */
  readonly ocspUrl?: string | readonly string[];
  /** several: one distribution point each, in order */
  readonly crlUrl?: string | readonly string[];
  readonly ocspNoCheck?: boolean;
  /** hex; random (positive, 16 bytes) when omitted */
  readonly serialNumber?: string;
  /** reuse a key pair (cross-certificates, re-issued CAs); a fresh P-256 pair when omitted */
  readonly keys?: CryptoKeyPair;
  /** further extensions, e.g. an unknown critical one */
  readonly extensions?: readonly x509.Extension[];
  /** an RSA key of this many bits instead of P-256 (for key-size rules) */
  readonly rsaBits?: number;
  /** the hash the issuer signs with; default SHA-256 (SHA-1 for weak-signature rules) */
  readonly signatureHash?: 'SHA-1' | 'SHA-256' | 'SHA-384';
}

function pemOf(der: Buffer, label: string): string {
  return `-----BEGIN ${label}-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END ${label}-----\n`;
}

function qcStatementsExtension(p: QcStatementsParams): x509.Extension {
  const statements: QCStatement[] = [];
  const statement = (id: string, info?: ArrayBuffer): QCStatement => {
    const s = Object.assign(new QCStatement(), { statementId: id });
    // QCStatement's constructor sets an empty statementInfo, which cannot be encoded: an absent
    // (optional) statementInfo must be no property at all.
    if (info) s.statementInfo = info;
    else Reflect.deleteProperty(s, 'statementInfo');
    return s;
  };
  if (p.compliance) statements.push(statement(id_etsi_qcs_qcCompliance));
  if (p.sscd) statements.push(statement(id_etsi_qcs_qcSSCD));
  if (p.esign) statements.push(statement(id_etsi_qcs_qcType, AsnConvert.serialize(new QcType([id_etsi_qct_esign]))));
  return new x509.Extension(id_pe_qcStatements, false, AsnConvert.serialize(new QCStatements(statements)));
}

/** Issues one certificate (P-256 TEST key) as the parameters say. */
export async function issueTestCertificate(p: IssueParams): Promise<TestCertificate> {
  const algorithm = p.rsaBits ? { name: 'RSASSA-PKCS1-v1_5', modulusLength: p.rsaBits, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' } : EC;
  const keys = p.keys ?? ((await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair);
  const issuerKeys = p.issuer?.keys ?? keys;
  const extensions: x509.Extension[] = [
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(issuerKeys.publicKey),
  ];
  if (p.ca !== undefined) extensions.push(new x509.BasicConstraintsExtension(p.ca !== false, p.ca === false ? undefined : p.ca.pathLength, true));
  if (p.keyUsage !== undefined) extensions.push(new x509.KeyUsagesExtension(p.keyUsage, true));
  if (p.extendedKeyUsage) extensions.push(new x509.ExtendedKeyUsageExtension([...p.extendedKeyUsage]));
  if (p.policies) extensions.push(new x509.CertificatePolicyExtension([...p.policies]));
  if (p.qcStatements) extensions.push(qcStatementsExtension(p.qcStatements));
  if (p.ocspUrl) extensions.push(new x509.AuthorityInfoAccessExtension({ ocsp: typeof p.ocspUrl === 'string' ? p.ocspUrl : [...p.ocspUrl] }));
  if (p.crlUrl) extensions.push(new x509.CRLDistributionPointsExtension(typeof p.crlUrl === 'string' ? [p.crlUrl] : [...p.crlUrl]));
  // id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1): its value is an ASN.1 NULL.
  if (p.ocspNoCheck) extensions.push(new x509.Extension(id_pkix_ocsp_nocheck, false, new Uint8Array([0x05, 0x00])));
  if (p.extensions) extensions.push(...p.extensions);
  const subject = new x509.Name(p.subject);
  const generated = await x509.X509CertificateGenerator.create({
    serialNumber: p.serialNumber ?? '01' + randomBytes(15).toString('hex'),
    subject,
    issuer: p.issuer ? new x509.X509Certificate(p.issuer.pem).subjectName : subject,
    notBefore: p.notBefore,
    notAfter: p.notAfter,
    signingAlgorithm: signingWith(issuerKeys.privateKey, p.signatureHash ?? 'SHA-256'),
    publicKey: keys.publicKey,
    signingKey: issuerKeys.privateKey,
    extensions,
  });
  const der = Buffer.from(generated.rawData);
  const cert = new X509Certificate(der);
  const keyPem = KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }) as string;
  return { cert, pem: pemOf(der, 'CERTIFICATE'), der, keyPem, keys, serialNumber: cert.serialNumber };
}

export interface TestPkiOptions {
  readonly now: Date;
  readonly ocspUrl?: string;
  readonly crlUrl?: string;
  /** the root's CRL (an ARL) named by the intermediate, for paths anchored at the root */
  readonly caCrlUrl?: string;
}

export interface CrlParams {
  readonly thisUpdate?: Date;
  /** default thisUpdate + 1 day; `null` → no nextUpdate */
  readonly nextUpdate?: Date | null;
  readonly revoked?: readonly TestCertificate[];
  /** further revoked serial numbers (hex), e.g. to make a CRL large */
  readonly extraSerials?: readonly string[];
  /** default the intermediate */
  readonly signer?: TestCertificate;
  /** the CRL's issuer name; default the signer's subject */
  readonly issuerOf?: TestCertificate;
  /** CRL extensions, e.g. an issuingDistributionPoint or a deltaCRLIndicator */
  readonly extensions?: readonly x509.Extension[];
}

export interface TestPki {
  readonly now: Date;
  readonly root: TestCertificate;
  readonly intermediate: TestCertificate;
  readonly qualifiedPerson: TestCertificate;
  readonly qualifiedPersonSscd: TestCertificate;
  readonly publicEmployee: TestCertificate;
  readonly nonQualified: TestCertificate;
  readonly expired: TestCertificate;
  readonly notYetValid: TestCertificate;
  readonly revokedByOcsp: TestCertificate;
  readonly revokedByCrl: TestCertificate;
  readonly wrongKeyUsage: TestCertificate;
  readonly unknownRoot: TestCertificate;
  readonly unknownIssuer: TestCertificate;
  readonly ocspResponder: TestCertificate;
  readonly unauthorisedResponder: TestCertificate;
  /** the day before `now`, when revokedByOcsp and revokedByCrl were revoked */
  readonly revocationTime: Date;
  /** every leaf the intermediate issued (the responders included) */
  readonly issuedByIntermediate: readonly TestCertificate[];
  ocspIndex(): string;
  crl(params?: CrlParams): Promise<Buffer>;
}

function personName(serialNumber: string, givenName: string, surname: string, cn: string): x509.JsonNameParams {
  return [{ '2.5.4.6': ['ES'] }, { '2.5.4.5': [serialNumber] }, { '2.5.4.42': [givenName] }, { '2.5.4.4': [surname] }, { '2.5.4.3': [cn] }];
}

/** openssl's index.txt time: UTCTime YYMMDDHHMMSSZ (our dates stay before 2050). */
function indexTime(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
}

async function buildTestPki(o: TestPkiOptions): Promise<TestPki> {
  const now = o.now.getTime();
  const at = (days: number): Date => new Date(now + days * DAY);
  const urls = { ...(o.ocspUrl ? { ocspUrl: o.ocspUrl } : {}), ...(o.crlUrl ? { crlUrl: o.crlUrl } : {}) };
  const K = x509.KeyUsageFlags;
  const root = await issueTestCertificate({
    subject: 'C=ES, O=Pasarela TEST, CN=Pasarela TEST Root CA', notBefore: at(-365), notAfter: at(3650),
    ca: {}, keyUsage: K.keyCertSign | K.cRLSign,
  });
  const intermediate = await issueTestCertificate({
    subject: 'C=ES, O=Pasarela TEST, CN=Pasarela TEST Qualified Issuing CA', issuer: root, notBefore: at(-365), notAfter: at(1825),
    ca: { pathLength: 0 }, keyUsage: K.keyCertSign | K.cRLSign, ...(o.caCrlUrl ? { crlUrl: o.caCrlUrl } : {}),
  });
  const leaf = (subject: x509.JsonNameParams, extra: Partial<IssueParams> = {}): Promise<TestCertificate> =>
    issueTestCertificate({
      subject, issuer: intermediate, notBefore: at(-30), notAfter: at(730), ca: false,
      keyUsage: K.digitalSignature, extendedKeyUsage: [x509.ExtendedKeyUsage.clientAuth], ...urls, ...extra,
    });
  const qualified = { compliance: true, esign: true };
  const qualifiedPerson = await leaf(personName('IDCES-12345678Z', 'JUAN', 'GARCÍA LÓPEZ', 'GARCÍA LÓPEZ JUAN - 12345678Z'), {
    policies: [QCP_N], qcStatements: qualified,
  });
  const qualifiedPersonSscd = await leaf(personName('12345678Z', 'JUAN', 'GARCÍA', 'GARCÍA LÓPEZ, JUAN (AUTENTICACIÓN)'), {
    policies: [QCP_N_QSCD], qcStatements: { ...qualified, sscd: true },
  });
  const publicEmployee = await leaf(
    [{ '2.5.4.6': ['ES'] }, { '2.5.4.10': ['MINISTERIO DE PRUEBAS'] }, { '2.5.4.11': ['CERTIFICADO ELECTRÓNICO DE EMPLEADO PÚBLICO'] },
      { '2.5.4.5': ['IDCES-87654321X'] }, { '2.5.4.42': ['ANA'] }, { '2.5.4.4': ['MARTÍN RUIZ'] }, { '2.5.4.3': ['ANA MARTÍN RUIZ - DNI 87654321X'] }],
    { policies: [PUBLIC_EMPLOYEE_MEDIUM], qcStatements: { compliance: true } },
  );
  const nonQualified = await leaf(personName('IDCES-11111111H', 'LUIS', 'PÉREZ', 'PÉREZ LUIS - 11111111H'));
  const expired = await leaf(personName('IDCES-22222222J', 'EVA', 'SANZ', 'SANZ EVA - 22222222J'), {
    policies: [QCP_N], qcStatements: qualified, notBefore: at(-760), notAfter: at(-1),
  });
  const notYetValid = await leaf(personName('IDCES-33333333P', 'RAÚL', 'GIL', 'GIL RAÚL - 33333333P'), {
    policies: [QCP_N], qcStatements: qualified, notBefore: at(1), notAfter: at(731),
  });
  const revokedByOcsp = await leaf(personName('IDCES-12345678Z', 'JUAN', 'GARCÍA LÓPEZ', 'GARCÍA LÓPEZ JUAN - 12345678Z (revoked)'), {
    policies: [QCP_N], qcStatements: qualified,
  });
  const { ocspUrl: _withoutOcsp, ...crlOnly } = urls;
  const revokedByCrl = await issueTestCertificate({
    subject: personName('IDCES-12345678Z', 'JUAN', 'GARCÍA LÓPEZ', 'GARCÍA LÓPEZ JUAN - 12345678Z (revoked, CRL)'),
    issuer: intermediate, notBefore: at(-30), notAfter: at(730), ca: false, keyUsage: K.digitalSignature,
    extendedKeyUsage: [x509.ExtendedKeyUsage.clientAuth], policies: [QCP_N], qcStatements: qualified, ...crlOnly,
  });
  const wrongKeyUsage = await leaf(personName('IDCES-12345678Z', 'JUAN', 'GARCÍA LÓPEZ', 'GARCÍA LÓPEZ JUAN - 12345678Z (encipherment)'), {
    policies: [QCP_N], qcStatements: qualified, keyUsage: K.keyEncipherment,
  });
  const unknownRoot = await issueTestCertificate({
    subject: 'C=ES, O=Unrelated TEST, CN=Unrelated TEST CA', notBefore: at(-365), notAfter: at(3650), ca: {}, keyUsage: K.keyCertSign | K.cRLSign,
  });
  const unknownIssuer = await issueTestCertificate({
    subject: personName('IDCES-12345678Z', 'JUAN', 'GARCÍA LÓPEZ', 'GARCÍA LÓPEZ JUAN - 12345678Z'), issuer: unknownRoot,
    notBefore: at(-30), notAfter: at(730), ca: false, keyUsage: K.digitalSignature, extendedKeyUsage: [x509.ExtendedKeyUsage.clientAuth],
    policies: [QCP_N], qcStatements: qualified, ...urls,
  });
  const ocspResponder = await issueTestCertificate({
    subject: 'C=ES, O=Pasarela TEST, CN=Pasarela TEST OCSP Responder', issuer: intermediate, notBefore: at(-30), notAfter: at(365),
    ca: false, keyUsage: K.digitalSignature, extendedKeyUsage: [x509.ExtendedKeyUsage.ocspSigning], ocspNoCheck: true,
  });
  const unauthorisedResponder = await issueTestCertificate({
    subject: 'C=ES, O=Pasarela TEST, CN=Pasarela TEST Not A Responder', issuer: intermediate, notBefore: at(-30), notAfter: at(365),
    ca: false, keyUsage: K.digitalSignature, extendedKeyUsage: [x509.ExtendedKeyUsage.clientAuth],
  });
  const revocationTime = at(-1);
  const revoked = new Set([revokedByOcsp, revokedByCrl]);
  const issuedByIntermediate = [qualifiedPerson, qualifiedPersonSscd, publicEmployee, nonQualified, expired, notYetValid,
    revokedByOcsp, revokedByCrl, wrongKeyUsage, ocspResponder, unauthorisedResponder];

  return {
    now: o.now, root, intermediate, qualifiedPerson, qualifiedPersonSscd, publicEmployee, nonQualified, expired, notYetValid,
    revokedByOcsp, revokedByCrl, wrongKeyUsage, unknownRoot, unknownIssuer, ocspResponder, unauthorisedResponder,
    revocationTime, issuedByIntermediate,
    ocspIndex(): string {
      // status, expiry, revocation date[,reason], serial (hex), file name, subject — tab-separated
      return issuedByIntermediate.map((c) => {
        const subject = '/' + c.cert.subject.split('\n').join('/');
        const state = revoked.has(c) ? `R\t${indexTime(new Date(c.cert.validTo))}\t${indexTime(revocationTime)},keyCompromise` : `V\t${indexTime(new Date(c.cert.validTo))}\t`;
        return `${state}\t${c.serialNumber}\tunknown\t${subject}\n`;
      }).join('');
    },
    async crl(p: CrlParams = {}): Promise<Buffer> {
      const signer = p.signer ?? intermediate;
      const thisUpdate = p.thisUpdate ?? new Date(now - 3_600_000);
      const nextUpdate = p.nextUpdate === undefined ? new Date(thisUpdate.getTime() + DAY) : p.nextUpdate;
      const crl = await x509.X509CrlGenerator.create({
        issuer: new x509.X509Certificate((p.issuerOf ?? signer).pem).subjectName,
        thisUpdate,
        ...(nextUpdate ? { nextUpdate } : {}),
        signingAlgorithm: signingWith(signer.keys.privateKey, 'SHA-256'),
        signingKey: signer.keys.privateKey,
        ...(p.extensions ? { extensions: [...p.extensions] } : {}),
        entries: [...(p.revoked ?? [revokedByOcsp, revokedByCrl]).map((c) => c.serialNumber), ...(p.extraSerials ?? [])].map((serialNumber) => ({
          serialNumber, revocationDate: revocationTime, reason: x509.X509CrlReason.keyCompromise,
        })),
      });
      return Buffer.from(crl.rawData);
    },
  };
}

const cache = new Map<string, Promise<TestPki>>();

/** The test PKI for these options, generated once per process (P-256 keys: a few ms each). */
export function createTestPki(o: TestPkiOptions): Promise<TestPki> {
  const key = JSON.stringify([o.now.toISOString(), o.ocspUrl ?? null, o.crlUrl ?? null, o.caCrlUrl ?? null]);
  let pki = cache.get(key);
  if (!pki) {
    pki = buildTestPki(o);
    cache.set(key, pki);
  }
  return pki;
}

/** PKCS#12 of a leaf and its TEST key (and chain), through `openssl pkcs12 -export` (AES-256, SHA-256 MAC). */
export async function toPkcs12(leaf: TestCertificate, password: string, chain: readonly TestCertificate[] = []): Promise<Buffer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pasarela-p12-'));
  try {
    await writeFile(path.join(dir, 'leaf.pem'), leaf.pem + chain.map((c) => c.pem).join(''));
    await writeFile(path.join(dir, 'leaf.key'), leaf.keyPem, { mode: 0o600 });
    await promisify(execFile)('openssl', ['pkcs12', '-export', '-in', 'leaf.pem', '-inkey', 'leaf.key', '-out', 'leaf.p12',
      '-passout', 'env:P12_PASSWORD'], { cwd: dir, env: { ...process.env, P12_PASSWORD: password } });
    return await readFile(path.join(dir, 'leaf.p12'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
