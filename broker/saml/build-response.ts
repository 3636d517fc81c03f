// The samlp:Response of a successful login (SAML core §3.2.2, profiles §4.1.4.2), in the order
// keycloak-compat.md requires: the Assertion is signed first, then encrypted when the SP asked,
// then the Response is signed over the result. Destination is always the ACS URL (Keycloak
// demands it whenever anything is signed); Response and Assertion carry the same Issuer and
// InResponseTo. Nothing here is unsigned: a Response with neither signature is a programming error.
import { assertionElement, issuerElement, newSamlId, samlInstant, type AssertionInput } from './build-assertion.js';
import { encryptAssertionElement, type KeyTransport } from './encrypt-assertion.js';
import type { SigningKeys } from './keys.js';
import { NS, STATUS } from './namespaces.js';
import type { SignatureAlgorithmName } from './sign-xml.js';
import { signTree } from './sign-tree.js';
import { el, type XmlElement } from './xml-writer.js';
import { serializeXml } from './xml-serialize.js';

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

export function buildSuccessResponse(input: AssertionInput, opts: SuccessResponseOptions): string {
  if (!opts.signAssertion && !opts.signResponse) {
    throw new TypeError('a Response must be signed, or its Assertion: refusing to build an unsigned one');
  }
  let assertion = assertionElement(input, newSamlId());
  if (opts.signAssertion) assertion = signTree(assertion, opts.keys, opts.algorithm);
  // Encryption takes the Assertion as sent (its own serialization, self-contained namespaces).
  if (opts.encryptTo) assertion = encryptAssertionElement(serializeXml(assertion), opts.encryptTo, { keyTransport: opts.keyTransport });
  const status = el(NS.samlp, 'samlp:Status', {}, [el(NS.samlp, 'samlp:StatusCode', { Value: STATUS.success })]);
  const shell = responseElement({ id: newSamlId(), issuer: input.issuer, acsUrl: input.acsUrl, inResponseTo: input.inResponseTo, now: input.now }, status);
  // The Assertion follows Status in schema order (core §3.2.2).
  const response: XmlElement = { ...shell, children: [...shell.children, assertion] };
  return serializeXml(opts.signResponse ? signTree(response, opts.keys, opts.algorithm) : response);
}
