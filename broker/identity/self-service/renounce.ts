// Renunciation (seed 000 §2.6): every credential, device and session of the person revoked at
// once. The per-person mark first ends every SSO and self-service session on every node
// (flow/revoked-sessions.ts): set before the database changes, a failure in between costs the
// person a new login, never a session that outlives the renunciation. Then one database
// transaction sets the person 'renounced' (with renounced_at, from which the retention purge
// counts), cancels the Cl@ve Permanente account (PermanenteAccounts.cancel in this transaction:
// password, history, authenticator seed, e-mail codes) and deactivates the Cl@ve app device. Every login needs an active person
// (flow/finish.ts, flow/hand-back.ts), so none can follow.
import type { Kysely } from 'kysely';
import type { DbSchema } from '../../store/schema.js';
import type { RevokedSessions } from '../../flow/revoked-sessions.js';
import type { Person } from '../person.js';
import type { PermanenteAccounts } from '../permanente-accounts.js';

export interface Renounced {
  readonly person: Person;
  readonly at: Date;
  /** what was revoked, for the proof */
  readonly permanenteCancelled: boolean;
  readonly devicesDeactivated: number;
}

export interface RenunciationDeps {
  readonly db: Kysely<DbSchema>;
  readonly accounts: PermanenteAccounts;
  readonly revoked: RevokedSessions;
  readonly now: () => Date;
}

/** undefined when the person is not active any more (a second renunciation at once loses) */
export async function renounce(deps: RenunciationDeps, person: Person): Promise<Renounced | undefined> {
  const at = deps.now();
  await deps.revoked.revokeAllOf(person.id, at);
  const done = await deps.db.transaction().execute(async (trx) => {
    const row = await trx.updateTable('persons').set({ status: 'renounced', renounced_at: at, updated_at: at }).where('id', '=', person.id).where('status', '=', 'active').returning('id').executeTakeFirst();
    if (!row) return undefined;
    // the accounts module's own cancellation, so a credential column added there is erased here too
    const permanenteCancelled = await deps.accounts.cancel(person.id, trx);
    const devices = await trx.updateTable('devices').set({ status: 'deactivated', deactivated_at: at }).where('person_id', '=', person.id).where('status', '=', 'active').executeTakeFirst();
    return { permanenteCancelled, devicesDeactivated: Number(devices.numUpdatedRows) };
  });
  return done && { person, at, ...done };
}
