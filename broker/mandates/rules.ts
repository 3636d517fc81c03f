// The rules that span rows (seed 004 §3–§5), as plain checks the changes call while holding the
// organisation lock: level caps and "at least one active administrator at all times".
import { sql } from 'kysely';
import { rungAtLeast, type LoaRung } from '../loa.js';
import type { Tx } from './context.js';
import { MandateRuleError, type MemberLevel } from './model.js';
import type { MemberRow } from './rows.js';

export const LEVEL_TOO_LOW = 'this person does not have the level needed for this service';

/** an administrator gives levels, roles and mandates only up to their own level */
export function checkWithinOwnLevel(admin: MemberRow, wanted: LoaRung, what: string): void {
  if (!rungAtLeast(admin.level, wanted)) {
    throw new MandateRuleError('invalid', `${what} above your own level (${admin.level}) cannot be given`, 'level-above-own');
  }
}

export function levelReaches(level: MemberLevel, rung: LoaRung): boolean {
  return rungAtLeast(level, rung);
}

/**
 * Administrators that keep the organisation managed: active with no planned end. One whose end
 * date is set stops counting at once, so nobody can plan every administrator away.
 */
export async function countingAdministrators(db: Tx, organisationId: string, except?: string): Promise<number> {
  let q = db
    .selectFrom('members')
    .select(sql<string>`count(*)`.as('n'))
    .where('organisation_id', '=', organisationId)
    .where('role', '=', 'administrator')
    .where('status', '=', 'active')
    .where('end_date', 'is', null);
  if (except) q = q.where('id', '<>', except);
  const row = await q.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** refuses taking `target` away as an administrator when no other would be left */
export async function checkNotLastAdministrator(db: Tx, target: MemberRow): Promise<void> {
  if (target.role !== 'administrator') return;
  if ((await countingAdministrators(db, target.organisation_id, target.id)) === 0) {
    throw new MandateRuleError('conflict', 'an organisation needs at least one active administrator; appoint another administrator first', 'last-administrator');
  }
}
