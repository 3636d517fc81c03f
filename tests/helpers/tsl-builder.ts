// Trusted lists for tests: an ETSI TS 119 612 TrustServiceStatusList written from a short
// description, XAdES-signed by xmlsec1 (Debian's libxmlsec1, not our code), so the verifier under
// test meets a signature made by an independent implementation. The template carries the
// ds:Signature the way member states publish it: a Reference to the list (enveloped + c14n), a
// Reference of Type SignedProperties, and ds:Object/xades:QualifyingProperties with SigningTime
// and SigningCertificateV2; xmlsec1 fills in the digests and the signature value.
import { execFile } from 'node:child_process';
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { TSL_NS, XADES_SIGNED_PROPERTIES_TYPE } from '../../broker/pki/trusted-list/names.js';
import { ALG, NS } from '../../broker/saml/namespaces.js';

const run = promisify(execFile);

export interface ServiceDescription {
  readonly name: string;
  /** ServiceTypeIdentifier; default http://uri.etsi.org/TrstSvc/Svctype/CA/QC */
  readonly type?: string;
  /** PEM certificates of the service's digital identity */
  readonly certificates?: readonly string[];
  readonly subjectNames?: readonly string[];
  /** subject key identifiers, hex */
  readonly subjectKeyIdentifiers?: readonly string[];
  /** a status URI, or its last segment ("granted", "withdrawn", "undersupervision", …) */
  readonly status: string;
  readonly statusFrom: Date;
  /** earlier statuses, newest first (ServiceHistory); `type` defaults to the service's */
  readonly history?: readonly { readonly status: string; readonly from: Date; readonly type?: string }[];
  /** AdditionalServiceInformation URIs */
  readonly additionalInformation?: readonly string[];
  readonly qualifications?: readonly {
    /** qualifier URIs, or their last segment ("QCWithSSCD", "QCStatement", …) */
    readonly qualifiers: readonly string[];
    readonly assert?: 'all' | 'atLeastOne' | 'none';
    /** dotted OIDs, written as urn:oid: identifiers the way real lists do */
    readonly policyOids?: readonly string[];
    /** KeyUsageBit names that must be set */
    readonly keyUsage?: readonly string[];
  }[];
}

export interface TrustedListDescription {
  /** SchemeTerritory, e.g. ES */
  readonly territory: string;
  readonly sequenceNumber?: number;
  readonly issued: Date;
  /** null: a closed list (NextUpdate without dateTime) */
  readonly nextUpdate: Date | null;
  readonly providers: readonly { readonly name: string; readonly services: readonly ServiceDescription[] }[];
}

export interface TrustedListSigner {
  readonly keyPem: string;
  readonly certPem: string;
}

/** Shapes the negative tests need; each still yields a signature xmlsec1 computed. */
export interface SignatureShape {
  /** the list's Reference: URI="" (default) or URI="#<root Id>" */
  readonly referenceUri?: 'empty' | 'root-id';
  /** SignedInfo, list and SignedProperties canonicalisation; default exclusive */
  readonly canonicalization?: 'exclusive' | 'inclusive';
  /** default: rsa-sha256 for an RSA key, ecdsa-sha256 for an EC key */
  readonly signatureMethod?: string;
  /** default sha256 */
  readonly digestMethod?: string;
  /** a third Reference (to the list again) */
  readonly extraReference?: boolean;
  /** no Reference to the SignedProperties (they stay in the ds:Object) */
  readonly omitSignedPropertiesReference?: boolean;
  /** the certificate whose digest SigningCertificateV2 names; default the signer's */
  readonly signingCertificatePem?: string;
  /** the older xades:SigningCertificate with a SHA-1 digest and IssuerSerial, as the Spanish list of 2019 has */
  readonly signingCertificateV1Sha1?: boolean;
  readonly omitSigningTime?: boolean;
  readonly signingTime?: Date;
}

