// NameIDPolicy Format (core §3.4.1.1): we issue persistent and transient identifiers; unspecified
// (or none) leaves the choice to us. Anything else, emailAddress included, is InvalidNameIDPolicy
// back to the SP.
import { BrokerError, type ReplyTarget } from '../../errors.js';
import { NAMEID_FORMAT } from '../namespaces.js';
import type { AuthnRequestView } from './read-authn-request.js';

export const SUPPORTED_NAMEID_FORMATS: readonly string[] = [NAMEID_FORMAT.persistent, NAMEID_FORMAT.transient, NAMEID_FORMAT.unspecified];

export function checkNameIdPolicy(policy: AuthnRequestView['nameIDPolicy'], replyTo: ReplyTarget): void {
  const format = policy?.format;
  if (format === undefined || SUPPORTED_NAMEID_FORMATS.includes(format)) return;
  throw new BrokerError('name-id-policy', 'The requested identifier format is not supported.', `NameIDPolicy Format ${format}`, replyTo);
}
