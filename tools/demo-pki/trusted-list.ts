// The demo's trusted list: one TSP with one CA/QC service (the demo issuing CA), granted, for
// e-signatures, XAdES-signed the way member states sign their lists (a Reference to the whole
// list with enveloped-signature + exclusive c14n, a Reference to the SignedProperties, SigningTime
// and SigningCertificateV2) — so the broker reads it with the same strict verifier as a real list
// (broker/pki/trusted-list/verify-xades.ts). Signed here rather than with xmlsec1 so that
// `npm start` needs nothing installed; the canonical forms come from xml-crypto, the signature from
// Node's crypto. Development only: tests sign their lists with xmlsec1 (tests/helpers/tsl-builder.ts).
import { createHash, createPrivateKey, sign, X509Certificate } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { ExclusiveCanonicalization } from 'xml-crypto';
import { TSL_NS, XADES_SIGNED_PROPERTIES_TYPE } from '../../broker/pki/trusted-list/names.js';
import { ALG, NS } from '../../broker/saml/namespaces.js';

export interface DemoListDescription {
  readonly issued: Date;
  readonly nextUpdate: Date;
  readonly sequenceNumber: number;
  /** PEM of the CA/QC service's certificate */
  readonly caPem: string;
  readonly caFrom: Date;
}

const SIGNATURE_ID = 'demo-tsl-signature';
const PROPERTIES_ID = `${SIGNATURE_ID}-signedprops`;

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const base64Of = (pem: string) => new X509Certificate(pem).raw.toString('base64');
const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest('base64');

function listXml(d: DemoListDescription, signature: string): string {
  const service =
    `<tsl:TSPService><tsl:ServiceInformation><tsl:ServiceTypeIdentifier>http://uri.etsi.org/TrstSvc/Svctype/CA/QC</tsl:ServiceTypeIdentifier>` +
    `<tsl:ServiceName><tsl:Name xml:lang="en">Pasarela DEMO qualified issuing CA</tsl:Name></tsl:ServiceName>` +
    `<tsl:ServiceDigitalIdentity><tsl:DigitalId><tsl:X509Certificate>${base64Of(d.caPem)}</tsl:X509Certificate></tsl:DigitalId></tsl:ServiceDigitalIdentity>` +
    `<tsl:ServiceStatus>http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted</tsl:ServiceStatus><tsl:StatusStartingTime>${iso(d.caFrom)}</tsl:StatusStartingTime>` +
    `<tsl:ServiceInformationExtensions><tsl:Extension Critical="false"><tsl:AdditionalServiceInformation><tsl:URI xml:lang="en">http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/ForeSignatures</tsl:URI></tsl:AdditionalServiceInformation></tsl:Extension></tsl:ServiceInformationExtensions>` +
    `</tsl:ServiceInformation></tsl:TSPService>`;
  return (
    `<tsl:TrustServiceStatusList xmlns:tsl="${TSL_NS.tsl}" Id="demo-tsl" TSLTag="http://uri.etsi.org/19612/TSLTag">` +
    `<tsl:SchemeInformation><tsl:TSLVersionIdentifier>5</tsl:TSLVersionIdentifier><tsl:TSLSequenceNumber>${d.sequenceNumber}</tsl:TSLSequenceNumber>` +
    `<tsl:TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric</tsl:TSLType>` +
    `<tsl:SchemeOperatorName><tsl:Name xml:lang="en">Pasarela DEMO scheme operator</tsl:Name></tsl:SchemeOperatorName>` +
    `<tsl:SchemeTerritory>ES</tsl:SchemeTerritory><tsl:ListIssueDateTime>${iso(d.issued)}</tsl:ListIssueDateTime>` +
    `<tsl:NextUpdate><tsl:dateTime>${iso(d.nextUpdate)}</tsl:dateTime></tsl:NextUpdate></tsl:SchemeInformation>` +
    `<tsl:TrustServiceProviderList><tsl:TrustServiceProvider><tsl:TSPInformation><tsl:TSPName><tsl:Name xml:lang="en">Pasarela DEMO TSP</tsl:Name></tsl:TSPName></tsl:TSPInformation>` +
    `<tsl:TSPServices>${service}</tsl:TSPServices></tsl:TrustServiceProvider></tsl:TrustServiceProviderList>${signature}</tsl:TrustServiceStatusList>`
  );
}

