// The main host's side of a certificate presentation's return (?ticket=…&proof=…), shared by the
// pages that send a browser to the client-certificate host outside a login (registration by
// certificate, the self-service procedures): the ticket and its proof are taken once, and only
// for the owner the caller expects (its visit, its session), compared in constant time, so a
// ticket brought back by another browser is refused. Without an owner (no visit cookie, an
// unknown purpose) the ticket is not even spent.
import type { Request } from 'express';
import { constantEquals } from '../../constant-equals.js';
import type { AcceptedCertificate, RejectionCategory } from '../model.js';
import type { CertificateTickets } from './tickets.js';

export type ReturnedPresentation =
  /** unknown, used, expired or not presented ticket, a wrong proof, or another owner's */
  | { readonly kind: 'invalid' }
  /** the client-certificate host refused the certificate, or none was presented */
  | { readonly kind: 'rejected'; readonly category: RejectionCategory | 'none' }
  | { readonly kind: 'accepted'; readonly accepted: AcceptedCertificate };

const queryValue = (query: Request['query'], name: string) => (typeof query[name] === 'string' ? query[name] : '');

export async function takeReturnedPresentation(tickets: CertificateTickets, query: Request['query'], owner: string | undefined): Promise<ReturnedPresentation> {
  if (owner === undefined) return { kind: 'invalid' };
  const taken = await tickets.take(queryValue(query, 'ticket'), queryValue(query, 'proof'));
  if (!taken || !constantEquals(taken.ticket.tx, owner)) return { kind: 'invalid' };
  const { outcome } = taken;
  return 'rejected' in outcome ? { kind: 'rejected', category: outcome.rejected.category } : { kind: 'accepted', accepted: outcome.accepted };
}
