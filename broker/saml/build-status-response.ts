// A samlp:Response that reports a failure (SAML core §3.2.2.2): top-level status Requester or
// Responder with an optional second-level code, and always a human-readable StatusMessage,
// because that message is all Keycloak shows the user (keycloak-compat.md item 4). No Assertion.
import type { SamlSubStatus, SamlTopStatus } from '../errors.js';
import { newSamlId } from './build-assertion.js';
import { responseElement } from './build-response.js';
import type { SigningKeys } from './keys.js';
import { NS } from './namespaces.js';
import type { SignatureAlgorithmName } from './sign-xml.js';
import { signTree } from './sign-tree.js';
import { el, type XmlElement } from './xml-writer.js';
import { serializeXml } from './xml-serialize.js';

const STATUS_PREFIX = 'urn:oasis:names:tc:SAML:2.0:status:';

/** samlp:Status with nested StatusCode and a StatusMessage; shared with LogoutResponse. */
export function statusElement(top: SamlTopStatus | 'Success', sub: SamlSubStatus | undefined, message: string | undefined): XmlElement {
  return el(NS.samlp, 'samlp:Status', {}, [
    el(NS.samlp, 'samlp:StatusCode', { Value: STATUS_PREFIX + top }, [
      sub ? el(NS.samlp, 'samlp:StatusCode', { Value: STATUS_PREFIX + sub }) : null,
    ]),
    message ? el(NS.samlp, 'samlp:StatusMessage', {}, [message]) : null,
  ]);
}

export interface StatusResponseInput {
  issuer: string;
  acsUrl: string;
  inResponseTo: string;
  status: SamlTopStatus;
  subStatus?: SamlSubStatus;
  /** shown to the user by Keycloak: a sentence, never a stack trace or internal detail */
  message: string;
  now: Date;
}

export function buildStatusResponse(
  input: StatusResponseInput,
  opts: { keys: SigningKeys; algorithm: SignatureAlgorithmName; signResponse: boolean },
): string {
  if (!input.message.trim()) throw new TypeError('a status Response needs a human-readable StatusMessage');
  const response = responseElement({ id: newSamlId(), issuer: input.issuer, acsUrl: input.acsUrl, inResponseTo: input.inResponseTo, now: input.now }, statusElement(input.status, input.subStatus, input.message));
  return serializeXml(opts.signResponse ? signTree(response, opts.keys, opts.algorithm) : response);
}
