// The strict structural validator of every message we accept inbound (design.md "Stack"): an
// allowlist of elements, attributes, order, cardinality and value types written from the XSDs,
// run before any other work. tests/unit/saml-in/structure-vs-xsd.test.ts proves it never accepts
// what the XSDs refuse. The rules live in ./structure/, one file per message.
import { NS } from './namespaces.js';
import { AuthnRequest } from './structure/authn-request.js';
import { checkElement, refuseStructure, type ElementRule, type SlotHits } from './structure/grammar.js';
import { LogoutRequest, LogoutResponse } from './structure/logout.js';

export type InboundKind = 'AuthnRequest' | 'LogoutRequest' | 'LogoutResponse';

export interface StructureResult {
  kind: InboundKind;
  /** Keycloak's deviation was used: saml:Subject placed before samlp:Extensions */
  keycloakSubjectBeforeExtensions: boolean;
}

const RULES: Record<InboundKind, ElementRule> = { AuthnRequest, LogoutRequest, LogoutResponse };

/** No two ID/Id/id attributes anywhere share a value (signature references must be unambiguous). */
export function rejectDuplicateIds(root: Element): void {
  const seen = new Set<string>();
  const stack: Element[] = [root];
  while (stack.length > 0) {
    const el = stack.pop()!;
    for (const name of ['ID', 'Id', 'id']) {
      const attr = el.getAttributeNode(name);
      if (!attr) continue;
      if (seen.has(attr.value)) refuseStructure(`duplicate ID value ${attr.value}`);
      seen.add(attr.value);
    }
    for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) stack.push(c as Element);
  }
}

/**
 * Validate the root element of an inbound message. `expect` restricts the message kinds accepted
 * at this endpoint. Throws BrokerError 'request-malformed'.
 */
export function validateStructure(root: Element, expect: readonly InboundKind[] = ['AuthnRequest', 'LogoutRequest', 'LogoutResponse']): StructureResult {
  const kind = root.localName as InboundKind;
  if (root.namespaceURI !== NS.samlp || !expect.includes(kind)) refuseStructure(`root {${root.namespaceURI}}${root.localName} not accepted here`);
  rejectDuplicateIds(root);
  const hits: SlotHits = new Map();
  checkElement(root, RULES[kind], hits);
  const subjects = (hits.get('kcSubject') ?? 0) + (hits.get('subject') ?? 0);
  if (subjects > 1) refuseStructure('AuthnRequest: Subject twice');
  return { kind, keycloakSubjectBeforeExtensions: hits.has('kcSubject') && hits.has('extensions') };
}
