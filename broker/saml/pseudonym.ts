// NameID values (SAML core §8.3.7 persistent, §8.3.8 transient).
//
// Persistent: a pairwise pseudonym per SP, HMAC-SHA256 over the SP's entityID and our internal
// person id under a versioned secret, prefixed with that version. The database keeps the value
// issued first (store/pseudonyms.ts), so introducing a new secret version creates new values only
// for new (person, SP) pairs and never changes one an SP already holds; the prefix says which
// secret made a value, so an old one can still be re-derived and checked.
import { createHmac, randomBytes } from 'node:crypto';

// Domain separation: this key is used for nothing else, but a label costs nothing.
const LABEL = 'pasarela/persistent-nameid';

export function derivePairwisePseudonym(secret: string, version: number, spEntityID: string, personId: string): string {
  if (!Number.isInteger(version) || version < 1) throw new TypeError('pseudonym secret version must be a positive integer');
  // NUL cannot occur in a URI or in our ids, so the joined input is unambiguous.
  const mac = createHmac('sha256', secret).update(`${LABEL}\u0000${spEntityID}\u0000${personId}`, 'utf8').digest('base64url');
  return `${version}.${mac}`;
}

/** A transient NameID: random, single-use, 160 bits; `_` first so it is also a valid xs:ID. */
export function randomTransientId(): string {
  return '_' + randomBytes(20).toString('hex');
}
