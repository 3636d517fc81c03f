// Mandates that follow from a membership change: ending a membership revokes its mandates, a
// planned end shortens them to that day, a lowered level revokes those above it. Kept here so
// that the login never finds a mandate the membership no longer carries.
import type { Tx } from './context.js';
import type { Day } from './dates.js';
import type { MemberLevel } from './model.js';
import { levelReaches } from './rules.js';

export async function revokeMandatesOfMember(db: Tx, memberId: string, at: Date): Promise<number> {
  const r = await db.updateTable('mandates').set({ revoked_at: at, updated_at: at }).where('member_id', '=', memberId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function shortenMandatesOfMember(db: Tx, memberId: string, endDate: Day, at: Date): Promise<void> {
  await db.updateTable('mandates').set({ end_date: endDate, updated_at: at }).where('member_id', '=', memberId).where('revoked_at', 'is', null).where('end_date', '>', endDate).execute();
}

/** revokes the member's mandates whose service (or general authority) needs more than `level` */
export async function revokeMandatesAbove(db: Tx, memberId: string, level: MemberLevel, at: Date): Promise<number> {
  const open = await db
    .selectFrom('mandates')
    .leftJoin('services', 'services.id', 'mandates.service_id')
    .select(['mandates.id', 'services.min_rung', 'mandates.general_authority_rung'])
    .where('mandates.member_id', '=', memberId)
    .where('mandates.revoked_at', 'is', null)
    .execute();
  const above = open.filter((m) => !levelReaches(level, (m.general_authority_rung ?? m.min_rung)!)).map((m) => m.id);
  if (above.length === 0) return 0;
  await db.updateTable('mandates').set({ revoked_at: at, updated_at: at }).where('id', 'in', above).execute();
  return above.length;
}
