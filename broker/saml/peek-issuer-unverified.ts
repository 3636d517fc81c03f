// The Issuer of a message whose signature has NOT been checked yet: only good for finding which
// SP's metadata to check the signature with. Never use it for anything else (style.md §1).
import { BrokerError } from '../errors.js';
import { childElement, textOf } from './dom-read.js';
import { NAMEID_FORMAT, NS } from './namespaces.js';

export function peekIssuerUnverified(root: Element): string {
  const issuer = childElement(root, NS.saml, 'Issuer');
  if (!issuer) throw new BrokerError('request-untrusted', 'The request does not name its sender.', 'no Issuer');
  // core §3.2.1 / profiles §4.1.4.1: an Issuer Format, if any, is the entity format
  const format = issuer.getAttribute('Format');
  if (format && format !== NAMEID_FORMAT.entity) throw new BrokerError('request-untrusted', 'The request does not name its sender.', `Issuer Format ${format}`);
  return textOf(issuer);
}
