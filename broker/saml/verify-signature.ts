// Signature verification of inbound messages, both bindings (core §5, bindings §3.4.4.1).
// The rule (design.md "Stack", saml-attacks.md): we check the shape of the one enveloped
// signature ourselves, let xml-crypto check it against each signing certificate of the SP's
// metadata in turn (never the KeyInfo certificate), and then read the message ONLY from
// getSignedReferences() — re-parsed with our hardened parser.
import { X509Certificate } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { BrokerError } from '../errors.js';
import { ACCEPTED_DIGEST_ALGORITHMS, ACCEPTED_SIGNATURE_ALGORITHMS, isAcceptedSignatureAlgorithm, verifyWithAlgorithm, xmlCryptoSignatureAlgorithms } from './accepted-algorithms.js';
import { ALG, NS } from './namespaces.js';
import { parseXml, MESSAGE_LIMITS, type ParseLimits, type ParsedXml } from './parse-xml.js';

export interface VerifiedDocument extends ParsedXml {
  /** the canonical signed XML the root was read from */
  signedXml: string;
  /** PEM of the certificate that verified it */
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
 * What a role accepts from a signer: the algorithm allowlists and the error it throws. The IdP
 * role uses REQUEST_SIGNATURES; the SP role passes each peer's allowlist (never wider than
 * accepted-algorithms.ts: an algorithm must be in both) and throws 'response-untrusted'.
 */
export interface SignaturePolicy {
  readonly signatureAlgorithms: readonly string[];
  readonly digestAlgorithms: readonly string[];
  readonly refuse: (detail: string) => never;
}

export const REQUEST_SIGNATURES: SignaturePolicy = {
  signatureAlgorithms: Object.keys(ACCEPTED_SIGNATURE_ALGORITHMS),
  digestAlgorithms: ACCEPTED_DIGEST_ALGORITHMS,
  refuse: untrusted,
};

/**
 * The shape of the one ds:Signature that is a direct child of `signed`: one Reference with URI
 * "#"+its ID (that ID held by exactly one element under `signed`); transforms enveloped +
 * exc-c14n only; exc-c14n canonicalization; signature and digest algorithms in both the policy
 * and accepted-algorithms.ts. Where else signatures may sit is the caller's rule.
 */
export function checkSignatureShapeOf(signed: Element, policy: SignaturePolicy): Element {
  const own = childrenNamed(signed, NS.ds, 'Signature');
  if (own.length !== 1) policy.refuse(`expected exactly one ds:Signature child of ${signed.localName}, found ${own.length}`);
  const signature = own[0]!;
  if (childrenNamed(signature, NS.ds, 'Object').length > 0) policy.refuse('ds:Object not allowed');
  const id = signed.getAttribute('ID');
  if (!id) policy.refuse(`${signed.localName} has no ID`);
  if (countIdHolders(signed, id) !== 1) policy.refuse(`${signed.localName} ID not unique`);
  const only = (el: Element, name: string): Element => {
    const found = childrenNamed(el, NS.ds, name);
    if (found.length !== 1) policy.refuse(`expected exactly one ds:${name}`);
    return found[0]!;
  };
  const signedInfo = only(signature, 'SignedInfo');
  const c14n = only(signedInfo, 'CanonicalizationMethod').getAttribute('Algorithm');
  if (c14n !== ALG.excC14n) policy.refuse(`canonicalization ${c14n} not accepted`);
  const sigAlg = only(signedInfo, 'SignatureMethod').getAttribute('Algorithm') ?? '';
  if (!isAcceptedSignatureAlgorithm(sigAlg) || !policy.signatureAlgorithms.includes(sigAlg)) policy.refuse(`signature algorithm ${sigAlg} not accepted`);
  const reference = only(signedInfo, 'Reference');
  if (reference.getAttribute('URI') !== `#${id}`) policy.refuse(`Reference URI is not #ID of ${signed.localName}`);
  const digestAlg = only(reference, 'DigestMethod').getAttribute('Algorithm') ?? '';
  if (!ACCEPTED_DIGEST_ALGORITHMS.includes(digestAlg) || !policy.digestAlgorithms.includes(digestAlg)) policy.refuse(`digest algorithm ${digestAlg} not accepted`);
  const transforms = childrenNamed(reference, NS.ds, 'Transforms');
  if (transforms.length !== 1) policy.refuse('expected one ds:Transforms');
  const algs = childrenNamed(transforms[0]!, NS.ds, 'Transform').map((t) => t.getAttribute('Algorithm'));
  const ok = (algs.length === 1 && algs[0] === ALG.envelopedSignature) || (algs.length === 2 && algs[0] === ALG.envelopedSignature && algs[1] === ALG.excC14n);
  if (!ok) policy.refuse(`transforms ${algs.join(',')} not accepted`);
  if (signature.getElementsByTagNameNS(NS.ds, 'DigestValue').length !== 1) policy.refuse('stray ds:DigestValue');
  return signature;
}

