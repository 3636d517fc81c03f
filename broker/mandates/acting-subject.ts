// urn:etoegang:core:ActingSubjectID (design.md "Assertion attributes"): a pseudonym of the person
// acting, unique per person × represented organisation × intermediary (or none) × SP, so an SP
// cannot link what one person does for different organisations, through different
// intermediaries, or at other SPs. An HMAC-SHA256 under the current keys.pseudonymSecrets version,
// prefixed with that version like the persistent NameID (saml/pseudonym.ts), with its own
// domain-separation label so it never equals a NameID made from the same secret.
import { createHmac } from 'node:crypto';
import type { Config } from '../config.js';
import { idpEntityID } from '../saml/addresses.js';

const LABEL = 'pasarela/acting-subject-id';

export interface ActingSubject {
  readonly personId: string;
  readonly organisationId: string;
  /** the intermediary of a chain mandate; null when acting directly */
  readonly intermediaryId: string | null;
  readonly spEntityID: string;
}

export function deriveActingSubjectID(secret: string, version: number, s: ActingSubject): string {
  if (!Number.isInteger(version) || version < 1) throw new TypeError('pseudonym secret version must be a positive integer');
  // NUL cannot occur in a URI or in our ids, so the joined input is unambiguous.
  const input = [LABEL, s.spEntityID, s.personId, s.organisationId, s.intermediaryId ?? ''].join('\u0000');
  return `${version}.${createHmac('sha256', secret).update(input, 'utf8').digest('base64url')}`;
}

/** The ActingSubjectID value and its NameQualifier (mandates.actingSubjectQualifier, else our entityID). */
export function actingSubjectID(cfg: Config, s: ActingSubject): { value: string; nameQualifier: string } {
  const current = cfg.keys.pseudonymSecrets.reduce((a, b) => (b.version > a.version ? b : a));
  return { value: deriveActingSubjectID(current.secret, current.version, s), nameQualifier: cfg.mandates.actingSubjectQualifier ?? idpEntityID(cfg) };
}
