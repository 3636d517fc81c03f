// A person's own logins through the broker (the login_history table the flow writes behind in
// batches), newest first: the API's /me/login-history and the profile page read it here.
import type { BrokerServices } from '../services.js';

export interface LoginHistoryEntry {
  readonly at: Date;
  readonly spEntityID: string;
  readonly method: string;
  readonly loa: string;
  readonly outcome: string;
  readonly ip: string | null;
}

export async function readLoginHistory(services: BrokerServices, personId: string, page: { limit: number; offset: number }): Promise<LoginHistoryEntry[]> {
  // the writes are batched: a login a moment ago must be on the page
  await services.loginHistory.flush();
  const rows = await services.db
    .selectFrom('login_history')
    .select(['at', 'sp_entity_id', 'method', 'loa', 'outcome', 'ip'])
    .where('person_id', '=', personId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map((r) => ({ at: new Date(r.at), spEntityID: r.sp_entity_id, method: r.method, loa: r.loa, outcome: r.outcome, ip: r.ip }));
}
