// samlp:AuthnRequest (saml-schema-protocol-2.0.xsd, AuthnRequestType), as an allowlist.
// Keycloak's one deviation: it may put saml:Subject before samlp:Extensions (keycloak-compat.md);
// the "kcSubject" slot accepts it there, and the validator reports when it was used.
import { NS } from '../namespaces.js';
import { Signature } from './ds-signature.js';
import { AuthnRequestExtensions, Issuer, NameID, requestAttrs } from './common.js';
import { choice, many, one, opt, refuseStructure, type ElementRule } from './grammar.js';

const Subject: ElementRule = { ns: NS.saml, name: 'Subject', children: [one(NameID)] };

const NameIDPolicy: ElementRule = {
  ns: NS.samlp,
  name: 'NameIDPolicy',
  attrs: { Format: { type: 'anyURI' }, SPNameQualifier: { type: 'string' }, AllowCreate: { type: 'boolean' } },
  children: [],
};

const AuthnContextClassRef: ElementRule = { ns: NS.saml, name: 'AuthnContextClassRef', text: 'anyURI' };
const AuthnContextDeclRef: ElementRule = { ns: NS.saml, name: 'AuthnContextDeclRef', text: 'anyURI' };
const RequestedAuthnContext: ElementRule = {
  ns: NS.samlp,
  name: 'RequestedAuthnContext',
  attrs: { Comparison: { type: { enum: ['exact', 'minimum', 'maximum', 'better'] } } },
  children: [choice([AuthnContextClassRef, AuthnContextDeclRef], 1, 32)],
  // the XSD choice is ClassRef+ | DeclRef+, never mixed
  check: (el) => {
    const names = new Set<string>();
    for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) names.add((c as Element).localName ?? '');
    if (names.size > 1) refuseStructure('RequestedAuthnContext: ClassRef and DeclRef mixed');
  },
};

const IDPEntry: ElementRule = {
  ns: NS.samlp,
  name: 'IDPEntry',
  attrs: { ProviderID: { type: 'anyURI', required: true }, Name: { type: 'string' }, Loc: { type: 'anyURI' } },
  children: [],
};
const IDPList: ElementRule = {
  ns: NS.samlp,
  name: 'IDPList',
  children: [many(IDPEntry, 1, 64), opt({ ns: NS.samlp, name: 'GetComplete', text: 'anyURI' })],
};
const Scoping: ElementRule = {
  ns: NS.samlp,
  name: 'Scoping',
  attrs: { ProxyCount: { type: 'nonNegativeInteger' } },
  children: [opt(IDPList), many({ ns: NS.samlp, name: 'RequesterID', text: 'anyURI' }, 0, 16)],
};

export const AuthnRequest: ElementRule = {
  ns: NS.samlp,
  name: 'AuthnRequest',
  attrs: {
    ...requestAttrs,
    ForceAuthn: { type: 'boolean' },
    IsPassive: { type: 'boolean' },
    ProtocolBinding: { type: 'anyURI' },
    AssertionConsumerServiceIndex: { type: 'unsignedShort' },
    AssertionConsumerServiceURL: { type: 'anyURI' },
    AttributeConsumingServiceIndex: { type: 'unsignedShort' },
    ProviderName: { type: 'string' },
  },
  children: [
    one(Issuer), // optional in the XSD, required by the Web SSO profile (profiles §4.1.4.1)
    opt(Signature),
    opt(Subject, 'kcSubject'),
    opt(AuthnRequestExtensions, 'extensions'),
    opt(Subject, 'subject'),
    opt(NameIDPolicy),
    opt(RequestedAuthnContext),
    opt(Scoping),
  ],
  check: (el) => {
    // core §3.4.1: the index is mutually exclusive with the URL and the binding
    if (el.hasAttribute('AssertionConsumerServiceIndex') && (el.hasAttribute('AssertionConsumerServiceURL') || el.hasAttribute('ProtocolBinding')))
      refuseStructure('AuthnRequest: AssertionConsumerServiceIndex together with URL or ProtocolBinding');
  },
};