const ROOT_ID = 'TrustServiceStatusList-1';
const SIGNATURE_ID = 'id-tsl-signature';
const SIGNED_PROPERTIES_ID = `${SIGNATURE_ID}-signedprops`;
const STATUS_BASE = 'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/';
const SVC_INFO_EXT = 'http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function pemBody(pem: string): string {
  return new X509Certificate(pem).raw.toString('base64');
}

function iso(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function statusUri(s: string): string {
  return s.includes(':') ? s : STATUS_BASE + s;
}

function digitalIdentity(svc: ServiceDescription): string {
  const ids = [
    ...(svc.certificates ?? []).map((c) => `<tsl:DigitalId><tsl:X509Certificate>${pemBody(c)}</tsl:X509Certificate></tsl:DigitalId>`),
    ...(svc.subjectNames ?? []).map((n) => `<tsl:DigitalId><tsl:X509SubjectName>${esc(n)}</tsl:X509SubjectName></tsl:DigitalId>`),
    ...(svc.subjectKeyIdentifiers ?? []).map((k) => `<tsl:DigitalId><tsl:X509SKI>${Buffer.from(k, 'hex').toString('base64')}</tsl:X509SKI></tsl:DigitalId>`),
  ];
  return `<tsl:ServiceDigitalIdentity>${ids.join('')}</tsl:ServiceDigitalIdentity>`;
}

function extensions(svc: ServiceDescription): string {
  const exts: string[] = [];
  if (svc.qualifications?.length) {
    const elements = svc.qualifications.map((q) => {
      const qualifiers = q.qualifiers.map((u) => `<ecc:Qualifier uri="${esc(u.includes(':') ? u : SVC_INFO_EXT + u)}"/>`).join('');
      const keyUsage = q.keyUsage?.length ? `<ecc:KeyUsage>${q.keyUsage.map((b) => `<ecc:KeyUsageBit name="${esc(b)}">true</ecc:KeyUsageBit>`).join('')}</ecc:KeyUsage>` : '';
      const policies = q.policyOids?.length
        ? `<ecc:PolicySet>${q.policyOids.map((o) => `<ecc:PolicyIdentifier><xades:Identifier Qualifier="OIDAsURN">urn:oid:${o}</xades:Identifier></ecc:PolicyIdentifier>`).join('')}</ecc:PolicySet>`
        : '';
      return `<ecc:QualificationElement><ecc:Qualifiers>${qualifiers}</ecc:Qualifiers><ecc:CriteriaList assert="${q.assert ?? 'atLeastOne'}">${keyUsage}${policies}</ecc:CriteriaList></ecc:QualificationElement>`;
    });
    exts.push(`<tsl:Extension Critical="true"><ecc:Qualifications>${elements.join('')}</ecc:Qualifications></tsl:Extension>`);
  }
  for (const uri of svc.additionalInformation ?? [])
    exts.push(`<tsl:Extension Critical="false"><tsl:AdditionalServiceInformation><tsl:URI xml:lang="en">${esc(uri)}</tsl:URI></tsl:AdditionalServiceInformation></tsl:Extension>`);
  return exts.length ? `<tsl:ServiceInformationExtensions>${exts.join('')}</tsl:ServiceInformationExtensions>` : '';
}

function service(svc: ServiceDescription): string {
  const type = svc.type ?? 'http://uri.etsi.org/TrstSvc/Svctype/CA/QC';
  const name = `<tsl:ServiceName><tsl:Name xml:lang="en">${esc(svc.name)}</tsl:Name></tsl:ServiceName>`;
  const history = (svc.history ?? []).map(
    (h) =>
      `<tsl:ServiceHistoryInstance><tsl:ServiceTypeIdentifier>${esc(h.type ?? type)}</tsl:ServiceTypeIdentifier>${name}${digitalIdentity(svc)}` +
      `<tsl:ServiceStatus>${esc(statusUri(h.status))}</tsl:ServiceStatus><tsl:StatusStartingTime>${iso(h.from)}</tsl:StatusStartingTime></tsl:ServiceHistoryInstance>`,
  );
  return (
    `<tsl:TSPService><tsl:ServiceInformation><tsl:ServiceTypeIdentifier>${esc(type)}</tsl:ServiceTypeIdentifier>${name}${digitalIdentity(svc)}` +
    `<tsl:ServiceStatus>${esc(statusUri(svc.status))}</tsl:ServiceStatus><tsl:StatusStartingTime>${iso(svc.statusFrom)}</tsl:StatusStartingTime>${extensions(svc)}</tsl:ServiceInformation>` +
    (history.length ? `<tsl:ServiceHistory>${history.join('')}</tsl:ServiceHistory>` : '') +
    `</tsl:TSPService>`
  );
}

function listBody(desc: TrustedListDescription): string {
  const next = desc.nextUpdate ? `<tsl:NextUpdate><tsl:dateTime>${iso(desc.nextUpdate)}</tsl:dateTime></tsl:NextUpdate>` : '<tsl:NextUpdate/>';
  const providers = desc.providers.map(
    (p) =>
      `<tsl:TrustServiceProvider><tsl:TSPInformation><tsl:TSPName><tsl:Name xml:lang="en">${esc(p.name)}</tsl:Name></tsl:TSPName></tsl:TSPInformation>` +
      `<tsl:TSPServices>${p.services.map(service).join('')}</tsl:TSPServices></tsl:TrustServiceProvider>`,
  );
  return (
    `<tsl:SchemeInformation><tsl:TSLVersionIdentifier>5</tsl:TSLVersionIdentifier><tsl:TSLSequenceNumber>${desc.sequenceNumber ?? 1}</tsl:TSLSequenceNumber>` +
    `<tsl:TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric</tsl:TSLType>` +
    `<tsl:SchemeOperatorName><tsl:Name xml:lang="en">Test scheme operator</tsl:Name></tsl:SchemeOperatorName>` +
    `<tsl:SchemeTerritory>${esc(desc.territory)}</tsl:SchemeTerritory>` +
    `<tsl:ListIssueDateTime>${iso(desc.issued)}</tsl:ListIssueDateTime>${next}</tsl:SchemeInformation>` +
    `<tsl:TrustServiceProviderList>${providers.join('')}</tsl:TrustServiceProviderList>`
  );
}

function signatureTemplate(signer: TrustedListSigner, shape: SignatureShape): string {
  const c14n = shape.canonicalization === 'inclusive' ? ALG.c14n : ALG.excC14n;
  const digest = shape.digestMethod ?? ALG.sha256;
  const listUri = shape.referenceUri === 'root-id' ? `#${ROOT_ID}` : '';
  const listReference =
    `<ds:Reference Id="ref-tsl" URI="${listUri}"><ds:Transforms><ds:Transform Algorithm="${ALG.envelopedSignature}"/><ds:Transform Algorithm="${c14n}"/></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="${digest}"/><ds:DigestValue/></ds:Reference>`;
  const propertiesReference = shape.omitSignedPropertiesReference
    ? ''
    : `<ds:Reference Type="${XADES_SIGNED_PROPERTIES_TYPE}" URI="#${SIGNED_PROPERTIES_ID}"><ds:Transforms><ds:Transform Algorithm="${c14n}"/></ds:Transforms>` +
      `<ds:DigestMethod Algorithm="${digest}"/><ds:DigestValue/></ds:Reference>`;
  const extra = shape.extraReference
    ? `<ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="${ALG.envelopedSignature}"/><ds:Transform Algorithm="${c14n}"/></ds:Transforms><ds:DigestMethod Algorithm="${digest}"/><ds:DigestValue/></ds:Reference>`
    : '';
  const named = new X509Certificate(shape.signingCertificatePem ?? signer.certPem);
  const signingCertificate = shape.signingCertificateV1Sha1
    ? `<xades:SigningCertificate><xades:Cert><xades:CertDigest><ds:DigestMethod Algorithm="${ALG.sha1}"/><ds:DigestValue>${createHash('sha1').update(named.raw).digest('base64')}</ds:DigestValue></xades:CertDigest>` +
      `<xades:IssuerSerial><ds:X509IssuerName>${esc(named.issuer.split('\n').reverse().join(','))}</ds:X509IssuerName><ds:X509SerialNumber>${BigInt(`0x${named.serialNumber}`).toString()}</ds:X509SerialNumber></xades:IssuerSerial></xades:Cert></xades:SigningCertificate>`
    : `<xades:SigningCertificateV2><xades:Cert><xades:CertDigest><ds:DigestMethod Algorithm="${ALG.sha256}"/><ds:DigestValue>${createHash('sha256').update(named.raw).digest('base64')}</ds:DigestValue></xades:CertDigest></xades:Cert></xades:SigningCertificateV2>`;
  const signingTime = shape.omitSigningTime ? '' : `<xades:SigningTime>${iso(shape.signingTime ?? new Date())}</xades:SigningTime>`;
  return (
    `<ds:Signature xmlns:ds="${NS.ds}" Id="${SIGNATURE_ID}"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="${c14n}"/>` +
    `<ds:SignatureMethod Algorithm="${shape.signatureMethod ?? (createPrivateKey(signer.keyPem).asymmetricKeyType === 'ec' ? ALG.ecdsaSha256 : ALG.rsaSha256)}"/>${listReference}${propertiesReference}${extra}</ds:SignedInfo>` +
    `<ds:SignatureValue/><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${pemBody(signer.certPem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>` +
    `<ds:Object><xades:QualifyingProperties xmlns:xades="${TSL_NS.xades}" Target="#${SIGNATURE_ID}"><xades:SignedProperties Id="${SIGNED_PROPERTIES_ID}">` +
    `<xades:SignedSignatureProperties>${signingTime}${signingCertificate}</xades:SignedSignatureProperties>` +
    `<xades:SignedDataObjectProperties><xades:DataObjectFormat ObjectReference="#ref-tsl"><xades:MimeType>text/xml</xades:MimeType></xades:DataObjectFormat></xades:SignedDataObjectProperties>` +
    `</xades:SignedProperties></xades:QualifyingProperties></ds:Object></ds:Signature>`
  );
}

/** The unsigned list (no ds:Signature), for parser tests and for tests that sign it otherwise. */
export function trustedListXml(desc: TrustedListDescription, signatureXml = ''): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<tsl:TrustServiceStatusList xmlns:tsl="${TSL_NS.tsl}" xmlns:ecc="${TSL_NS.ecc}" xmlns:xades="${TSL_NS.xades}" ` +
    `Id="${ROOT_ID}" TSLTag="http://uri.etsi.org/19612/TSLTag">${listBody(desc)}${signatureXml}</tsl:TrustServiceStatusList>\n`
  );
}

/**
 * A TrustServiceStatusList for `desc`, XAdES-signed by xmlsec1 with `signer` (PEM key and
 * certificate; RSA or EC). Deterministic but for SigningTime (now, unless `shape.signingTime`).
 * `shape` bends the signature for negative tests; leave it out for a list as real ones are.
 */
export async function buildTrustedList(desc: TrustedListDescription, signer: TrustedListSigner, shape: SignatureShape = {}): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pasarela-tsl-'));
  try {
    const files = { key: path.join(dir, 'key.pem'), cert: path.join(dir, 'cert.pem'), template: path.join(dir, 'tsl.xml'), out: path.join(dir, 'signed.xml') };
    await Promise.all([
      writeFile(files.key, signer.keyPem, { mode: 0o600 }),
      writeFile(files.cert, signer.certPem),
      writeFile(files.template, trustedListXml(desc, signatureTemplate(signer, shape))),
    ]);
    await run('xmlsec1', [
      '--sign',
      '--privkey-pem', `${files.key},${files.cert}`,
      '--id-attr:Id', `${TSL_NS.tsl}:TrustServiceStatusList`,
      '--id-attr:Id', `${TSL_NS.xades}:SignedProperties`,
      '--output', files.out,
      files.template,
    ]);
    return await readFile(files.out, 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
