// Who may call what (seed 004 §2: the management module is for administrators logged in at 2+
// or higher). Checked inside the change's transaction, after the organisation is locked, so an
// administrator ended a moment ago by someone else can no longer act.
import { rungAtLeast } from '../loa.js';
import type { Ctx, Tx } from './context.js';
import { requireUuid } from './context.js';
import { MandateRuleError, type Actor } from './model.js';
import { effectiveStatus, type MemberRow } from './rows.js';

export type PersonActor = Extract<Actor, { kind: 'person' }>;

export function requireOperator(actor: Actor): void {
  if (actor.kind !== 'operator') throw new MandateRuleError('forbidden', 'only the operator can do this', 'operator-only');
}

export function requirePerson(actor: Actor): PersonActor {
  if (actor.kind !== 'person') throw new MandateRuleError('forbidden', 'only a logged-in person can do this', 'person-only');
  return actor;
}

/** An organisation the actor has no membership in does not exist for them. */
export function organisationNotFound(): MandateRuleError {
  return new MandateRuleError('not-found', 'organisation not found', 'not-found');
}

/**
 * The actor's membership in `organisationId` when it makes them an active administrator logged in
 * at a rung reaching both the management minimum and their own level.
 */
export async function requireAdministrator(ctx: Ctx, db: Tx, actor: Actor, organisationId: string): Promise<MemberRow> {
  const person = requirePerson(actor);
  const orgId = requireUuid(organisationId, 'organisation');
  const rows = await db.selectFrom('members').selectAll().where('organisation_id', '=', orgId).where('person_id', '=', person.personId).where('status', '<>', 'rejected').execute();
  if (rows.length === 0) throw organisationNotFound();
  const now = ctx.now();
  const today = ctx.calendar.today();
  const admin = rows.find((r) => r.role === 'administrator' && effectiveStatus(r, now, today) === 'active');
  if (!admin) throw new MandateRuleError('forbidden', 'only an active administrator of this organisation can do this', 'not-administrator');
  if (!rungAtLeast(person.rung, ctx.cfg.adminMinimumRung) || !rungAtLeast(person.rung, admin.level)) {
    throw new MandateRuleError('forbidden', `log in at level ${admin.level} or higher to manage this organisation`, 'rung-too-low');
  }
  return admin;
}

/** a member of the organisation the actor administers; anything else is not found */
export async function memberOf(db: Tx, organisationId: string, memberId: string): Promise<MemberRow> {
  const id = requireUuid(memberId, 'member');
  const row = await db.selectFrom('members').selectAll().where('id', '=', id).where('organisation_id', '=', organisationId).executeTakeFirst();
  if (!row || row.status === 'rejected') throw new MandateRuleError('not-found', 'member not found', 'not-found');
  return row;
}
