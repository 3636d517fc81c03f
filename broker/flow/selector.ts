// The method selector (seed 000 §1.5.2 and §1.4.1): every enabled connector, offered, greyed out
// with the reason, or hidden, in the configured order.
import type { Connector } from '../../connectors/connector.js';
import { assertableRung, type LoaRung } from '../loa.js';
import type { LoginTransaction } from './login-transaction.js';

export type MethodState =
  | { readonly state: 'offered'; readonly connector: Connector; readonly rung: LoaRung }
  | { readonly state: 'greyed'; readonly connector: Connector; readonly reason: 'loa' | 'policy' }
  | { readonly state: 'hidden'; readonly connector: Connector };

export function methodStates(connectors: readonly Connector[], tx: LoginTransaction): MethodState[] {
  return connectors.map((connector): MethodState => {
    if (tx.methods.excluded.includes(connector.id)) return { state: 'hidden', connector };
    const reachable = connector.reachableLoa(tx);
    if (!reachable) return { state: 'hidden', connector };
    if (!tx.methods.byPolicy.includes(connector.id)) return { state: 'greyed', connector, reason: 'policy' };
    const rung = assertableRung(reachable, tx.request.loa);
    if (!rung) return { state: 'greyed', connector, reason: 'loa' };
    return { state: 'offered', connector, rung };
  });
}

export function offeredIds(states: readonly MethodState[]): string[] {
  return states.filter((s) => s.state === 'offered').map((s) => s.connector.id);
}
