// Elements shared by the messages we accept: Issuer, NameID, Extensions (eIDAS and Keycloak),
// Status. From saml-schema-assertion-2.0.xsd / saml-schema-protocol-2.0.xsd; the extension
// elements from the eIDAS SAML extensions and Keycloak's kckey namespace.
import { NS } from '../namespaces.js';
import { choice, many, one, opt, refuseStructure, type ElementRule } from './grammar.js';

const nameIdAttrs = {
  NameQualifier: { type: 'string' },
  SPNameQualifier: { type: 'string' },
  Format: { type: 'anyURI' },
  SPProvidedID: { type: 'string' },
} as const;

export const Issuer: ElementRule = { ns: NS.saml, name: 'Issuer', attrs: nameIdAttrs, text: 'nonEmptyString' };
export const NameID: ElementRule = { ns: NS.saml, name: 'NameID', attrs: nameIdAttrs, text: 'nonEmptyString' };

// eIDAS RequestedAttribute: Name, NameFormat required; isRequired optional; values rarely used.
const RequestedAttribute: ElementRule = {
  ns: NS.eidas,
  name: 'RequestedAttribute',
  attrs: {
    Name: { type: 'nonEmptyString', required: true },
    NameFormat: { type: 'anyURI', required: true },
    FriendlyName: { type: 'string' },
    isRequired: { type: 'boolean' },
  },
  children: [many({ ns: NS.eidas, name: 'AttributeValue', text: 'string' }, 0, 16)],
};
const RequestedAttributes: ElementRule = {
  ns: NS.eidas,
  name: 'RequestedAttributes',
  children: [many(RequestedAttribute, 1, 128)],
};
const SPType: ElementRule = { ns: NS.eidas, name: 'SPType', text: { enum: ['public', 'private'] } };
// Keycloak names its signing key: <kckey:KeyInfo MessageSigningKeyId="…"/> (never trusted).
const KeycloakKeyInfo: ElementRule = {
  ns: NS.kckey,
  name: 'KeyInfo',
  attrs: { MessageSigningKeyId: { type: 'string', required: true } },
  children: [],
};

/** Each extension element at most once. */
function onceEach(el: Element): void {
  const seen = new Set<string>();
  for (let c = el.firstChild; c; c = c.nextSibling) {
    if (c.nodeType !== 1) continue;
    const key = `${(c as Element).namespaceURI} ${(c as Element).localName}`;
    if (seen.has(key)) refuseStructure(`Extensions: ${(c as Element).localName} twice`);
    seen.add(key);
  }
}

/** samlp:Extensions of an AuthnRequest: lax in the XSD, an allowlist here. */
export const AuthnRequestExtensions: ElementRule = {
  ns: NS.samlp,
  name: 'Extensions',
  children: [choice([SPType, RequestedAttributes, KeycloakKeyInfo], 1, 3)],
  check: onceEach,
};

export const LogoutExtensions: ElementRule = {
  ns: NS.samlp,
  name: 'Extensions',
  children: [choice([KeycloakKeyInfo], 1, 1)],
};

const StatusCode: ElementRule = {
  ns: NS.samlp,
  name: 'StatusCode',
  attrs: { Value: { type: 'anyURI', required: true } },
  children: [{ rules: () => [StatusCode], min: 0, max: 1 }],
};
export const Status: ElementRule = {
  ns: NS.samlp,
  name: 'Status',
  children: [one(StatusCode), opt({ ns: NS.samlp, name: 'StatusMessage', text: 'string' })],
};

/** Attributes of RequestAbstractType. */
export const requestAttrs = {
  ID: { type: 'ncname', required: true },
  Version: { type: 'samlVersion', required: true },
  IssueInstant: { type: 'dateTime', required: true },
  Destination: { type: 'anyURI' },
  Consent: { type: 'anyURI' },
} as const;
