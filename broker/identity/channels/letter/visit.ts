// One visit to the invitation-letter pages (broker/web/visits.ts): once a CSV was checked it
// carries which letter and resident the contact-details form completes, under a new cookie.
import type { Config } from '../../../config.js';
import type { EphemeralStore } from '../../../store/ephemeral.js';
import { createVisits, type Visit, type Visits } from '../../../web/visits.js';
import type { ContactDetails } from './complete-registration.js';

export interface LetterProof {
  /**
   * a CSV checked against the open letter of this resident, waiting for the contact details;
   * `pendingContact` once they were given, until the code sent to that mobile is typed back
   */
  readonly checked?: { readonly letterId: string; readonly documentNumber: string; readonly pendingContact?: ContactDetails };
}

export type LetterVisit = Visit<LetterProof>;
export type LetterVisits = Visits<LetterProof>;

export function createLetterVisits(cfg: Config, store: EphemeralStore, lifetimeMs: number, now: () => Date): LetterVisits {
  return createVisits<LetterProof>(cfg, store, now, { cookie: 'pasarela_registration', path: '/register/letter', keyPrefix: 'letter-visit', lifetimeMs });
}
