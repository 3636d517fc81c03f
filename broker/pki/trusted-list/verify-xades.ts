// Verification of a trusted list's XAdES signature (TS 119 612 §5.7.1, EN 319 132-1), a profile
// of its own beside the SAML one (saml/verify-signature.ts) and as strict: the shape is checked
// first (check-xades-shape.ts); xml-crypto then verifies with the configured anchor certificate
// only (never KeyInfo) and our algorithm allow-list; the SignedProperties are read from their
// signed reference (SigningTime present, SigningCertificate(V2) naming the anchor); and the list
// is re-parsed from the list reference's signed output, so nothing outside the signature's
// coverage (a wrapped copy, an element in KeyInfo) can ever be read.
import { createHash, X509Certificate } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { xmlCryptoSignatureAlgorithms } from '../../saml/accepted-algorithms.js';
import { MESSAGE_LIMITS, type ParseLimits } from '../../saml/parse-xml.js';
import { NS, ALG } from '../../saml/namespaces.js';
import { TSL_CERT_DIGEST_ALGORITHMS, TSL_SIGNATURE_ALGORITHMS, xmlCryptoHashAlgorithms } from './accepted-algorithms.js';
import { CANONICALIZATIONS, checkXadesShape } from './check-xades-shape.js';
import { TSL_NS } from './names.js';
import { parseListXml, TRUSTED_LIST_LIMITS } from './parse.js';
import { decodeBase64, ListReader } from './read-dom.js';
import { TrustedListError } from './trusted-list-error.js';

export interface VerifiedTrustedListXml {
  /** the TrustServiceStatusList, re-parsed from the signed reference (the signature removed) */
  readonly root: Element;
  /** xades:SigningTime, as signed */
  readonly signingTime: Date;
}

function verifier(anchorPem: string): SignedXml {
  const sig = new SignedXml({ publicCert: anchorPem, getCertFromKeyInfo: () => null });
  sig.SignatureAlgorithms = xmlCryptoSignatureAlgorithms(TSL_SIGNATURE_ALGORITHMS) as SignedXml['SignatureAlgorithms'];
  sig.HashAlgorithms = xmlCryptoHashAlgorithms() as SignedXml['HashAlgorithms'];
  const c14ns = sig.CanonicalizationAlgorithms as Record<string, unknown>;
  sig.CanonicalizationAlgorithms = Object.fromEntries([...CANONICALIZATIONS, ALG.envelopedSignature].map((u) => [u, c14ns[u]])) as SignedXml['CanonicalizationAlgorithms'];
  return sig;
}

/**
 * SigningTime and SigningCertificateV2 (or the older SigningCertificate) from the signed
 * SignedProperties: some Cert must carry the anchor's digest, so a list signed by another key
 * of the same operator cannot pass as the anchor's even if the key were somehow accepted.
 */
function readSignedProperties(signedXml: string, id: string, anchor: X509Certificate, source: string): Date {
  const r: ListReader = new ListReader(source);
  const { root } = parseListXml(signedXml, source, { ...MESSAGE_LIMITS, maxNamespaceDeclarations: 4096 });
  if (root.namespaceURI !== TSL_NS.xades || root.localName !== 'SignedProperties' || root.getAttribute('Id') !== id) r.fail('signature refused: signed reference is not the SignedProperties');
  const signatureProperties = r.one(root, TSL_NS.xades, 'SignedSignatureProperties');
  const signingTimes = r.all(signatureProperties, TSL_NS.xades, 'SigningTime');
  if (signingTimes.length !== 1) r.fail('signature refused: SignedProperties without one SigningTime');
  const signingTime = r.dateTime(signingTimes[0]!);
  const signingCertificates = [...r.all(signatureProperties, TSL_NS.xades, 'SigningCertificateV2'), ...r.all(signatureProperties, TSL_NS.xades, 'SigningCertificate')];
  if (signingCertificates.length !== 1) r.fail('signature refused: SignedProperties without one SigningCertificate(V2)');
  const matches = r.all(signingCertificates[0]!, TSL_NS.xades, 'Cert').some((cert) => {
    const certDigest = r.one(cert, TSL_NS.xades, 'CertDigest');
    const algorithm = r.one(certDigest, NS.ds, 'DigestMethod').getAttribute('Algorithm') ?? '';
    if (!Object.hasOwn(TSL_CERT_DIGEST_ALGORITHMS, algorithm)) r.fail('signature refused: SigningCertificate digest algorithm not accepted');
    const hash = TSL_CERT_DIGEST_ALGORITHMS[algorithm]!;
    const expected = createHash(hash).update(anchor.raw).digest();
    const given = decodeBase64(r.text(r.one(certDigest, NS.ds, 'DigestValue')));
    return given !== undefined && given.equals(expected);
  });
  if (!matches) r.fail('signature refused: SigningCertificate does not name the anchor certificate');
  return signingTime;
}

/**
 * Verify the XAdES signature of the trusted list `xml` against `anchorPem` (the certificate the
 * configuration names for this list; it must be valid at `now` and at the signing time) and
 * return the list as signed. Throws TrustedListError naming `source`.
 */
export function verifyTrustedListSignature(xml: string, anchorPem: string, source: string, now: Date, limits: ParseLimits = TRUSTED_LIST_LIMITS): VerifiedTrustedListXml {
  const { root } = parseListXml(xml, source, limits);
  if (root.namespaceURI !== TSL_NS.tsl || root.localName !== 'TrustServiceStatusList') throw new TrustedListError(source, 'root element is not a TrustServiceStatusList');
  const shape = checkXadesShape(root, source);
  let anchor: X509Certificate;
  try {
    anchor = new X509Certificate(anchorPem);
  } catch {
    throw new TrustedListError(source, 'the configured signer certificate is not a certificate');
  }
  const validAt = (d: Date): boolean => new Date(anchor.validFrom).getTime() <= d.getTime() && d.getTime() <= new Date(anchor.validTo).getTime();
  if (!validAt(now)) throw new TrustedListError(source, `the configured signer certificate is not valid now (${anchor.validFrom} – ${anchor.validTo})`);

  const sig = verifier(anchorPem);
  try {
    sig.loadSignature(shape.signature);
    if (sig.checkSignature(xml) !== true) throw new Error('a reference does not match its digest');
  } catch (err) {
    throw new TrustedListError(source, `signature refused: does not verify with the configured signer certificate (${(err as Error).message.slice(0, 120)})`);
  }
  const signed = sig.getSignedReferences();
  if (signed.length !== 2) throw new TrustedListError(source, 'signature refused: expected two signed references');

  const signingTime = readSignedProperties(signed[shape.propertiesReference]!, shape.signedPropertiesId, anchor, source);
  if (!validAt(signingTime)) throw new TrustedListError(source, 'signature refused: signed outside the signer certificate validity');
  const list = parseListXml(signed[shape.listReference]!, source, limits).root;
  if (list.namespaceURI !== TSL_NS.tsl || list.localName !== 'TrustServiceStatusList' || list.getElementsByTagNameNS(NS.ds, 'Signature').length !== 0)
    throw new TrustedListError(source, 'signature refused: signed reference is not the list without its signature');
  return { root: list, signingTime };
}
