// samlp:Response, saml:Assertion and saml:EncryptedAssertion as the SP role accepts them from a
// foreign eIDAS node (saml-schema-protocol-2.0.xsd ResponseType, saml-schema-assertion-2.0.xsd,
// xenc-schema.xsd, xenc11 for the OAEP MGF), as an allowlist stricter than the XSDs: no Advice
// (an assertion hidden in Advice is never read), no BaseID/EncryptedID/EncryptedAttribute, no
// holder-of-key KeyInfo, no Response Extensions (eIDAS defines none on Responses), no
// CipherReference. eIDAS AttributeValues carry xsi:type and the LatinScript attribute.
import { NS } from '../namespaces.js';
import { Issuer, NameID, Status } from './common.js';
import { Signature, X509Data } from './ds-signature.js';
import { choice, many, one, opt, refuseStructure, type ElementRule } from './grammar.js';

const saml = (name: string, rest: Omit<ElementRule, 'ns' | 'name'> = {}): ElementRule => ({ ns: NS.saml, name, ...rest });
const xenc = (name: string, rest: Omit<ElementRule, 'ns' | 'name'> = {}): ElementRule => ({ ns: NS.xenc, name, ...rest });

const SubjectConfirmationData = saml('SubjectConfirmationData', {
  attrs: {
    NotBefore: { type: 'dateTime' },
    NotOnOrAfter: { type: 'dateTime' },
    Recipient: { type: 'anyURI' },
    InResponseTo: { type: 'ncname' },
    Address: { type: 'string' },
  },
  children: [],
});
const SubjectConfirmation = saml('SubjectConfirmation', {
  attrs: { Method: { type: 'anyURI', required: true } },
  children: [opt(SubjectConfirmationData)],
});
const Subject = saml('Subject', { children: [one(NameID), many(SubjectConfirmation, 1, 4)] });

const Audience = saml('Audience', { text: 'anyURI' });
const Conditions = saml('Conditions', {
  attrs: { NotBefore: { type: 'dateTime' }, NotOnOrAfter: { type: 'dateTime' } },
  children: [
    choice(
      [
        saml('AudienceRestriction', { children: [many(Audience, 1, 16)] }),
        saml('OneTimeUse', { children: [] }),
        saml('ProxyRestriction', { attrs: { Count: { type: 'nonNegativeInteger' } }, children: [many(Audience, 0, 16)] }),
      ],
      0,
      8,
    ),
  ],
});

const AuthnContext = saml('AuthnContext', {
  children: [one(saml('AuthnContextClassRef', { text: 'anyURI' })), opt(saml('AuthnContextDeclRef', { text: 'anyURI' }))],
});
const AuthnStatement = saml('AuthnStatement', {
  attrs: { AuthnInstant: { type: 'dateTime', required: true }, SessionIndex: { type: 'string' }, SessionNotOnOrAfter: { type: 'dateTime' } },
  children: [opt(saml('SubjectLocality', { attrs: { Address: { type: 'string' }, DNSName: { type: 'string' } }, children: [] })), one(AuthnContext)],
});

// eIDAS attribute values: simple text (structured ones, e.g. CurrentAddress, travel base64-encoded)
const AttributeValue = saml('AttributeValue', {
  attrs: { LatinScript: { type: 'boolean' } },
  qualifiedAttrs: { [`{${NS.xsi}}type`]: { type: 'nonEmptyString' } },
  text: 'string',
});
const Attribute = saml('Attribute', {
  attrs: { Name: { type: 'nonEmptyString', required: true }, NameFormat: { type: 'anyURI' }, FriendlyName: { type: 'string' } },
  children: [many(AttributeValue, 0, 32)],
});
const AttributeStatement = saml('AttributeStatement', { children: [many(Attribute, 1, 128)] });

