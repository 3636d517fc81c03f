// Members of an organisation as its administrators manage them (seed 004 §3): requests, role,
// level, the membership's contact details, a new activation link.
import type { Ctx, Effects } from './context.js';
import { actorLabel, change, requireUuid } from './context.js';
import { issueActivation } from './activation.js';
import { auditDetail, auditSubject } from './audit-entries.js';
import { memberOf, requireAdministrator, requirePerson } from './authorise.js';
import * as input from './input.js';
import { MandateRuleError, type Actor, type Member, type MemberLevel, type MemberRole, type MemberWithMandates, type NewMember, type Organisation } from './model.js';
import { email, notices } from './notices.js';
import { getOrganisationById } from './organisations.js';
import { effectiveStatus, isOpen, loadOrganisations, toMandate, toMember, type MemberRow } from './rows.js';
import { revokeMandatesAbove } from './revocations.js';
import { checkNotLastAdministrator, checkWithinOwnLevel, levelReaches } from './rules.js';

/** a member above the administrator's own level is not theirs to change */
function checkCanManage(admin: MemberRow, target: MemberRow): void {
  if (!levelReaches(admin.level, target.level)) throw new MandateRuleError('forbidden', `this member's level (${target.level}) is above your own`, 'member-above-own-level');
}

function checkOpen(ctx: Ctx, target: MemberRow): void {
  const s = effectiveStatus(target, ctx.now(), ctx.calendar.today());
  if (s === 'ended' || s === 'rejected') throw new MandateRuleError('conflict', 'this membership has ended', 'member-ended');
}

