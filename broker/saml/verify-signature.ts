// Signature verification of inbound messages, both bindings (core §5, bindings §3.4.4.1).
// The rule (design.md "Stack", saml-attacks.md): we check the shape of the one enveloped
// signature ourselves, let xml-crypto check it against each signing certificate of the SP's
// metadata in turn (never the KeyInfo certificate), and then read the message ONLY from
// getSignedReferences() — re-parsed with our hardened parser.
import { X509Certificate } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { BrokerError } from '../errors.js';
import { ACCEPTED_DIGEST_ALGORITHMS, isAcceptedSignatureAlgorithm, verifyWithAlgorithm, xmlCryptoSignatureAlgorithms } from './accepted-algorithms.js';
import { ALG, NS } from './namespaces.js';
import { parseXml, MESSAGE_LIMITS, type ParseLimits, type ParsedXml } from './parse-xml.js';

export interface VerifiedDocument extends ParsedXml {
  /** the canonical signed XML the root was read from */
  signedXml: string;
  /** PEM of the metadata certificate that verified it */
  signerCert: string;
}

function untrusted(detail: string): never {
  throw new BrokerError('request-untrusted', 'The message signature is not acceptable.', detail);
}

/** Direct element children of `el` named {ns}name. */
function childrenNamed(el: Element, ns: string, name: string): Element[] {
  const out: Element[] = [];
  for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === 1 && (c as Element).namespaceURI === ns && (c as Element).localName === name) out.push(c as Element);
  return out;
}

function onlyChild(el: Element, name: string): Element {
  const found = childrenNamed(el, NS.ds, name);
  if (found.length !== 1) untrusted(`expected exactly one ds:${name}`);
  return found[0]!;
}

/** True when the message carries an enveloped signature at all (anywhere: a stray one is still "present"). */
export function hasEnvelopedSignature(root: Element): boolean {
  return root.getElementsByTagNameNS(NS.ds, 'Signature').length > 0;
}

/** Elements whose ID, Id or id equals `value`. */
function countIdHolders(root: Element, value: string): number {
  let n = 0;
  const stack: Element[] = [root];
  while (stack.length) {
    const el = stack.pop()!;
    for (const a of ['ID', 'Id', 'id']) if (el.getAttribute(a) === value && el.hasAttribute(a)) n++;
    for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) stack.push(c as Element);
  }
  return n;
}

/**
 * The shape we accept: one ds:Signature in the whole document, a direct child of the root; one
 * Reference with URI "#"+root ID (that ID held by exactly one element); transforms enveloped +
 * exc-c14n only; exc-c14n canonicalization; accepted signature and digest algorithms; no ds:Object.
 */
export function checkSignatureShape(root: Element): Element {
  const all = root.getElementsByTagNameNS(NS.ds, 'Signature');
  if (all.length !== 1) untrusted(`expected exactly one ds:Signature, found ${all.length}`);
  const signature = all[0]!;
  if (signature.parentNode !== root) untrusted('ds:Signature is not a direct child of the root');
  if (childrenNamed(signature, NS.ds, 'Object').length > 0 || root.getElementsByTagNameNS(NS.ds, 'Object').length > 0) untrusted('ds:Object not allowed');
  const id = root.getAttribute('ID');
  if (!id) untrusted('root has no ID');
  if (countIdHolders(root, id) !== 1) untrusted('root ID not unique');
  const signedInfo = onlyChild(signature, 'SignedInfo');
  const c14n = onlyChild(signedInfo, 'CanonicalizationMethod').getAttribute('Algorithm');
  if (c14n !== ALG.excC14n) untrusted(`canonicalization ${c14n} not accepted`);
  const sigAlg = onlyChild(signedInfo, 'SignatureMethod').getAttribute('Algorithm') ?? '';
  if (!isAcceptedSignatureAlgorithm(sigAlg)) untrusted(`signature algorithm ${sigAlg} not accepted`);
  const reference = onlyChild(signedInfo, 'Reference');
  if (reference.getAttribute('URI') !== `#${id}`) untrusted('Reference URI is not #ID of the root');
  const digestAlg = onlyChild(reference, 'DigestMethod').getAttribute('Algorithm') ?? '';
  if (!ACCEPTED_DIGEST_ALGORITHMS.includes(digestAlg)) untrusted(`digest algorithm ${digestAlg} not accepted`);
  const transforms = childrenNamed(reference, NS.ds, 'Transforms');
  if (transforms.length !== 1) untrusted('expected one ds:Transforms');
  const algs = childrenNamed(transforms[0]!, NS.ds, 'Transform').map((t) => t.getAttribute('Algorithm'));
  const ok = (algs.length === 1 && algs[0] === ALG.envelopedSignature) || (algs.length === 2 && algs[0] === ALG.envelopedSignature && algs[1] === ALG.excC14n);
  if (!ok) untrusted(`transforms ${algs.join(',')} not accepted`);
  // one DigestValue, nowhere else in the document (a stray DigestValue is an attack marker)
  if (root.getElementsByTagNameNS(NS.ds, 'DigestValue').length !== 1) untrusted('stray ds:DigestValue');
  return signature;
}