/** Exactly one AuthnStatement, at most one AttributeStatement (the XSD allows any mix). */
function oneAuthnStatement(el: Element): void {
  let authn = 0;
  let attrs = 0;
  for (let c = el.firstChild; c; c = c.nextSibling) {
    if (c.nodeType !== 1) continue;
    if ((c as Element).localName === 'AuthnStatement') authn++;
    if ((c as Element).localName === 'AttributeStatement') attrs++;
  }
  if (authn !== 1) refuseStructure(`Assertion: ${authn} AuthnStatements`);
  if (attrs > 1) refuseStructure('Assertion: more than one AttributeStatement');
}

export const Assertion: ElementRule = saml('Assertion', {
  attrs: { ID: { type: 'ncname', required: true }, Version: { type: 'samlVersion', required: true }, IssueInstant: { type: 'dateTime', required: true } },
  children: [one(Issuer), opt(Signature), one(Subject), one(Conditions), choice([AuthnStatement, AttributeStatement], 1, 2)],
  check: oneAuthnStatement,
});

// XML Encryption: the EncryptedKey's method may name its OAEP digest and (xmlenc11) its MGF.
const DigestMethod: ElementRule = { ns: NS.ds, name: 'DigestMethod', attrs: { Algorithm: { type: 'anyURI', required: true } }, children: [] };
const MGF: ElementRule = { ns: NS.xenc11, name: 'MGF', attrs: { Algorithm: { type: 'anyURI', required: true } }, children: [] };
const KeyTransportMethod = xenc('EncryptionMethod', { attrs: { Algorithm: { type: 'anyURI', required: true } }, children: [choice([DigestMethod, MGF], 0, 2)] });
const ContentMethod = xenc('EncryptionMethod', { attrs: { Algorithm: { type: 'anyURI', required: true } }, children: [] });
const CipherData = xenc('CipherData', { children: [one(xenc('CipherValue', { text: 'base64' }))] });
const encryptedTypeAttrs = { Id: { type: 'ncname' }, Type: { type: 'anyURI' }, MimeType: { type: 'string' }, Encoding: { type: 'anyURI' } } as const;

const KeyName: ElementRule = { ns: NS.ds, name: 'KeyName', text: 'string' };
const EncryptedKey = xenc('EncryptedKey', {
  attrs: { ...encryptedTypeAttrs, Recipient: { type: 'string' } },
  children: [
    one(KeyTransportMethod),
    opt({ ns: NS.ds, name: 'KeyInfo', children: [choice([KeyName, X509Data], 1, 4)] }),
    one(CipherData),
    opt(xenc('ReferenceList', { children: [many(xenc('DataReference', { attrs: { URI: { type: 'anyURI', required: true } }, children: [] }), 1, 1)] })),
    opt(xenc('CarriedKeyName', { text: 'string' })),
  ],
});
const RetrievalMethod: ElementRule = { ns: NS.ds, name: 'RetrievalMethod', attrs: { URI: { type: 'anyURI', required: true }, Type: { type: 'anyURI' } }, children: [] };
const EncryptedData = xenc('EncryptedData', {
  attrs: encryptedTypeAttrs,
  children: [one(ContentMethod), opt({ ns: NS.ds, name: 'KeyInfo', children: [choice([EncryptedKey, RetrievalMethod, KeyName], 1, 4)] }), one(CipherData)],
});

export const EncryptedAssertion: ElementRule = saml('EncryptedAssertion', { children: [one(EncryptedData), many(EncryptedKey, 0, 4)] });

export const Response: ElementRule = {
  ns: NS.samlp,
  name: 'Response',
  attrs: {
    ID: { type: 'ncname', required: true },
    InResponseTo: { type: 'ncname' },
    Version: { type: 'samlVersion', required: true },
    IssueInstant: { type: 'dateTime', required: true },
    Destination: { type: 'anyURI' },
    Consent: { type: 'anyURI' },
  },
  // Issuer is optional in the XSD, required by the Web SSO profile (profiles §4.1.4.2)
  children: [one(Issuer), opt(Signature), one(Status), choice([Assertion, EncryptedAssertion], 0, 8)],
};