async function updated(db: Ctx['db'], id: string): Promise<MemberRow> {
  return db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

export function createMembers(ctx: Ctx) {
  function matches(row: MemberRow, search: string): boolean {
    const hay = [row.given_name, row.surname, `${row.given_name} ${row.surname}`, row.document_number, row.eidas_person_identifier, row.invitation_email, row.contact_email];
    return hay.some((h) => h?.toLowerCase().includes(search));
  }

  return {
    async listMembers(actor: Actor, organisationId: string, opts: { search?: string } = {}): Promise<readonly Member[]> {
      await requireAdministrator(ctx, ctx.db, actor, organisationId);
      const rows = await ctx.db.selectFrom('members').selectAll().where('organisation_id', '=', organisationId.toLowerCase()).where('status', 'not in', ['rejected', 'ended']).orderBy('surname').orderBy('given_name').execute();
      const search = typeof opts.search === 'string' ? opts.search.trim().toLowerCase() : '';
      const now = ctx.now();
      const today = ctx.calendar.today();
      // an ended membership leaves the overview at once (seed 004 §3.4); getMember still reads it
      return rows.filter((r) => isOpen(r, now, today) && (!search || matches(r, search))).map((r) => toMember(ctx, r));
    },

    async getMember(actor: Actor, organisationId: string, memberId: string): Promise<MemberWithMandates> {
      await requireAdministrator(ctx, ctx.db, actor, organisationId);
      const row = await memberOf(ctx.db, organisationId.toLowerCase(), memberId);
      // revoked and expired mandates are no longer shown (seed 004 §3.11.2)
      const mandates = await ctx.db
        .selectFrom('mandates')
        .selectAll()
        .where('member_id', '=', row.id)
        .where('revoked_at', 'is', null)
        .where('end_date', '>', ctx.calendar.today())
        .orderBy('end_date')
        .execute();
      const account = row.person_id
        ? await ctx.db.selectFrom('permanente_accounts').select(['state', 'second_factor']).where('person_id', '=', row.person_id).executeTakeFirst()
        : undefined;
      const secondFactor = account?.state === 'active' ? account.second_factor : null;
      return { ...toMember(ctx, row), mandates: mandates.map((m) => toMandate(ctx, m)), secondFactor };
    },

    async addMember(actor: Actor, organisationIds: readonly string[], member: NewMember): Promise<readonly Member[]> {
      const person = requirePerson(actor);
      if (!Array.isArray(organisationIds) || organisationIds.length === 0) throw input.invalid('name at least one organisation');
      const ids = [...new Set(organisationIds.map((id) => requireUuid(id, 'organisation')))];
      const data = input.newMember(member, ctx.calendar.today());
      return change(ctx, ids, async (trx, fx) => {
        const added: Member[] = [];
        for (const id of ids) {
          const admin = await requireAdministrator(ctx, trx, actor, id);
          checkWithinOwnLevel(admin, data.level, 'a level');
          const org = await getOrganisationById(trx, id);
          const open = await trx.selectFrom('members').selectAll().where('organisation_id', '=', id).where('status', 'not in', ['rejected', 'ended']).execute();
          const same = open.some(
            (m) =>
              isOpen(m, ctx.now(), ctx.calendar.today()) &&
              ((data.document_number !== null && m.document_number === data.document_number) || (data.eidas_person_identifier !== null && m.eidas_person_identifier === data.eidas_person_identifier)),
          );
          if (same) throw new MandateRuleError('conflict', `this person is already a member of ${org.name} or awaiting approval there`, 'already-member');
          const row = await trx
            .insertInto('members')
            .values({ ...data, organisation_id: id, status: 'awaiting_approval', requested_by: person.personId })
            .returningAll()
            .executeTakeFirstOrThrow()
            .catch((err: unknown) => {
              if ((err as { code?: string }).code === '23505') throw new MandateRuleError('conflict', `this person is already a member of ${org.name}`, 'already-member');
              throw err;
            });
          fx.audit({ actor: actorLabel(actor), action: 'member.request', subject: auditSubject(row), ip: actor.ip ?? undefined, detail: auditDetail(row, { role: row.role, level: row.level }) });
          fx.mail(email(row.contact_email, notices.requested(org.name)));
          added.push(toMember(ctx, row));
        }
        return added;
      });
    },

    async changeRole(actor: Actor, organisationId: string, memberId: string, role: MemberRole): Promise<Member> {
      const orgId = requireUuid(organisationId, 'organisation');
      const wanted = input.role(role);
      return change(ctx, [orgId], async (trx, fx) => {
        const admin = await requireAdministrator(ctx, trx, actor, orgId);
        const target = await memberOf(trx, orgId, memberId);
        checkOpen(ctx, target);
        if (target.role === wanted) return toMember(ctx, target);
        checkCanManage(admin, target);
        if (wanted === 'user') {
          if (target.id === admin.id) throw new MandateRuleError('forbidden', 'only another administrator can take away your administrator role', 'self-demote');
          await checkNotLastAdministrator(trx, target);
        }
        await trx.updateTable('members').set({ role: wanted, updated_at: ctx.now() }).where('id', '=', target.id).execute();
        const org = await getOrganisationById(trx, orgId);
        fx.audit({ actor: actorLabel(actor), action: 'member.role', subject: auditSubject(target), ip: actor.ip ?? undefined, detail: auditDetail(target, { from: target.role, to: wanted }) });
        fx.mail(email(target.contact_email, notices.changed(org.name, `rol ${wanted === 'administrator' ? 'administrador' : 'usuario'}`, `role ${wanted}`)));
        return toMember(ctx, await updated(trx, target.id));
      });
    },

    async changeLevel(actor: Actor, organisationId: string, memberId: string, level: MemberLevel): Promise<Member> {
      const orgId = requireUuid(organisationId, 'organisation');
      const wanted = input.level(level);
      return change(ctx, [orgId], async (trx, fx) => {
        const admin = await requireAdministrator(ctx, trx, actor, orgId);
        const target = await memberOf(trx, orgId, memberId);
        checkOpen(ctx, target);
        if (target.level === wanted) return toMember(ctx, target);
        checkCanManage(admin, target);
        checkWithinOwnLevel(admin, wanted, 'a level');
        const now = ctx.now();
        await trx.updateTable('members').set({ level: wanted, updated_at: now }).where('id', '=', target.id).execute();
        // a member may not keep a mandate for a service the new level does not reach
        const revoked = await revokeMandatesAbove(trx, target.id, wanted, now);
        const org = await getOrganisationById(trx, orgId);
        fx.audit({ actor: actorLabel(actor), action: 'member.level', subject: auditSubject(target), ip: actor.ip ?? undefined, detail: auditDetail(target, { from: target.level, to: wanted, mandatesRevoked: revoked }) });
        fx.mail(email(target.contact_email, notices.changed(org.name, `nivel ${wanted}`, `level ${wanted}`)));
        return toMember(ctx, await updated(trx, target.id));
      });
    },

    async changeContact(actor: Actor, organisationId: string, memberId: string, contact: { mobile?: string; email?: string }): Promise<Member> {
      const orgId = requireUuid(organisationId, 'organisation');
      if (!contact || (contact.mobile === undefined && contact.email === undefined)) throw input.invalid('give a new mobile number or e-mail address');
      const mobile = contact.mobile === undefined ? undefined : input.mobile(contact.mobile);
      const mail = contact.email === undefined ? undefined : input.emailAddress(contact.email);
      return change(ctx, [orgId], async (trx, fx) => {
        await requireAdministrator(ctx, trx, actor, orgId);
        const target = await memberOf(trx, orgId, memberId);
        const status = effectiveStatus(target, ctx.now(), ctx.calendar.today());
        if (mobile !== undefined) {
          if (actor.kind === 'person' && target.person_id === actor.personId) {
            throw new MandateRuleError('forbidden', 'you cannot change your own mobile number; another administrator can', 'own-mobile');
          }
          if (status !== 'awaiting_activation' && status !== 'active') throw new MandateRuleError('conflict', 'the mobile number can be changed while the member awaits activation or is active', 'mobile-not-changeable');
        }
        if (mail !== undefined && status !== 'awaiting_approval' && status !== 'awaiting_activation' && status !== 'activation_expired') {
          throw new MandateRuleError('conflict', 'after activation only the member can change the contact e-mail address', 'email-after-activation');
        }
        await trx
          .updateTable('members')
          .set({ ...(mobile !== undefined ? { contact_mobile: mobile } : {}), ...(mail !== undefined ? { contact_email: mail } : {}), updated_at: ctx.now() })
          .where('id', '=', target.id)
          .execute();
        const org = await getOrganisationById(trx, orgId);
        fx.audit({ actor: actorLabel(actor), action: 'member.contact', subject: auditSubject(target), ip: actor.ip ?? undefined, detail: auditDetail(target, { mobile: mobile !== undefined, email: mail !== undefined }) });
        notifyContactChange(fx, org, target.contact_email, mail, mobile !== undefined);
        return toMember(ctx, await updated(trx, target.id));
      });
    },

    async changeOwnContactEmail(actor: Actor, memberId: string, newEmail: string): Promise<Member> {
      const person = requirePerson(actor);
      const id = requireUuid(memberId, 'member');
      const mail = input.emailAddress(newEmail);
      const own = await ctx.db.selectFrom('members').select('organisation_id').where('id', '=', id).where('person_id', '=', person.personId).executeTakeFirst();
      if (!own) throw new MandateRuleError('not-found', 'member not found', 'not-found');
      return change(ctx, [own.organisation_id], async (trx, fx) => {
        const target = await updated(trx, id);
        if (effectiveStatus(target, ctx.now(), ctx.calendar.today()) !== 'active') throw new MandateRuleError('conflict', 'only an active membership has its e-mail address changed by the member', 'member-not-active');
        await trx.updateTable('members').set({ contact_email: mail, updated_at: ctx.now() }).where('id', '=', id).execute();
        const org = await getOrganisationById(trx, target.organisation_id);
        fx.audit({ actor: actorLabel(actor), action: 'member.contact.own', subject: auditSubject(target), ip: actor.ip ?? undefined, detail: auditDetail(target, { email: true }) });
        notifyContactChange(fx, org, target.contact_email, mail, false);
        return toMember(ctx, await updated(trx, id));
      });
    },

    async resendActivation(actor: Actor, organisationId: string, memberId: string): Promise<Member> {
      const orgId = requireUuid(organisationId, 'organisation');
      return change(ctx, [orgId], async (trx, fx) => {
        await requireAdministrator(ctx, trx, actor, orgId);
        const target = await memberOf(trx, orgId, memberId);
        const status = effectiveStatus(target, ctx.now(), ctx.calendar.today());
        if (status !== 'awaiting_activation' && status !== 'activation_expired') throw new MandateRuleError('conflict', 'this member is not awaiting activation', 'not-awaiting-activation');
        const org = await getOrganisationById(trx, orgId);
        await trx
          .updateTable('members')
          .set({ status: 'awaiting_activation', ...issueActivation(ctx, fx, target.contact_email, org.name), updated_at: ctx.now() })
          .where('id', '=', target.id)
          .execute();
        fx.audit({ actor: actorLabel(actor), action: 'member.activation.resend', subject: auditSubject(target), ip: actor.ip ?? undefined, detail: auditDetail(target) });
        return toMember(ctx, await updated(trx, target.id));
      });
    },

    async myMemberships(actor: Actor): Promise<readonly { member: Member; organisation: Organisation }[]> {
      const person = requirePerson(actor);
      const rows = await ctx.db.selectFrom('members').selectAll().where('person_id', '=', person.personId).where('status', '<>', 'rejected').orderBy('created_at').execute();
      const orgs = await loadOrganisations(ctx.db, rows.map((r) => r.organisation_id));
      return rows.map((r) => ({ member: toMember(ctx, r), organisation: orgs.get(r.organisation_id)! }));
    },
  };
}

function notifyContactChange(fx: Effects, org: Organisation, oldEmail: string, newEmail: string | undefined, mobile: boolean): void {
  const es = [mobile ? 'su móvil de contacto' : null, newEmail ? 'su correo de contacto' : null].filter(Boolean).join(' y ');
  const en = [mobile ? 'your contact mobile' : null, newEmail ? 'your contact e-mail' : null].filter(Boolean).join(' and ');
  fx.mail(email(newEmail ?? oldEmail, notices.changed(org.name, es, en)));
  // the old address hears of it too: a change it did not ask for must not go unnoticed
  if (newEmail && newEmail !== oldEmail) fx.mail(email(oldEmail, notices.changed(org.name, es, en)));
}
