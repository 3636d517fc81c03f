// The connector's private state in the LoginTransaction: what we asked which node, so the answer
// is bound to this login (InResponseTo, Issuer, the level to compare against). `answered` makes
// the answer single use: a second POST of any Response to this login is refused.
import type { LoginTransaction } from '../../broker/flow/login-transaction.js';

export interface EidasState {
  readonly country: string;
  readonly nodeEntityID: string;
  /** ID of our AuthnRequest */
  readonly requestId: string;
  /** the one notified LoA URI we requested */
  readonly loa: string;
  readonly answered: boolean;
}

export function eidasStateOf(tx: LoginTransaction): EidasState | undefined {
  const s = tx.connectorState.eidas as Partial<EidasState> | undefined;
  if (!s || typeof s.requestId !== 'string' || typeof s.country !== 'string' || typeof s.loa !== 'string' || typeof s.nodeEntityID !== 'string') return undefined;
  return { country: s.country, nodeEntityID: s.nodeEntityID, requestId: s.requestId, loa: s.loa, answered: s.answered === true };
}
