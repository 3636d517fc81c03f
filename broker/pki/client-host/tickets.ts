// The single-use, short-lived ticket that carries one certificate presentation from the main host
// to the client-certificate host and back (the two hosts share no cookies). The main host issues
// it for a login transaction; the client-certificate host records the outcome once and sends the
// browser back with the ticket and a return proof; the main host takes both once, after checking
// the transaction's browser-binding cookie.
//
// The proof closes a swap: someone who starts a login and lures a victim's browser to present
// its certificate for *their* ticket never sees the proof, which travels only in the redirect to
// the victim's browser, so they cannot finish the login with the victim's certificate.
import { createHash, randomBytes } from 'node:crypto';
import type { EphemeralStore } from '../../store/ephemeral.js';
import type { Config } from '../../config.js';
import { constantEquals } from '../../constant-equals.js';
import type { AcceptedCertificate, RejectionCategory } from '../model.js';

export interface CertificateTicket {
  /** the login transaction it belongs to */
  readonly tx: string;
  /** path on the main host the browser returns to, with ?ticket=…&proof=… */
  readonly returnPath: string;
}

/** the validation's outcome; 'none': the browser presented no certificate */
export type PresentationOutcome =
  | { readonly accepted: AcceptedCertificate }
  | { readonly rejected: { readonly category: RejectionCategory | 'none' } };

export interface CertificateTickets {
  issue(ticket: CertificateTicket): Promise<string>;
  /** the ticket while it waits for its presentation, else null */
  peek(id: string): Promise<CertificateTicket | null>;
  /** records the outcome once; the proof for the return, or null when already presented or gone */
  present(id: string, outcome: PresentationOutcome): Promise<string | null>;
  /** takes ticket and outcome once; null when unknown, used, expired, not presented, or the proof is wrong */
  take(id: string, proof: string): Promise<{ ticket: CertificateTicket; outcome: PresentationOutcome } | null>;
}

const ID = /^[A-Za-z0-9_-]{32}$/;
const hash = (s: string) => createHash('sha256').update(s).digest('base64url');

export function createCertificateTickets(store: EphemeralStore, ttlMs: number): CertificateTickets {
  const ticketKey = (id: string) => `cert-ticket:${id}`;
  const outcomeKey = (id: string) => `cert-ticket-outcome:${id}`;
  return {
    async issue(ticket) {
      const id = randomBytes(24).toString('base64url');
      await store.set(ticketKey(id), JSON.stringify(ticket), ttlMs);
      return id;
    },
    async peek(id) {
      if (!ID.test(id)) return null;
      const raw = await store.get(ticketKey(id));
      return raw ? (JSON.parse(raw) as CertificateTicket) : null;
    },
    async present(id, outcome) {
      if (!ID.test(id) || !(await store.get(ticketKey(id)))) return null;
      const proof = randomBytes(24).toString('base64url');
      const stored = await store.setIfAbsent(outcomeKey(id), JSON.stringify({ proof: hash(proof), outcome }), ttlMs);
      return stored ? proof : null;
    },
    async take(id, proof) {
      if (!ID.test(id)) return null;
      // the ticket first: of racing takers only its winner touches the outcome
      const raw = await store.take(ticketKey(id));
      if (!raw) return null;
      const presented = await store.take(outcomeKey(id));
      if (!presented) return null;
      const { proof: expected, outcome } = JSON.parse(presented) as { proof: string; outcome: PresentationOutcome };
      if (!constantEquals(hash(proof), expected)) return null;
      return { ticket: JSON.parse(raw) as CertificateTicket, outcome };
    },
  };
}

/** the tickets of this configuration (connectors.certificate.ticketSeconds) */
export function certificateTicketsFor(cfg: Config, store: EphemeralStore): CertificateTickets {
  return createCertificateTickets(store, cfg.connectors.certificate.ticketSeconds * 1000);
}
