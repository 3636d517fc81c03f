// The saml:Assertion of a successful login (SAML core §2.3.3, profiles §4.1.4.2 Web Browser SSO),
// shaped as Keycloak checks it (keycloak-compat.md "What Keycloak checks in our Response"):
// Issuer = our entityID; bearer SubjectConfirmation whose SubjectConfirmationData carries
// Recipient = ACS URL, InResponseTo and NotOnOrAfter but no NotBefore; Conditions with NotBefore
// back-dated 5 s (never in the future: Keycloak's default skew is 0), NotOnOrAfter = now + lifetime,
// exactly one AudienceRestriction/Audience = the SP; an AuthnStatement with SessionIndex (logout
// needs it); attributes with NameFormat uri, Name and FriendlyName, xs:string values or, for the
// eHerkenning identifiers, a NameID or EncryptedID as element content.
//
// The Assertion declares saml, xs and xsi itself, so it stays valid XML when lifted out of the
// Response: encrypted, or embedded into the Response as a string after signing.
import { randomBytes } from 'node:crypto';
import { ATTRNAME_FORMAT, NAMEID_FORMAT, NS, SUBJECT_CONFIRMATION_BEARER } from './namespaces.js';
import { el, type XmlElement } from './xml-writer.js';
import { serializeXml } from './xml-serialize.js';

/** A saml:NameID carried as an attribute value (eHerkenning LegalSubjectID, ActingSubjectID). */
export interface NameIDValue {
  readonly kind: 'NameID';
  readonly value: string;
  readonly nameQualifier: string;
  readonly format?: string;
  readonly spNameQualifier?: string;
}

/** A saml:EncryptedID (core §2.2.4) holding such a NameID, as encrypt-id.ts builds it. */
export interface EncryptedIDValue {
  readonly kind: 'EncryptedID';
  readonly element: XmlElement;
}

/** Text (xs:string), or element content: a NameID, or an EncryptedID. */
export type AttributeValue = string | NameIDValue | EncryptedIDValue;

export interface ReleasedAttribute {
  name: string;
  friendlyName: string;
  values: AttributeValue[];
  nameFormat?: string;
}

export function nameIDElement(v: NameIDValue): XmlElement {
  return el(NS.saml, 'saml:NameID', { NameQualifier: v.nameQualifier, SPNameQualifier: v.spNameQualifier, Format: v.format }, [v.value]);
}

// A value with element content has no xsi:type: AttributeValue is xs:anyType, and declaring
// xs:string over a child element would make the value invalid.
function attributeValueElement(v: AttributeValue): XmlElement {
  if (typeof v === 'string') return el(NS.saml, 'saml:AttributeValue', { 'xsi:type': 'xs:string' }, [v]);
  return el(NS.saml, 'saml:AttributeValue', {}, [v.kind === 'NameID' ? nameIDElement(v) : v.element]);
}

export interface AssertionInput {
  issuer: string;
  spEntityID: string;
  acsUrl: string;
  inResponseTo: string;
  nameID: { format: string; value: string; spNameQualifier?: string };
  sessionIndex: string;
  authnInstant: Date;
  authnContextClassRef: string;
  authenticatingAuthority?: string;
  attributes: ReleasedAttribute[];
  lifetimeSeconds: number;
  now: Date;
}

/** How far NotBefore is back-dated: enough for a slightly slow SP clock, never more than 5 s. */
export const NOT_BEFORE_BACKDATE_MS = 5_000;

/** A SAML ID (xs:ID, core §1.3.4): `_` and 160 random bits in hex, so it never starts with a digit. */
export function newSamlId(): string {
  return '_' + randomBytes(20).toString('hex');
}

/** xs:dateTime in UTC with milliseconds, as core §1.3.3 wants (no time-zone offset but Z). */
export function samlInstant(d: Date): string {
  return d.toISOString();
}

export function issuerElement(issuer: string): XmlElement {
  return el(NS.saml, 'saml:Issuer', { Format: NAMEID_FORMAT.entity }, [issuer]);
}

export function assertionElement(input: AssertionInput, id: string): XmlElement {
  if (!(input.lifetimeSeconds > 0)) throw new TypeError('lifetimeSeconds must be positive');
  const now = input.now.getTime();
  const notBefore = samlInstant(new Date(now - NOT_BEFORE_BACKDATE_MS));
  const notOnOrAfter = samlInstant(new Date(now + input.lifetimeSeconds * 1000));
  const s = (name: string, attrs: Record<string, string | undefined> = {}, children: XmlElement['children'] = []) =>
    el(NS.saml, `saml:${name}`, attrs, children);

  const subject = s('Subject', {}, [
    s('NameID', { Format: input.nameID.format, SPNameQualifier: input.nameID.spNameQualifier }, [input.nameID.value]),
    s('SubjectConfirmation', { Method: SUBJECT_CONFIRMATION_BEARER }, [
      s('SubjectConfirmationData', {
        InResponseTo: input.inResponseTo,
        NotOnOrAfter: notOnOrAfter,
        Recipient: input.acsUrl,
      }),
    ]),
  ]);

  const conditions = s('Conditions', { NotBefore: notBefore, NotOnOrAfter: notOnOrAfter }, [
    s('AudienceRestriction', {}, [s('Audience', {}, [input.spEntityID])]),
  ]);

  const authnStatement = s('AuthnStatement', { AuthnInstant: samlInstant(input.authnInstant), SessionIndex: input.sessionIndex }, [
    s('AuthnContext', {}, [
      s('AuthnContextClassRef', {}, [input.authnContextClassRef]),
      input.authenticatingAuthority ? s('AuthenticatingAuthority', {}, [input.authenticatingAuthority]) : null,
    ]),
  ]);

  // The schema wants at least one Attribute in an AttributeStatement: none released, no statement.
  const attributeStatement =
    input.attributes.length > 0 &&
    s(
      'AttributeStatement',
      {},
      input.attributes.map((a) =>
        s('Attribute', { Name: a.name, NameFormat: a.nameFormat ?? ATTRNAME_FORMAT.uri, FriendlyName: a.friendlyName }, a.values.map(attributeValueElement)),
      ),
    );

  return el(
    NS.saml,
    'saml:Assertion',
    { ID: id, Version: '2.0', IssueInstant: samlInstant(input.now) },
    [issuerElement(input.issuer), subject, conditions, authnStatement, attributeStatement],
    { saml: NS.saml, xs: NS.xs, xsi: NS.xsi },
  );
}

/** The unsigned Assertion as a self-contained string. */
export function buildAssertion(input: AssertionInput, id: string = newSamlId()): { id: string; xml: string } {
  return { id, xml: serializeXml(assertionElement(input, id)) };
}
