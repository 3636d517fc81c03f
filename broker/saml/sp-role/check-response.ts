// The protocol checks of a trusted Response and its Assertion (SAML core §3.2.2, §2.5; profiles
// §4.1.4.2–4.1.4.3; saml-attacks.md "Protocol"): issuer, InResponseTo bound to this login,
// Destination, bearer SubjectConfirmation with Recipient, Audience and every time with the skew.
// They run on what trusted-assertion.ts returned, never on the received DOM.
import { REQUEST_VALIDITY_MS } from '../check-message-time.js';
import { childElement, childElements, optionalAttr, textOf } from '../dom-read.js';
import { NAMEID_FORMAT, NS, SUBJECT_CONFIRMATION_BEARER } from '../namespaces.js';
import type { ExpectedResponse, ResponsePeer } from './model.js';
import { rejected, untrusted } from './response-errors.js';

function time(value: string | undefined, what: string): Date {
  if (value === undefined) rejected(`${what} missing`);
  return new Date(value);
}

/** Issuer = the peer (core §2.2.5: Format, when present, is the entity format). */
export function checkIssuer(el: Element, peer: ResponsePeer, what: string): string {
  const issuer = childElement(el, NS.saml, 'Issuer');
  if (!issuer) untrusted(`${what} without Issuer`);
  const format = optionalAttr(issuer, 'Format');
  if (format !== undefined && format !== NAMEID_FORMAT.entity) untrusted(`${what} Issuer Format ${format}`);
  const value = textOf(issuer).trim();
  if (value !== peer.entityID) untrusted(`${what} Issuer ${value} is not ${peer.entityID}`);
  return value;
}

/** An instant something was issued at: not ahead of now (with skew), not older than the validity window. */
export function checkIssued(instant: Date, expected: ExpectedResponse, what: string): void {
  const skew = expected.clockSkewSeconds * 1000;
  const now = expected.now.getTime();
  if (instant.getTime() > now + skew) rejected(`${what} ${instant.toISOString()} is ahead of ${expected.now.toISOString()}`);
  if (instant.getTime() < now - skew - REQUEST_VALIDITY_MS) rejected(`${what} ${instant.toISOString()} is too old at ${expected.now.toISOString()}`);
}

/** NotBefore ≤ now + skew and now − skew < NotOnOrAfter (core §2.5.1.2). */
function checkWindow(notBefore: Date | undefined, notOnOrAfter: Date, expected: ExpectedResponse, what: string): void {
  const skew = expected.clockSkewSeconds * 1000;
  const now = expected.now.getTime();
  if (notBefore && notBefore.getTime() > now + skew) rejected(`${what} NotBefore ${notBefore.toISOString()} not reached at ${expected.now.toISOString()}`);
  if (notOnOrAfter.getTime() <= now - skew) rejected(`${what} NotOnOrAfter ${notOnOrAfter.toISOString()} passed at ${expected.now.toISOString()}`);
}

/** Response level: Issuer, InResponseTo (unsolicited refused), Destination, IssueInstant. */
export function checkResponse(response: Element, peer: ResponsePeer, expected: ExpectedResponse): void {
  checkIssuer(response, peer, 'Response');
  const inResponseTo = optionalAttr(response, 'InResponseTo');
  if (inResponseTo === undefined) rejected('unsolicited Response (no InResponseTo)');
  if (inResponseTo !== expected.inResponseTo) rejected(`InResponseTo ${inResponseTo} is not this login's request`);
  const destination = optionalAttr(response, 'Destination');
  if (destination === undefined) rejected('Response without Destination');
  if (destination !== expected.acsUrl) rejected(`Destination ${destination} is not ${expected.acsUrl}`);
  checkIssued(time(optionalAttr(response, 'IssueInstant'), 'Response IssueInstant'), expected, 'Response IssueInstant');
}

/**
 * Assertion level. Returns the instant after which the assertion (and its replay-cache entry) no
 * longer matters: the later of Conditions NotOnOrAfter and SubjectConfirmationData NotOnOrAfter.
 */
export function checkAssertion(assertion: Element, peer: ResponsePeer, expected: ExpectedResponse): Date {
  checkIssuer(assertion, peer, 'Assertion');
  checkIssued(time(optionalAttr(assertion, 'IssueInstant'), 'Assertion IssueInstant'), expected, 'Assertion IssueInstant');

  const subject = childElement(assertion, NS.saml, 'Subject')!;
  const confirmations = childElements(subject, NS.saml, 'SubjectConfirmation');
  if (confirmations.length !== 1) rejected(`expected one SubjectConfirmation, found ${confirmations.length}`);
  const confirmation = confirmations[0]!;
  if (confirmation.getAttribute('Method') !== SUBJECT_CONFIRMATION_BEARER) rejected(`SubjectConfirmation Method ${confirmation.getAttribute('Method')} is not bearer`);
  const data = childElement(confirmation, NS.saml, 'SubjectConfirmationData');
  if (!data) rejected('bearer SubjectConfirmation without SubjectConfirmationData');
  const recipient = optionalAttr(data, 'Recipient');
  if (recipient !== expected.acsUrl) rejected(`Recipient ${recipient ?? '(none)'} is not ${expected.acsUrl}`);
  const scdInResponseTo = optionalAttr(data, 'InResponseTo');
  if (scdInResponseTo !== expected.inResponseTo) rejected(`SubjectConfirmationData InResponseTo ${scdInResponseTo ?? '(none)'} is not this login's request`);
  const scdNotOnOrAfter = time(optionalAttr(data, 'NotOnOrAfter'), 'SubjectConfirmationData NotOnOrAfter');
  const scdNotBefore = optionalAttr(data, 'NotBefore');
  checkWindow(scdNotBefore === undefined ? undefined : new Date(scdNotBefore), scdNotOnOrAfter, expected, 'SubjectConfirmationData');

  const conditions = childElement(assertion, NS.saml, 'Conditions')!;
  const notOnOrAfter = time(optionalAttr(conditions, 'NotOnOrAfter'), 'Conditions NotOnOrAfter');
  const notBefore = optionalAttr(conditions, 'NotBefore');
  checkWindow(notBefore === undefined ? undefined : new Date(notBefore), notOnOrAfter, expected, 'Conditions');
  // core §2.5.1.4: every AudienceRestriction must name us
  const restrictions = childElements(conditions, NS.saml, 'AudienceRestriction');
  if (restrictions.length === 0) rejected('no AudienceRestriction');
  for (const r of restrictions) {
    if (!childElements(r, NS.saml, 'Audience').some((a) => textOf(a).trim() === expected.audience)) rejected(`Audience does not include ${expected.audience}`);
  }

  const authn = childElement(assertion, NS.saml, 'AuthnStatement')!;
  const authnInstant = time(optionalAttr(authn, 'AuthnInstant'), 'AuthnInstant');
  if (authnInstant.getTime() > expected.now.getTime() + expected.clockSkewSeconds * 1000) rejected(`AuthnInstant ${authnInstant.toISOString()} is in the future`);
  return new Date(Math.max(notOnOrAfter.getTime(), scdNotOnOrAfter.getTime()));
}