/** Certificates of `pems` valid at `now`; an expired or not-yet-valid one never verifies anything. */
export function currentCertificates(pems: readonly string[], now: Date): string[] {
  return pems.filter((pem) => {
    try {
      const cert = new X509Certificate(pem);
      return new Date(cert.validFrom).getTime() <= now.getTime() && now.getTime() <= new Date(cert.validTo).getTime();
    } catch {
      return false;
    }
  });
}

function newVerifier(cert: string): SignedXml {
  const sig = new SignedXml({ publicCert: cert, getCertFromKeyInfo: () => null });
  // Only our algorithms exist for this verifier: no SHA-1, no HMAC, no other transforms.
  sig.SignatureAlgorithms = xmlCryptoSignatureAlgorithms() as SignedXml['SignatureAlgorithms'];
  const hashes = sig.HashAlgorithms as Record<string, unknown>;
  sig.HashAlgorithms = Object.fromEntries(ACCEPTED_DIGEST_ALGORITHMS.map((u) => [u, hashes[u]])) as SignedXml['HashAlgorithms'];
  const c14ns = sig.CanonicalizationAlgorithms as Record<string, unknown>;
  sig.CanonicalizationAlgorithms = Object.fromEntries([ALG.excC14n, ALG.envelopedSignature].map((u) => [u, c14ns[u]])) as SignedXml['CanonicalizationAlgorithms'];
  return sig;
}

/**
 * Verify the enveloped signature of the parsed `xml` (HTTP-POST, metadata) against each of
 * `certs` (PEM) valid at `now`, and return the document re-parsed from the signed reference.
 * Throws BrokerError 'request-untrusted'.
 */
export function verifyEnvelopedSignature(xml: string, parsed: ParsedXml, certs: readonly string[], now: Date, limits: ParseLimits = MESSAGE_LIMITS): VerifiedDocument {
  const signature = checkSignatureShape(parsed.root);
  const usable = currentCertificates(certs, now);
  if (usable.length === 0) untrusted('no signing certificate of the SP is currently valid');
  for (const cert of usable) {
    const sig = newVerifier(cert);
    try {
      sig.loadSignature(signature);
      if (sig.checkSignature(xml) !== true) continue;
    } catch {
      continue;
    }
    const refs = sig.getSignedReferences();
    if (refs.length !== 1) untrusted('expected one signed reference');
    const signedXml = refs[0]!;
    const reparsed = parseXml(signedXml, limits);
    if (reparsed.root.getAttribute('ID') !== parsed.root.getAttribute('ID') || reparsed.root.localName !== parsed.root.localName || reparsed.root.namespaceURI !== parsed.root.namespaceURI)
      untrusted('signed reference is not the root element');
    return { ...reparsed, signedXml, signerCert: cert };
  }
  untrusted('signature does not verify with any signing certificate of the SP');
}

/**
 * HTTP-Redirect: verify `signature` (base64) over the exact received octets with the SigAlg's
 * algorithm against each of `certs` valid at `now`. Returns the certificate that verified.
 */
export function verifyRedirectSignature(signedOctets: string, sigAlg: string, signature: string, certs: readonly string[], now: Date): string {
  if (!isAcceptedSignatureAlgorithm(sigAlg)) untrusted(`SigAlg ${sigAlg} not accepted`);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) untrusted('Signature is not base64');
  const usable = currentCertificates(certs, now);
  if (usable.length === 0) untrusted('no signing certificate of the SP is currently valid');
  const data = Buffer.from(signedOctets, 'utf8');
  const sigBytes = Buffer.from(signature, 'base64');
  for (const cert of usable) if (verifyWithAlgorithm(sigAlg, data, new X509Certificate(cert).publicKey, sigBytes)) return cert;
  untrusted('Redirect signature does not verify with any signing certificate of the SP');
}
