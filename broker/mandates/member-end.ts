// Ending a membership (seed 004 §3.4): now, on a day, or at the end of its period, never leaving
// the organisation without an administrator. The last administrator may end their own membership
// only when nobody else is left, and then, after an explicit confirmation, ends the organisation
// itself with everything in it (§3.4.1).
import type { Ctx, Effects, Tx } from './context.js';
import { actorLabel, change, requireUuid } from './context.js';
import { memberOf, requireAdministrator } from './authorise.js';
import { MandateRuleError, type Actor, type Member, type MemberEnd, type Organisation } from './model.js';
import { auditDetail, auditSubject } from './audit-entries.js';
import { email, notices } from './notices.js';
import { getOrganisationById } from './organisations.js';
import { isOpen, toMember, type MemberRow } from './rows.js';
import { revokeMandatesOfMember, shortenMandatesOfMember } from './revocations.js';
import { countingAdministrators } from './rules.js';

export function createMemberEnd(ctx: Ctx) {
  /** the day a membership ends on, or null for now */
  function endDayOf(end: MemberEnd, target: MemberRow): string | null {
    if (end.when === 'now') return null;
    if (end.when === 'date') return ctx.calendar.checkFromTomorrow(end.date);
    if (end.when === 'period-end') {
      if (!target.period_end) throw new MandateRuleError('invalid', 'this membership has no period end', 'no-period-end');
      if (target.period_end <= ctx.calendar.today()) throw new MandateRuleError('invalid', 'the period of this membership has already ended; end it now', 'period-ended');
      return target.period_end;
    }
    throw new MandateRuleError('invalid', 'end now, on a date or at the end of the period', 'invalid-input');
  }

  async function endOrganisation(trx: Tx, fx: Effects, actor: Actor, org: Organisation): Promise<void> {
    const now = ctx.now();
    const open = await trx.selectFrom('members').selectAll().where('organisation_id', '=', org.id).where('status', 'not in', ['rejected', 'ended']).execute();
    await trx.updateTable('members').set({ status: 'ended', ended_at: now, activation_token_hash: null, updated_at: now }).where('organisation_id', '=', org.id).where('status', 'not in', ['rejected', 'ended']).execute();
    await trx.updateTable('mandates').set({ revoked_at: now, updated_at: now }).where('organisation_id', '=', org.id).where('revoked_at', 'is', null).execute();
    const chains = await trx
      .updateTable('chain_mandates')
      .set({ revoked_at: now, updated_at: now })
      .where((eb) => eb.or([eb('client_organisation_id', '=', org.id), eb('intermediary_organisation_id', '=', org.id)]))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    await trx.updateTable('organisations').set({ status: 'ended', ended_at: now, updated_at: now }).where('id', '=', org.id).execute();
    fx.audit({ actor: actorLabel(actor), action: 'organisation.end', subject: `organisation:${org.id}`, ip: actor.ip ?? undefined, detail: { organisationId: org.id, membersEnded: open.length, chainMandatesRevoked: Number(chains.numUpdatedRows) } });
    for (const m of open) fx.mail(email(m.contact_email, notices.organisationEnded(org.name)));
  }

  return {
    async endMember(actor: Actor, organisationId: string, memberId: string, end: MemberEnd): Promise<{ member: Member; organisationEnded: boolean }> {
      const orgId = requireUuid(organisationId, 'organisation');
      if (!end || typeof end !== 'object') throw new MandateRuleError('invalid', 'end now, on a date or at the end of the period', 'invalid-input');
      return change(ctx, [orgId], async (trx, fx) => {
        const admin = await requireAdministrator(ctx, trx, actor, orgId);
        const target = await memberOf(trx, orgId, memberId);
        const now = ctx.now();
        const today = ctx.calendar.today();
        if (!isOpen(target, now, today)) throw new MandateRuleError('conflict', 'this membership has already ended', 'member-ended');
        const day = endDayOf(end, target);
        const org = await getOrganisationById(trx, orgId);
        const self = target.id === admin.id;
        const lastAdministrator = target.role === 'administrator' && (await countingAdministrators(trx, orgId, target.id)) === 0;
        if (lastAdministrator && !self) {
          throw new MandateRuleError('conflict', 'an organisation needs at least one active administrator; appoint another administrator first', 'last-administrator');
        }
        if (lastAdministrator) {
          const others = await trx.selectFrom('members').selectAll().where('organisation_id', '=', orgId).where('id', '<>', target.id).where('status', 'not in', ['rejected', 'ended']).execute();
          if (others.some((m) => isOpen(m, now, today))) {
            throw new MandateRuleError('conflict', 'you are the last administrator: appoint another administrator or end the other members first', 'other-members-present');
          }
          if (end.confirmEndOrganisation !== true) {
            throw new MandateRuleError('conflict', `you are the last member: ending your membership ends ${org.name}; confirm to end the organisation`, 'confirm-end-organisation');
          }
          await endOrganisation(trx, fx, actor, org);
          const ended = await trx.selectFrom('members').selectAll().where('id', '=', target.id).executeTakeFirstOrThrow();
          return { member: toMember(ctx, ended), organisationEnded: true };
        }
        if (day === null) {
          await trx.updateTable('members').set({ status: 'ended', ended_at: now, end_date: null, activation_token_hash: null, updated_at: now }).where('id', '=', target.id).execute();
          await revokeMandatesOfMember(trx, target.id, now);
        } else {
          await trx.updateTable('members').set({ end_date: day, updated_at: now }).where('id', '=', target.id).execute();
          await shortenMandatesOfMember(trx, target.id, day, now);
        }
        fx.audit({ actor: actorLabel(actor), action: 'member.end', subject: auditSubject(target), ip: actor.ip ?? undefined, detail: auditDetail(target, { when: end.when, ...(day ? { endDate: day } : {}) }) });
        fx.mail(email(target.contact_email, notices.ended(org.name, day)));
        const after = await trx.selectFrom('members').selectAll().where('id', '=', target.id).executeTakeFirstOrThrow();
        return { member: toMember(ctx, after), organisationEnded: false };
      });
    },
  };
}

