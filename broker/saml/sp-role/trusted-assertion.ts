// Which parts of a Response may be believed (saml-attacks.md, design.md "Stack"): the Response's
// own signature (required when the peer says so, as eIDAS does), and the Assertion's when it
// carries one, are verified with the peer's certificates and allowlists; the assertion that is
// used must be covered by one of them — the Response's enveloping it (its ciphertext, when
// encrypted) or its own — and is read only from the signed reference (or from the plaintext of a signed ciphertext), never from the received DOM.
import { childElement, childElements } from '../dom-read.js';
import { NS, STATUS } from '../namespaces.js';
import { parseXml, type ParsedXml } from '../parse-xml.js';
import { Assertion } from '../structure/response.js';
import { checkElement } from '../structure/grammar.js';
import { rejectDuplicateIds } from '../validate-structure.js';
import { verifyElementSignature, type SignaturePolicy } from '../verify-signature.js';
import { decryptAssertion } from './decrypt.js';
import { asResponseError, rejected, untrusted } from './response-errors.js';
import type { DecryptionKeys, ResponsePeer } from './model.js';

export interface TrustedParts {
  /** the Response read from its signed reference, or the received one when it is unsigned */
  readonly response: Element;
  readonly responseSigned: boolean;
  /** the Assertion as covered by a verified signature; null for a failure status */
  readonly assertion: Element | null;
  readonly wasEncrypted: boolean;
}

function policyOf(peer: ResponsePeer): SignaturePolicy {
  return { signatureAlgorithms: peer.signatureAlgorithms, digestAlgorithms: peer.digestAlgorithms, refuse: untrusted };
}

/** ds:Signature only as a direct child of the Response or of its one top-level Assertion. */
function checkSignaturePlaces(root: Element): void {
  const all = root.getElementsByTagNameNS(NS.ds, 'Signature');
  for (let i = 0; i < all.length; i++) {
    const parent = all[i]!.parentNode as Element | null;
    const ok = parent === root || (parent?.namespaceURI === NS.saml && parent.localName === 'Assertion' && parent.parentNode === root);
    if (!ok) untrusted('ds:Signature in a place no signature may be');
  }
  if (root.getElementsByTagNameNS(NS.ds, 'Object').length > 0) untrusted('ds:Object not allowed');
}

const hasOwnSignature = (el: Element) => childElements(el, NS.ds, 'Signature').length > 0;

/** The decrypted Assertion, parsed and validated like any inbound message. */
function openEncrypted(encrypted: Element, keys: DecryptionKeys): { xml: string; parsed: ParsedXml } {
  const xml = decryptAssertion(encrypted, keys);
  const parsed = asResponseError(() => parseXml(xml));
  if (parsed.root.namespaceURI !== NS.saml || parsed.root.localName !== 'Assertion') untrusted('the decrypted element is not a saml:Assertion');
  asResponseError(() => {
    rejectDuplicateIds(parsed.root);
    checkElement(parsed.root, Assertion);
  });
  return { xml, parsed };
}

export function statusCodeOf(response: Element): string {
  const status = childElement(response, NS.samlp, 'Status');
  return (status && childElement(status, NS.samlp, 'StatusCode')?.getAttribute('Value')) ?? '';
}

/**
 * Verify what can be verified in the validated Response `root` (parsed from `xml`) and return
 * the parts that may be read. Throws BrokerError 'response-untrusted' | 'response-rejected'.
 */
export function trustedParts(xml: string, root: Element, peer: ResponsePeer, keys: DecryptionKeys, now: Date): TrustedParts {
  checkSignaturePlaces(root);
  const policy = policyOf(peer);
  const responseSigned = hasOwnSignature(root);
  if (!responseSigned && peer.requireSignedResponse) untrusted('the peer must sign its Response');
  const verifiedResponse = responseSigned ? verifyElementSignature(xml, root, peer.signingCertificates, now, policy) : null;
  const response = verifiedResponse?.root ?? root;
  // an inner signature is checked against the text its element was read from
  const responseXml = verifiedResponse?.signedXml ?? xml;
  const assertions = [...childElements(response, NS.saml, 'Assertion'), ...childElements(response, NS.saml, 'EncryptedAssertion')];
  if (statusCodeOf(response) !== STATUS.success) {
    if (assertions.length > 0) rejected('a failure status with an assertion');
    if (!responseSigned) untrusted('unsigned failure response');
    return { response, responseSigned, assertion: null, wasEncrypted: false };
  }
  if (assertions.length !== 1) untrusted(`expected exactly one assertion, found ${assertions.length}`);
  const received = assertions[0]!;
  const wasEncrypted = received.localName === 'EncryptedAssertion';
  if (!wasEncrypted && peer.requireEncryptedAssertion) untrusted('the peer must encrypt its assertion');
  const opened = wasEncrypted ? openEncrypted(received, keys) : null;
  const assertionXml = opened?.xml ?? responseXml;
  const element = opened?.parsed.root ?? received;
  if (hasOwnSignature(element)) {
    const verified = verifyElementSignature(assertionXml, element, peer.signingCertificates, now, policy);
    return { response, responseSigned, assertion: verified.root, wasEncrypted };
  }
  if (!responseSigned) untrusted('the assertion is not covered by a verified signature');
  return { response, responseSigned, assertion: element, wasEncrypted };
}
