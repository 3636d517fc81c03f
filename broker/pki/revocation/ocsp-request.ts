// An OCSP request (RFC 6960 §4.1) for one certificate, with a random nonce (RFC 8954).
import { createHash, randomBytes, type X509Certificate } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate, Extension } from '@peculiar/asn1-x509';
import { CertID, OCSPRequest, Request, TBSRequest, id_pkix_ocsp_nonce } from '@peculiar/asn1-ocsp';

// The CertID hash identifies the issuer; it proves nothing. SHA-1 is what RFC 5019 responders
// (most CA responders) are required to understand, so it stays the interoperable choice here.
const SHA1 = '1.3.14.3.2.26';
const NONCE_BYTES = 32;

export interface OcspQuery {
  readonly der: Buffer;
  readonly certId: CertID;
  /** the nonce extension's extnValue as sent, compared byte for byte with the answer's */
  readonly nonceValue: Buffer;
}

export function certIdOf(cert: X509Certificate, issuer: X509Certificate): CertID {
  const issuerTbs = AsnConvert.parse(issuer.raw, Certificate).tbsCertificate;
  const leafTbs = AsnConvert.parse(cert.raw, Certificate).tbsCertificate;
  const sha1 = (b: ArrayBuffer): OctetString => new OctetString(createHash('sha1').update(Buffer.from(b)).digest());
  return new CertID({
    hashAlgorithm: new AlgorithmIdentifier({ algorithm: SHA1, parameters: null }),
    issuerNameHash: sha1(AsnConvert.serialize(issuerTbs.subject)),
    issuerKeyHash: sha1(issuerTbs.subjectPublicKeyInfo.subjectPublicKey),
    serialNumber: leafTbs.serialNumber,
  });
}

export function buildOcspRequest(cert: X509Certificate, issuer: X509Certificate): OcspQuery {
  const certId = certIdOf(cert, issuer);
  const nonceValue = Buffer.from(AsnConvert.serialize(new OctetString(randomBytes(NONCE_BYTES))));
  const request = new OCSPRequest({
    tbsRequest: new TBSRequest({
      requestList: [new Request({ reqCert: certId })],
      requestExtensions: [new Extension({ extnID: id_pkix_ocsp_nonce, critical: false, extnValue: new OctetString(nonceValue) })],
    }),
  });
  return { der: Buffer.from(AsnConvert.serialize(request)), certId, nonceValue };
}

export function sameCertId(a: CertID, b: CertID): boolean {
  const eq = (x: ArrayBuffer | OctetString, y: ArrayBuffer | OctetString): boolean =>
    Buffer.from(x instanceof OctetString ? x.buffer : x).equals(Buffer.from(y instanceof OctetString ? y.buffer : y));
  return a.hashAlgorithm.algorithm === b.hashAlgorithm.algorithm && eq(a.issuerNameHash, b.issuerNameHash) && eq(a.issuerKeyHash, b.issuerKeyHash) && eq(a.serialNumber, b.serialNumber);
}
