// A membership's way in (seed 004 §3.2–§3.3): the operator approves or rejects the request, the
// member activates with the e-mailed link while logged in as the person the request names, at a
// rung reaching the membership's level.
import { rungAtLeast } from '../loa.js';
import type { Ctx } from './context.js';
import { actorLabel, change, requireUuid } from './context.js';
import { hashActivationToken, issueActivation } from './activation.js';
import { requireOperator, requirePerson } from './authorise.js';
import * as input from './input.js';
import { MandateRuleError, type Actor, type Member } from './model.js';
import { auditDetail, auditSubject } from './audit-entries.js';
import { email, notices } from './notices.js';
import { getOrganisationById } from './organisations.js';
import { effectiveStatus, toMember, type MemberRow } from './rows.js';

const DAY_MS = 86_400_000;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

function notFound(): MandateRuleError {
  return new MandateRuleError('not-found', 'member not found', 'not-found');
}

export function createMemberLifecycle(ctx: Ctx) {
  async function organisationOfMember(memberId: string): Promise<string> {
    const row = await ctx.db.selectFrom('members').select('organisation_id').where('id', '=', requireUuid(memberId, 'member')).executeTakeFirst();
    if (!row) throw notFound();
    return row.organisation_id;
  }

  async function pendingRow(trx: Ctx['db'], memberId: string): Promise<MemberRow> {
    const row = await trx.selectFrom('members').selectAll().where('id', '=', memberId.toLowerCase()).executeTakeFirstOrThrow();
    if (row.status !== 'awaiting_approval') throw new MandateRuleError('conflict', 'this request is not awaiting approval', 'not-awaiting-approval');
    return row;
  }

  /** the copies of the identity document served their purpose: they go after the retention period */
  async function scheduleDocumentDeletion(trx: Ctx['db'], memberId: string): Promise<void> {
    const deleteAfter = new Date(ctx.now().getTime() + ctx.cfg.documentRetentionDays * DAY_MS);
    await trx.updateTable('member_documents').set({ delete_after: deleteAfter }).where('member_id', '=', memberId).where('delete_after', 'is', null).execute();
  }

  return {
    async approveMember(actor: Actor, memberId: string): Promise<Member> {
      requireOperator(actor);
      const orgId = await organisationOfMember(memberId);
      return change(ctx, [orgId], async (trx, fx) => {
        const row = await pendingRow(trx, memberId);
        const org = await getOrganisationById(trx, orgId);
        if (org.status === 'ended') throw new MandateRuleError('conflict', 'this organisation has ended', 'organisation-ended');
        const approved = await trx
          .updateTable('members')
          .set({ status: 'awaiting_activation', approved_at: ctx.now(), ...issueActivation(ctx, fx, row.contact_email, org.name), updated_at: ctx.now() })
          .where('id', '=', row.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await scheduleDocumentDeletion(trx, row.id);
        fx.audit({ actor: actorLabel(actor), action: 'member.approve', subject: auditSubject(row), ip: actor.ip ?? undefined, detail: auditDetail(row) });
        return toMember(ctx, approved);
      });
    },

    async rejectMember(actor: Actor, memberId: string, reason: string): Promise<Member> {
      requireOperator(actor);
      const why = input.text(reason, 'the reason', 500);
      const orgId = await organisationOfMember(memberId);
      return change(ctx, [orgId], async (trx, fx) => {
        const row = await pendingRow(trx, memberId);
        const rejected = await trx
          .updateTable('members')
          .set({ status: 'rejected', rejected_at: ctx.now(), rejection_reason: why, updated_at: ctx.now() })
          .where('id', '=', row.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await scheduleDocumentDeletion(trx, row.id);
        const org = await getOrganisationById(trx, orgId);
        const name = `${row.given_name} ${row.surname}`;
        const requester = row.requested_by
          ? await trx.selectFrom('members').select('contact_email').where('organisation_id', '=', orgId).where('person_id', '=', row.requested_by).where('status', 'not in', ['rejected', 'ended']).executeTakeFirst()
          : undefined;
        if (requester) fx.mail(email(requester.contact_email, notices.rejected(name, org.name, why)));
        fx.mail(email(row.contact_email, notices.rejected(name, org.name, why)));
        fx.audit({ actor: actorLabel(actor), action: 'member.reject', subject: auditSubject(row), ip: actor.ip ?? undefined, detail: auditDetail(row) });
        return toMember(ctx, rejected);
      });
    },

    async listPendingMembers(actor: Actor): Promise<readonly Member[]> {
      requireOperator(actor);
      const rows = await ctx.db.selectFrom('members').selectAll().where('status', '=', 'awaiting_approval').orderBy('created_at').execute();
      return rows.map((r) => toMember(ctx, r));
    },

    async activateMembership(actor: Actor, token: string): Promise<Member> {
      const person = requirePerson(actor);
      if (typeof token !== 'string' || !TOKEN.test(token)) throw new MandateRuleError('not-found', 'this activation link is not valid', 'activation-unknown');
      const hash = hashActivationToken(token);
      const found = await ctx.db.selectFrom('members').select('organisation_id').where('activation_token_hash', '=', hash).executeTakeFirst();
      if (!found) throw new MandateRuleError('not-found', 'this activation link is not valid', 'activation-unknown');
      return change(ctx, [found.organisation_id], async (trx, fx) => {
        const row = await trx.selectFrom('members').selectAll().where('activation_token_hash', '=', hash).executeTakeFirst();
        if (!row) throw new MandateRuleError('not-found', 'this activation link is not valid', 'activation-unknown');
        const status = effectiveStatus(row, ctx.now(), ctx.calendar.today());
        if (status === 'activation_expired') throw new MandateRuleError('conflict', 'this activation link has expired; ask an administrator for a new one', 'activation-expired');
        if (status !== 'awaiting_activation') throw new MandateRuleError('conflict', 'this membership cannot be activated', 'not-awaiting-activation');
        if (!rungAtLeast(person.rung, row.level)) throw new MandateRuleError('forbidden', `log in at level ${row.level} or higher to activate this membership`, 'rung-too-low');
        const who = await trx.selectFrom('persons').select(['document_number', 'eidas_person_identifier']).where('id', '=', person.personId).executeTakeFirst();
        const matches =
          row.subject_kind === 'invitation' ||
          (row.subject_kind === 'registry' && who?.document_number === row.document_number) ||
          (row.subject_kind === 'eidas' && who?.eidas_person_identifier === row.eidas_person_identifier);
        if (!who || !matches) throw new MandateRuleError('forbidden', 'this activation link is for someone else', 'identity-mismatch');
        const other = await trx
          .selectFrom('members')
          .select('id')
          .where('organisation_id', '=', row.organisation_id)
          .where('person_id', '=', person.personId)
          .where('status', 'not in', ['rejected', 'ended'])
          .executeTakeFirst();
        if (other) throw new MandateRuleError('conflict', 'you are already a member of this organisation', 'already-member');
        const active = await trx
          .updateTable('members')
          .set({ person_id: person.personId, status: 'active', activated_at: ctx.now(), activation_token_hash: null, updated_at: ctx.now() })
          .where('id', '=', row.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        const org = await getOrganisationById(trx, row.organisation_id);
        fx.audit({ actor: actorLabel(actor), action: 'member.activate', subject: person.personId, ip: actor.ip ?? undefined, detail: auditDetail(row) });
        fx.mail(email(row.contact_email, notices.activated(org.name)));
        return toMember(ctx, active);
      });
    },
  };
}