function signatureXml(signerPem: string, listDigest: string, signedAt: Date, fill: { propertiesDigest?: string; value?: string } = {}): string {
  const c14n = ALG.excC14n;
  return (
    `<ds:Signature xmlns:ds="${NS.ds}" Id="${SIGNATURE_ID}"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="${c14n}"/><ds:SignatureMethod Algorithm="${ALG.rsaSha256}"/>` +
    `<ds:Reference Id="ref-tsl" URI=""><ds:Transforms><ds:Transform Algorithm="${ALG.envelopedSignature}"/><ds:Transform Algorithm="${c14n}"/></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="${ALG.sha256}"/><ds:DigestValue>${listDigest}</ds:DigestValue></ds:Reference>` +
    `<ds:Reference Type="${XADES_SIGNED_PROPERTIES_TYPE}" URI="#${PROPERTIES_ID}"><ds:Transforms><ds:Transform Algorithm="${c14n}"/></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="${ALG.sha256}"/><ds:DigestValue>${fill.propertiesDigest ?? ''}</ds:DigestValue></ds:Reference></ds:SignedInfo>` +
    `<ds:SignatureValue>${fill.value ?? ''}</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${base64Of(signerPem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>` +
    `<ds:Object><xades:QualifyingProperties xmlns:xades="${TSL_NS.xades}" Target="#${SIGNATURE_ID}"><xades:SignedProperties Id="${PROPERTIES_ID}">` +
    `<xades:SignedSignatureProperties><xades:SigningTime>${iso(signedAt)}</xades:SigningTime><xades:SigningCertificateV2><xades:Cert><xades:CertDigest>` +
    `<ds:DigestMethod Algorithm="${ALG.sha256}"/><ds:DigestValue>${createHash('sha256').update(new X509Certificate(signerPem).raw).digest('base64')}</ds:DigestValue>` +
    `</xades:CertDigest></xades:Cert></xades:SigningCertificateV2></xades:SignedSignatureProperties>` +
    `<xades:SignedDataObjectProperties><xades:DataObjectFormat ObjectReference="#ref-tsl"><xades:MimeType>text/xml</xades:MimeType></xades:DataObjectFormat></xades:SignedDataObjectProperties>` +
    `</xades:SignedProperties></xades:QualifyingProperties></ds:Object></ds:Signature>`
  );
}

function canonical(xml: string, localName: string): string {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const node = Array.from(doc.getElementsByTagName('*')).find((e) => e.localName === localName);
  if (!node) throw new TypeError(`no ${localName} in the demo list`);
  return new ExclusiveCanonicalization().process(node as unknown as Element, {}) as unknown as string;
}

/** The demo list, signed with the scheme operator's RSA key (PEM) and certificate. */
export function signedDemoList(d: DemoListDescription, signer: { keyPem: string; certPem: string }, signedAt: Date): string {
  // enveloped-signature + exclusive c14n of the whole list = the list without its signature
  const listDigest = digest(canonical(listXml(d, ''), 'TrustServiceStatusList'));
  const propertiesDigest = digest(canonical(listXml(d, signatureXml(signer.certPem, listDigest, signedAt)), 'SignedProperties'));
  const signedInfo = canonical(listXml(d, signatureXml(signer.certPem, listDigest, signedAt, { propertiesDigest })), 'SignedInfo');
  const value = sign('sha256', Buffer.from(signedInfo, 'utf8'), createPrivateKey(signer.keyPem)).toString('base64');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${listXml(d, signatureXml(signer.certPem, listDigest, signedAt, { propertiesDigest, value }))}\n`;
}