/**
 * The shape we accept on requests and metadata: one ds:Signature in the whole document, a direct
 * child of the root, shaped as checkSignatureShapeOf says; no ds:Object and no other
 * ds:DigestValue anywhere (a stray DigestValue is an attack marker).
 */
export function checkSignatureShape(root: Element): Element {
  const all = root.getElementsByTagNameNS(NS.ds, 'Signature');
  if (all.length !== 1) untrusted(`expected exactly one ds:Signature, found ${all.length}`);
  if (all[0]!.parentNode !== root) untrusted('ds:Signature is not a direct child of the root');
  if (root.getElementsByTagNameNS(NS.ds, 'Object').length > 0) untrusted('ds:Object not allowed');
  const signature = checkSignatureShapeOf(root, REQUEST_SIGNATURES);
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

function newVerifier(cert: string, policy: SignaturePolicy): SignedXml {
  const sig = new SignedXml({ publicCert: cert, getCertFromKeyInfo: () => null });
  // Only the policy's algorithms exist for this verifier: no SHA-1, no HMAC, no other transforms.
  const algorithms = xmlCryptoSignatureAlgorithms();
  sig.SignatureAlgorithms = Object.fromEntries(policy.signatureAlgorithms.filter((u) => Object.hasOwn(algorithms, u)).map((u) => [u, algorithms[u]])) as SignedXml['SignatureAlgorithms'];
  const hashes = sig.HashAlgorithms as Record<string, unknown>;
  const digests = ACCEPTED_DIGEST_ALGORITHMS.filter((u) => policy.digestAlgorithms.includes(u));
  sig.HashAlgorithms = Object.fromEntries(digests.map((u) => [u, hashes[u]])) as SignedXml['HashAlgorithms'];
  const c14ns = sig.CanonicalizationAlgorithms as Record<string, unknown>;
  sig.CanonicalizationAlgorithms = Object.fromEntries([ALG.excC14n, ALG.envelopedSignature].map((u) => [u, c14ns[u]])) as SignedXml['CanonicalizationAlgorithms'];
  return sig;
}

/**
 * Verify the enveloped signature that is a direct child of `signed`, an element of the document
 * parsed from `xml`, against each of `certs` (PEM) valid at `now`; return `signed` re-parsed from
 * the signed reference (the only thing to read from afterwards). The shape is checked first
 * (checkSignatureShapeOf); where else signatures may sit is the caller's rule.
 */
export function verifyElementSignature(xml: string, signed: Element, certs: readonly string[], now: Date, policy: SignaturePolicy, limits: ParseLimits = MESSAGE_LIMITS): VerifiedDocument {
  const signature = checkSignatureShapeOf(signed, policy);
  const usable = currentCertificates(certs, now);
  if (usable.length === 0) policy.refuse('no signing certificate of the signer is currently valid');
  for (const cert of usable) {
    const sig = newVerifier(cert, policy);
    try {
      sig.loadSignature(signature);
      if (sig.checkSignature(xml) !== true) continue;
    } catch {
      continue;
    }
    const refs = sig.getSignedReferences();
    if (refs.length !== 1) policy.refuse('expected one signed reference');
    const signedXml = refs[0]!;
    const reparsed = parseXml(signedXml, limits);
    if (reparsed.root.getAttribute('ID') !== signed.getAttribute('ID') || reparsed.root.localName !== signed.localName || reparsed.root.namespaceURI !== signed.namespaceURI)
      policy.refuse(`signed reference is not the ${signed.localName}`);
    return { ...reparsed, signedXml, signerCert: cert };
  }
  policy.refuse(`signature of the ${signed.localName} does not verify with any signing certificate`);
}

/**
 * Verify the enveloped signature of the parsed `xml` (HTTP-POST, metadata) against each of
 * `certs` (PEM) valid at `now`, and return the document re-parsed from the signed reference.
 * Throws BrokerError 'request-untrusted'.
 */
export function verifyEnvelopedSignature(xml: string, parsed: ParsedXml, certs: readonly string[], now: Date, limits: ParseLimits = MESSAGE_LIMITS): VerifiedDocument {
  checkSignatureShape(parsed.root);
  return verifyElementSignature(xml, parsed.root, certs, now, REQUEST_SIGNATURES, limits);
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
