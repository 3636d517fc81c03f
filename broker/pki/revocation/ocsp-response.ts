// Reading an OCSP response (RFC 6960 §4.2) for one request: successful, a BasicOCSPResponse
// signed by the issuer itself or by a responder the issuer delegated (§4.2.2.2: issued by it,
// EKU id-kp-OCSPSigning, valid), the request's CertID and nonce echoed, and fresh at `at`.
// Anything short of that is 'unavailable' with the reason; only then may a CRL be asked.
import { createHash, X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, CRLReasons } from '@peculiar/asn1-x509';
import { BasicOCSPResponse, OCSPResponse, OCSPResponseStatus, id_kp_OCSPSigning, id_pkix_ocsp_basic, id_pkix_ocsp_nonce, type ResponderID, type CertID } from '@peculiar/asn1-ocsp';
import { hasKeyUsage, readCertificateFacts } from '../certificate-facts.js';
import { x509 } from '../x509.js';
import { type RevocationAnswer, unavailable } from './answer.js';
import { sameCertId } from './ocsp-request.js';
import { verifySignature } from './signature.js';

export type OcspNoncePolicy = 'required' | 'if-present';

export interface OcspExpectation {
  readonly issuer: X509Certificate;
  readonly certId: CertID;
  readonly nonceValue: Buffer;
  readonly noncePolicy: OcspNoncePolicy;
  readonly at: Date;
  readonly skewMs: number;
}

export interface OcspReading {
  readonly answer: RevocationAnswer;
  /** until when a good or revoked answer may be reused; null = never */
  readonly cacheUntil: Date | null;
}

const fail = (detail: string): OcspReading => ({ answer: unavailable('ocsp', detail), cacheUntil: null });

export function readOcspResponse(der: Buffer, x: OcspExpectation): OcspReading {
  let basic: BasicOCSPResponse;
  try {
    const response = AsnConvert.parse(der, OCSPResponse);
    if (response.responseStatus !== OCSPResponseStatus.successful) return fail(`responder status ${OCSPResponseStatus[response.responseStatus] ?? response.responseStatus}`);
    if (response.responseBytes?.responseType !== id_pkix_ocsp_basic) return fail('not a basic OCSP response');
    basic = AsnConvert.parse(response.responseBytes.response.buffer, BasicOCSPResponse);
  } catch (e) {
    return fail(`undecodable OCSP response: ${(e as Error).message}`);
  }
  let signer: X509Certificate | string;
  try {
    signer = findSigner(basic, x);
  } catch (e) {
    return fail(`undecodable responder certificate: ${(e as Error).message}`);
  }
  if (typeof signer === 'string') return fail(signer);
  if (!basic.tbsResponseDataRaw || !verifySignature(basic.signatureAlgorithm.algorithm, new Uint8Array(basic.tbsResponseDataRaw), new Uint8Array(basic.signature), signer.publicKey)) {
    return fail(`signature (${basic.signatureAlgorithm.algorithm}) does not verify with the key of '${oneLine(signer.subject)}'`);
  }
  const data = basic.tbsResponseData;
  const single = data.responses.find((r) => sameCertId(r.certID, x.certId));
  if (!single) return fail('no answer for the certificate asked about');

  const nonce = data.responseExtensions?.find((e) => e.extnID === id_pkix_ocsp_nonce);
  const nonceMatches = nonce !== undefined && Buffer.from(nonce.extnValue.buffer).equals(x.nonceValue);
  if (nonce && !nonceMatches) return fail('nonce differs from the request (a replayed answer?)');
  if (!nonce && x.noncePolicy === 'required') return fail('no nonce in the answer and the policy requires one');

  const { thisUpdate, nextUpdate } = single;
  if (thisUpdate.getTime() > x.at.getTime() + x.skewMs) return fail(`thisUpdate ${thisUpdate.toISOString()} is in the future`);
  if (nextUpdate && nextUpdate.getTime() < x.at.getTime() - x.skewMs) return fail(`stale: nextUpdate ${nextUpdate.toISOString()} has passed`);
  // Without nextUpdate only the nonce proves the answer is current (§4.4.1).
  if (!nextUpdate && !nonceMatches) return fail('no nextUpdate and no nonce: freshness unknown');

  const cacheUntil = nextUpdate ?? null;
  const status = single.certStatus;
  if (status.good !== undefined) return { answer: { status: 'good', source: 'ocsp' }, cacheUntil };
  if (status.revoked) {
    const reason = status.revoked.revocationReason;
    return { answer: { status: 'revoked', source: 'ocsp', revokedAt: status.revoked.revocationTime, reason: reason ? (CRLReasons[reason.reason] ?? String(reason.reason)) : null }, cacheUntil };
  }
  return fail('responder does not know the certificate (status unknown)');
}

const oneLine = (dn: string): string => dn.replaceAll('\n', ', ');

function subjectKeyHash(cert: X509Certificate): Buffer {
  const spki = AsnConvert.parse(cert.raw, Certificate).tbsCertificate.subjectPublicKeyInfo;
  return createHash('sha1').update(Buffer.from(spki.subjectPublicKey)).digest();
}

function identifies(id: ResponderID, cert: X509Certificate): boolean {
  if (id.byKey) return Buffer.from(id.byKey.buffer).equals(subjectKeyHash(cert));
  if (id.byName) return Buffer.from(AsnConvert.serialize(id.byName)).equals(Buffer.from(AsnConvert.serialize(AsnConvert.parse(cert.raw, Certificate).tbsCertificate.subject)));
  return false;
}

/** The certificate whose key must have signed the answer, or why there is none. */
function findSigner(basic: BasicOCSPResponse, x: OcspExpectation): X509Certificate | string {
  const responderId = basic.tbsResponseData.responderID;
  if (identifies(responderId, x.issuer)) return x.issuer;
  const delegate = (basic.certs ?? []).map((c) => new X509Certificate(Buffer.from(AsnConvert.serialize(c)))).find((c) => identifies(responderId, c));
  if (!delegate) return 'signed by neither the issuer nor a responder certificate included in the answer';
  const who = `responder '${oneLine(delegate.subject)}'`;
  if (!delegate.checkIssued(x.issuer) || !delegate.verify(x.issuer.publicKey)) return `${who} was not issued by the certificate's issuer`;
  const facts = readCertificateFacts(delegate);
  if (!facts.extendedKeyUsage?.includes(id_kp_OCSPSigning)) return `${who} is not authorised to sign OCSP answers (no id-kp-OCSPSigning)`;
  if (facts.keyUsage !== null && !hasKeyUsage(facts, x509.KeyUsageFlags.digitalSignature)) return `${who} may not sign (keyUsage lacks digitalSignature)`;
  if (!facts.signatureAlgorithmAccepted) return `${who} is signed with ${facts.signatureAlgorithm}, not accepted`;
  if (x.at < facts.notBefore || x.at > facts.notAfter) return `${who} is not valid at ${x.at.toISOString()}`;
  return delegate;
}
