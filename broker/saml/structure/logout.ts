// samlp:LogoutRequest and samlp:LogoutResponse (saml-schema-protocol-2.0.xsd), as allowlists.
// We accept a plain NameID only (no BaseID, no EncryptedID: we never issue those).
import { NS } from '../namespaces.js';
import { Signature } from './ds-signature.js';
import { Issuer, LogoutExtensions, NameID, Status, requestAttrs } from './common.js';
import { many, one, opt, type ElementRule } from './grammar.js';

export const LogoutRequest: ElementRule = {
  ns: NS.samlp,
  name: 'LogoutRequest',
  attrs: { ...requestAttrs, NotOnOrAfter: { type: 'dateTime' }, Reason: { type: 'string' } },
  children: [
    one(Issuer), // required by the SLO profile (profiles §4.4.4.1)
    opt(Signature),
    opt(LogoutExtensions),
    one(NameID),
    many({ ns: NS.samlp, name: 'SessionIndex', text: 'nonEmptyString' }, 0, 32),
  ],
};

export const LogoutResponse: ElementRule = {
  ns: NS.samlp,
  name: 'LogoutResponse',
  attrs: {
    ID: { type: 'ncname', required: true },
    InResponseTo: { type: 'ncname' },
    Version: { type: 'samlVersion', required: true },
    IssueInstant: { type: 'dateTime', required: true },
    Destination: { type: 'anyURI' },
    Consent: { type: 'anyURI' },
  },
  children: [one(Issuer), opt(Signature), opt(LogoutExtensions), one(Status)],
};
