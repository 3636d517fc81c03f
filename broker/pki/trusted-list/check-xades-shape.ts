// The one signature shape a trusted list may have (TS 119 612 §5.7.1: an enveloped XAdES
// signature, EN 319 132-1 baseline B), checked on the parsed document before any cryptography.
// Stricter than XML-DSig allows, as the SAML profile is (saml-attacks.md), but in its own way:
//   - exactly one ds:Signature in the whole document, a direct child of the root, with an Id;
//   - SignedInfo with exactly two References: the list (URI "" or "#" + the root's Id,
//     transforms enveloped-signature then one canonicalisation) and, with
//     Type=".../01903#SignedProperties", the xades:SignedProperties (no transform or one
//     canonicalisation);
//   - exactly one ds:Object, holding only the xades:QualifyingProperties that target this
//     signature, which hold the SignedProperties the second Reference names;
//   - canonicalisation exclusive or inclusive C14N 1.0 without comments (real lists use both),
//     signature and digest algorithms from accepted-algorithms.ts.
import { NS, ALG } from '../../saml/namespaces.js';
import { childElements } from '../../saml/dom-read.js';
import { TSL_SIGNATURE_ALGORITHMS, TSL_DIGEST_ALGORITHMS } from './accepted-algorithms.js';
import { TSL_NS, XADES_SIGNED_PROPERTIES_TYPE } from './names.js';
import { TrustedListError } from './trusted-list-error.js';

export const CANONICALIZATIONS: readonly string[] = [ALG.excC14n, ALG.c14n];

export interface XadesShape {
  readonly signature: Element;
  /** positions in SignedInfo, which is also the order of xml-crypto's getSignedReferences() */
  readonly listReference: number;
  readonly propertiesReference: number;
  /** the Id of the xades:SignedProperties */
  readonly signedPropertiesId: string;
}

/** Elements in the document whose Id, ID or id equals `value` (xml-crypto resolves all three). */
function countIdHolders(root: Element, value: string): number {
  let n = 0;
  const stack: Element[] = [root];
  while (stack.length) {
    const el = stack.pop()!;
    for (const a of ['Id', 'ID', 'id']) if (el.hasAttribute(a) && el.getAttribute(a) === value) n++;
    for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) stack.push(c as Element);
  }
  return n;
}

function elementChildren(el: Element): Element[] {
  const out: Element[] = [];
  for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) out.push(c as Element);
  return out;
}

function refuse(source: string, reason: string): never {
  throw new TrustedListError(source, `signature refused: ${reason}`);
}

function one(source: string, parent: Element, ns: string, name: string): Element {
  const found = childElements(parent, ns, name);
  if (found.length !== 1) refuse(source, `expected one ${name} in ${parent.localName}, found ${found.length}`);
  return found[0]!;
}

export function checkXadesShape(root: Element, source: string): XadesShape {
  const all = root.getElementsByTagNameNS(NS.ds, 'Signature');
  if (all.length !== 1) refuse(source, `expected exactly one ds:Signature, found ${all.length}`);
  const signature = all[0]!;
  if (signature.parentNode !== root) refuse(source, 'ds:Signature is not a direct child of the root');
  const signatureId = signature.getAttribute('Id');
  if (!signatureId) refuse(source, 'ds:Signature has no Id for the QualifyingProperties to target');
  for (const child of elementChildren(signature))
    if (child.namespaceURI !== NS.ds || !['SignedInfo', 'SignatureValue', 'KeyInfo', 'Object'].includes(child.localName ?? '')) refuse(source, `unexpected ${child.localName} in ds:Signature`);

  // the ds:Object: only the QualifyingProperties of this signature, only its SignedProperties used
  const object = one(source, signature, NS.ds, 'Object');
  const objectContent = elementChildren(object);
  const qualifying = objectContent[0];
  if (objectContent.length !== 1 || qualifying?.namespaceURI !== TSL_NS.xades || qualifying.localName !== 'QualifyingProperties') refuse(source, 'ds:Object must hold exactly one xades:QualifyingProperties');
  if (qualifying.getAttribute('Target') !== `#${signatureId}`) refuse(source, 'QualifyingProperties Target is not this signature');
  const signedProperties = one(source, qualifying, TSL_NS.xades, 'SignedProperties');
  const signedPropertiesId = signedProperties.getAttribute('Id');
  if (!signedPropertiesId) refuse(source, 'SignedProperties has no Id');
  if (countIdHolders(root, signedPropertiesId) !== 1) refuse(source, 'SignedProperties Id not unique');

  const signedInfo = one(source, signature, NS.ds, 'SignedInfo');
  const c14n = one(source, signedInfo, NS.ds, 'CanonicalizationMethod').getAttribute('Algorithm') ?? '';
  if (!CANONICALIZATIONS.includes(c14n)) refuse(source, `canonicalization ${c14n} not accepted`);
  const sigAlg = one(source, signedInfo, NS.ds, 'SignatureMethod').getAttribute('Algorithm') ?? '';
  if (!Object.hasOwn(TSL_SIGNATURE_ALGORITHMS, sigAlg)) refuse(source, `signature algorithm ${sigAlg} not accepted`);
  const references = childElements(signedInfo, NS.ds, 'Reference');
  if (references.length !== 2) refuse(source, `expected two References (the list and the SignedProperties), found ${references.length}`);

  let listReference = -1;
  let propertiesReference = -1;
  const rootId = root.getAttribute('Id');
  references.forEach((reference, index) => {
    const digest = one(source, reference, NS.ds, 'DigestMethod').getAttribute('Algorithm') ?? '';
    if (!Object.hasOwn(TSL_DIGEST_ALGORITHMS, digest)) refuse(source, `digest algorithm ${digest} not accepted`);
    one(source, reference, NS.ds, 'DigestValue');
    const transformsElements = childElements(reference, NS.ds, 'Transforms');
    if (transformsElements.length > 1) refuse(source, 'more than one ds:Transforms');
    const transforms = transformsElements.length ? childElements(transformsElements[0]!, NS.ds, 'Transform').map((t) => t.getAttribute('Algorithm') ?? '') : [];
    const uri = reference.getAttribute('URI');
    if (reference.getAttribute('Type') === XADES_SIGNED_PROPERTIES_TYPE) {
      if (propertiesReference >= 0) refuse(source, 'two SignedProperties References');
      if (uri !== `#${signedPropertiesId}`) refuse(source, 'SignedProperties Reference does not point to the SignedProperties of this signature');
      if (!(transforms.length === 0 || (transforms.length === 1 && CANONICALIZATIONS.includes(transforms[0]!)))) refuse(source, `SignedProperties transforms ${transforms.join(',')} not accepted`);
      propertiesReference = index;
    } else {
      if (reference.hasAttribute('Type')) refuse(source, `Reference Type ${reference.getAttribute('Type')} not accepted`);
      if (listReference >= 0) refuse(source, 'two References to the list');
      if (!(uri === '' || (rootId && uri === `#${rootId}` && countIdHolders(root, rootId) === 1))) refuse(source, 'list Reference URI is neither "" nor "#" + the root Id');
      if (!(transforms.length === 2 && transforms[0] === ALG.envelopedSignature && CANONICALIZATIONS.includes(transforms[1]!))) refuse(source, `list transforms ${transforms.join(',')} not accepted`);
      listReference = index;
    }
  });
  if (propertiesReference < 0) refuse(source, 'no Reference to the SignedProperties');
  if (listReference < 0) refuse(source, 'no Reference to the list');
  return { signature, listReference, propertiesReference, signedPropertiesId };
}
