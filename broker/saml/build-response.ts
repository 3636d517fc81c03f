// The samlp:Response of a successful login (SAML core §3.2.2, profiles §4.1.4.2), in the order
// keycloak-compat.md requires: the Assertion is signed first, then encrypted when the SP asked,
// then the Response is signed over the result. Destination is always the ACS URL (Keycloak
// demands it whenever anything is signed); Response and Assertion carry the same Issuer and
// InResponseTo. Nothing here is unsigned: a Response with neither signature is a programming error.
import { assertionElement, issuerElement, newSamlId, samlInstant, type AssertionInput } from './build-assertion.js';
import { encryptAssertion, type KeyTransport } from './encrypt-assertion.js';
import type { SigningKeys } from './keys.js';
import { NS, STATUS } from './namespaces.js';
import { signElement, type SignatureAlgorithmName } from './sign-xml.js';
import { el, toXml, type XmlElement } from './xml-writer.js';

export type { AssertionInput, ReleasedAttribute } from './build-assertion.js';

export interface SuccessResponseOptions {
  keys: SigningKeys;
  algorithm: SignatureAlgorithmName;
  signAssertion: boolean;
  signResponse: boolean;
  /** PEM certificate of the SP's `use="encryption"` key: encrypt the Assertion to it */
  encryptTo?: string;
  keyTransport?: KeyTransport;
}

/** The samlp:Response shell: attributes, Issuer and Status; the Assertion is spliced in later. */
export function responseElement(
  input: { id: string; issuer: string; acsUrl: string; inResponseTo: string; now: Date },
  status: XmlElement,
): XmlElement {
  return el(
    NS.samlp,
    'samlp:Response',
    {
      ID: input.id,
      Version: '2.0',
      IssueInstant: samlInstant(input.now),
      Destination: input.acsUrl,
      InResponseTo: input.inResponseTo,
    },
    [issuerElement(input.issuer), status],
    { saml: NS.saml },
  );
}

const CLOSE_RESPONSE = '</samlp:Response>';

export function buildSuccessResponse(input: AssertionInput, opts: SuccessResponseOptions): string {
  if (!opts.signAssertion && !opts.signResponse) {
    throw new TypeError('a Response must be signed, or its Assertion: refusing to build an unsigned one');
  }
  const assertionId = newSamlId();
  let assertion = toXml(assertionElement(input, assertionId));
  if (opts.signAssertion) assertion = signElement(assertion, assertionId, opts.keys, opts.algorithm);
  if (opts.encryptTo) assertion = encryptAssertion(assertion, opts.encryptTo, { keyTransport: opts.keyTransport });

  const responseId = newSamlId();
  const status = el(NS.samlp, 'samlp:Status', {}, [el(NS.samlp, 'samlp:StatusCode', { Value: STATUS.success })]);
  const shell = toXml(responseElement({ id: responseId, issuer: input.issuer, acsUrl: input.acsUrl, inResponseTo: input.inResponseTo, now: input.now }, status));
  // The (signed, maybe encrypted) Assertion goes in as the exact bytes that were signed: a DOM
  // round trip could re-declare namespaces, and the Assertion follows Status in schema order.
  if (!shell.endsWith(CLOSE_RESPONSE)) throw new TypeError('unexpected Response serialization');
  const response = shell.slice(0, -CLOSE_RESPONSE.length) + assertion + CLOSE_RESPONSE;
  return opts.signResponse ? signElement(response, responseId, opts.keys, opts.algorithm) : response;
}
