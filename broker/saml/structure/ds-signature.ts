// Allowlist of the enveloped ds:Signature we accept on requests (xmldsig-core-schema.xsd, cut
// down): one Reference, at most two Transforms, no ds:Object, no RetrievalMethod/PGP/SPKI/MgmtData
// in KeyInfo (KeyInfo is ignored for trust anyway, but it is still checked for shape).
import { NS } from '../namespaces.js';
import { choice, many, one, opt, refuseStructure, type ElementRule } from './grammar.js';

const ds = (name: string, rest: Omit<ElementRule, 'ns' | 'name'> = {}): ElementRule => ({ ns: NS.ds, name, ...rest });
const Id = { Id: { type: 'ncname' } } as const;
const Algorithm = { Algorithm: { type: 'anyURI', required: true } } as const;

// exc-c14n's InclusiveNamespaces: a whitespace-separated list of prefixes or #default.
const InclusiveNamespaces: ElementRule = {
  ns: NS.excC14n,
  name: 'InclusiveNamespaces',
  attrs: { PrefixList: { type: 'string', required: true } },
  check: (el) => {
    const list = el.getAttribute('PrefixList') ?? '';
    if (!/^\s*(?:(?:#default|[A-Za-z_][A-Za-z0-9._-]*)\s*)*$/.test(list)) refuseStructure('InclusiveNamespaces: bad PrefixList');
  },
};

const CanonicalizationMethod = ds('CanonicalizationMethod', { attrs: Algorithm, children: [opt(InclusiveNamespaces)] });
const SignatureMethod = ds('SignatureMethod', { attrs: Algorithm, children: [] });
const Transform = ds('Transform', { attrs: Algorithm, children: [opt(InclusiveNamespaces)] });
const Transforms = ds('Transforms', { children: [many(Transform, 1, 2)] });
const DigestMethod = ds('DigestMethod', { attrs: Algorithm, children: [] });
const DigestValue = ds('DigestValue', { text: 'base64' });
const Reference = ds('Reference', {
  attrs: { ...Id, URI: { type: 'string' }, Type: { type: 'anyURI' } },
  children: [opt(Transforms), one(DigestMethod), one(DigestValue)],
  // URI is xs:anyURI; we only ever accept "#id" (checked again in verify-signature.ts)
  check: (el) => {
    const uri = el.getAttribute('URI');
    if (uri !== null && !/^#[A-Za-z_][A-Za-z0-9._-]*$/.test(uri)) refuseStructure('Reference: URI must be #ID');
  },
});
const SignedInfo = ds('SignedInfo', {
  attrs: Id,
  children: [one(CanonicalizationMethod), one(SignatureMethod), many(Reference, 1, 1)],
});
const SignatureValue = ds('SignatureValue', { attrs: Id, text: 'base64' });

const X509IssuerSerial = ds('X509IssuerSerial', {
  children: [one(ds('X509IssuerName', { text: 'string' })), one(ds('X509SerialNumber', { text: 'integer' }))],
});
export const X509Data = ds('X509Data', {
  children: [
    choice(
      [ds('X509Certificate', { text: 'base64' }), ds('X509SubjectName', { text: 'string' }), ds('X509SKI', { text: 'base64' }), X509IssuerSerial],
      1,
      16,
    ),
  ],
});
const RSAKeyValue = ds('RSAKeyValue', { children: [one(ds('Modulus', { text: 'base64' })), one(ds('Exponent', { text: 'base64' }))] });
const KeyValue = ds('KeyValue', { children: [one(RSAKeyValue)] });
const KeyInfo = ds('KeyInfo', {
  attrs: Id,
  children: [choice([ds('KeyName', { text: 'string' }), KeyValue, X509Data], 1, 8)],
});

export const Signature: ElementRule = ds('Signature', {
  attrs: Id,
  children: [one(SignedInfo), one(SignatureValue), opt(KeyInfo)],
});
