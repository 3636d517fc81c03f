// The login history in the person's words, for the page and its export alike: the service by the
// display name its SP policy gives (the entity ID only when it has none), the method and the
// outcome by the catalogue's names (the recorded code only for one the catalogue does not know).
import type { Config } from '../../../config.js';
import type { LoginHistoryEntry } from '../../login-history.js';
import type { AdminPageContext } from '../context.js';

export interface HistoryWords {
  readonly service: string;
  readonly method: string;
  readonly outcome: string;
}

export function historyWords(ctx: Pick<AdminPageContext, 't' | 'has'>, config: Config, e: LoginHistoryEntry): HistoryWords {
  const named = (key: string, code: string) => (ctx.has(key) ? ctx.t(key) : code);
  return {
    service: config.sps.policies[e.spEntityID]?.displayName ?? e.spEntityID,
    method: named(`profile.history.method.${e.method}`, e.method),
    outcome: named(`profile.history.outcome.${e.outcome}`, e.outcome),
  };
}
