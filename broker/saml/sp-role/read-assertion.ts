// The views handed to the connector, read from the trusted parts only (trusted-assertion.ts):
// the Status, and the Assertion's subject, authentication and attributes.
import { childElement, childElements, optionalAttr, textOf } from '../dom-read.js';
import { NS } from '../namespaces.js';
import { parseXsdBoolean } from '../structure/value-types.js';
import type { ReceivedAssertion, ReceivedAttribute, ReceivedStatus } from './model.js';

/** StatusMessage is free text from abroad: kept short for the log and a page. */
const STATUS_MESSAGE_MAX = 256;

export function readStatus(response: Element): ReceivedStatus {
  const status = childElement(response, NS.samlp, 'Status')!;
  const top = childElement(status, NS.samlp, 'StatusCode')!;
  const second = childElement(top, NS.samlp, 'StatusCode');
  const message = childElement(status, NS.samlp, 'StatusMessage');
  return {
    code: top.getAttribute('Value') ?? '',
    subCode: second?.getAttribute('Value') ?? null,
    message: message ? textOf(message).trim().slice(0, STATUS_MESSAGE_MAX) : null,
  };
}

function readAttribute(attribute: Element): ReceivedAttribute {
  return {
    name: attribute.getAttribute('Name') ?? '',
    nameFormat: optionalAttr(attribute, 'NameFormat') ?? null,
    friendlyName: optionalAttr(attribute, 'FriendlyName') ?? null,
    values: childElements(attribute, NS.saml, 'AttributeValue').map((v) => ({
      value: textOf(v),
      latinScript: parseXsdBoolean(v.getAttribute('LatinScript')) ?? null,
    })),
  };
}

/** The Assertion as the contract describes it; `notOnOrAfter` is the Conditions' one. */
export function readAssertion(assertion: Element, wasEncrypted: boolean): ReceivedAssertion {
  const nameID = childElement(childElement(assertion, NS.saml, 'Subject')!, NS.saml, 'NameID')!;
  const authn = childElement(assertion, NS.saml, 'AuthnStatement')!;
  const context = childElement(authn, NS.saml, 'AuthnContext')!;
  const statement = childElement(assertion, NS.saml, 'AttributeStatement');
  return {
    id: assertion.getAttribute('ID') ?? '',
    issuer: textOf(childElement(assertion, NS.saml, 'Issuer')!).trim(),
    nameID: { value: textOf(nameID), format: optionalAttr(nameID, 'Format') ?? null },
    authnInstant: new Date(authn.getAttribute('AuthnInstant') ?? ''),
    authnContextClassRef: textOf(childElement(context, NS.saml, 'AuthnContextClassRef')!).trim(),
    sessionIndex: optionalAttr(authn, 'SessionIndex') ?? null,
    notOnOrAfter: new Date(childElement(assertion, NS.saml, 'Conditions')!.getAttribute('NotOnOrAfter') ?? ''),
    attributes: statement ? childElements(statement, NS.saml, 'Attribute').map(readAttribute) : [],
    wasEncrypted,
  };
}
