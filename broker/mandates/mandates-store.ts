// Mandates of members (seed 004 §4): granted in bulk, all or nothing, by an administrator up to
// their own level to active members whose level reaches what each service needs; extended,
// shortened or revoked at once.
import { rungAtLeast, type LoaRung } from '../loa.js';
import type { Ctx, Tx } from './context.js';
import { actorLabel, change, requireUuid } from './context.js';
import { memberOf, requireAdministrator, requirePerson } from './authorise.js';
import * as input from './input.js';
import { MandateRuleError, type Actor, type ChainMandate, type Mandate, type MandateDuration, type MandateScope, type Member, type Organisation, type ServiceMandates } from './model.js';
import { auditDetail, auditSubject } from './audit-entries.js';
import { email, notices } from './notices.js';
import { getOrganisationById } from './organisations.js';
import { effectiveStatus, loadOrganisations, toChainMandate, toMandate, toMember, toService, type MandateRow, type MemberRow } from './rows.js';
import { LEVEL_TOO_LOW, checkWithinOwnLevel, levelReaches } from './rules.js';
import { checkBranch, endDateOf, resolveScopes, type ResolvedScope } from './scopes.js';

export interface RefusedPair {
  readonly memberId: string;
  readonly scope: MandateScope;
  readonly reason: string;
  readonly message: string;
}

/** a bulk grant refused as a whole: every pair that broke a rule, so the administrator can fix them all */
export class BulkGrantError extends MandateRuleError {
  override name = 'BulkGrantError';
  constructor(readonly refused: readonly RefusedPair[], names: ReadonlyMap<string, string>, labels: ReadonlyMap<MandateScope, string>) {
    const reasons = new Set(refused.map((r) => r.reason));
    const message =
      refused.length === 1
        ? refused[0]!.message
        : `nothing was granted; refused: ${refused.map((r) => `${names.get(r.memberId)} – ${labels.get(r.scope)}: ${r.message}`).join('; ')}`;
    super('invalid', message, reasons.size === 1 ? [...reasons][0]! : 'refused-pairs');
  }
}

function scopeFilter(scope: MandateScope) {
  return scope.kind === 'service' ? { service_id: scope.serviceId } : { general_authority_rung: scope.rung };
}

/** a member's open mandate for the scope, expired or not */
async function openMandate(db: Tx, memberId: string, scope: MandateScope): Promise<MandateRow | undefined> {
  let q = db.selectFrom('mandates').selectAll().where('member_id', '=', memberId).where('revoked_at', 'is', null);
  q = scope.kind === 'service' ? q.where('service_id', '=', scope.serviceId) : q.where('general_authority_rung', '=', scope.rung);
  return q.executeTakeFirst();
}

function clampToMembership(endDate: string, member: MemberRow): string {
  return member.end_date !== null && member.end_date < endDate ? member.end_date : endDate;
}

export function createMandatesStore(ctx: Ctx) {
  function refusal(admin: MemberRow, member: MemberRow, s: ResolvedScope): { reason: string; message: string } | null {
    if (effectiveStatus(member, ctx.now(), ctx.calendar.today()) !== 'active') return { reason: 'member-not-active', message: 'mandates are given to active members only' };
    if (!levelReaches(member.level, s.rung)) return { reason: 'level-too-low', message: LEVEL_TOO_LOW };
    if (!rungAtLeast(admin.level, s.rung)) return { reason: 'level-above-own', message: `a mandate above your own level (${admin.level}) cannot be given` };
    return null;
  }

  async function mandateOf(trx: Tx, organisationId: string, mandateId: string): Promise<MandateRow> {
    const row = await trx.selectFrom('mandates').selectAll().where('id', '=', requireUuid(mandateId, 'mandate')).where('organisation_id', '=', organisationId).where('revoked_at', 'is', null).executeTakeFirst();
    if (!row) throw new MandateRuleError('not-found', 'mandate not found', 'not-found');
    return row;
  }

  async function scopeLabel(trx: Tx, row: MandateRow): Promise<{ label: string; rung: LoaRung }> {
    if (row.general_authority_rung) return { label: `general authority ${row.general_authority_rung}`, rung: row.general_authority_rung };
    const s = await trx.selectFrom('services').select(['name_en', 'min_rung']).where('id', '=', row.service_id!).executeTakeFirstOrThrow();
    return { label: s.name_en, rung: s.min_rung };
  }

  return {
    async grantMandates(actor: Actor, organisationId: string, grant: { memberIds: readonly string[]; scopes: readonly MandateScope[]; duration?: MandateDuration; branchId?: string }): Promise<readonly Mandate[]> {
      const orgId = requireUuid(organisationId, 'organisation');
      if (!grant || !Array.isArray(grant.memberIds) || grant.memberIds.length === 0) throw input.invalid('choose at least one member', 'no-member');
      const memberIds = [...new Set(grant.memberIds.map((id) => requireUuid(id, 'member')))];
      const endDate = endDateOf(ctx, grant.duration);
      return change(ctx, [orgId], async (trx, fx) => {
        const admin = await requireAdministrator(ctx, trx, actor, orgId);
        const branchId = await checkBranch(trx, orgId, grant.branchId);
        const scopes = await resolveScopes(trx, grant.scopes);
        const members = await trx.selectFrom('members').selectAll().where('organisation_id', '=', orgId).where('id', 'in', memberIds).where('status', '<>', 'rejected').execute();
        if (members.length !== memberIds.length) throw new MandateRuleError('not-found', 'member not found', 'not-found');
        const refused: RefusedPair[] = [];
        for (const m of members) {
          for (const s of scopes) {
            const r = refusal(admin, m, s);
            if (r) refused.push({ memberId: m.id, scope: s.scope, ...r });
          }
        }
        if (refused.length) {
          throw new BulkGrantError(refused, new Map(members.map((m) => [m.id, `${m.given_name} ${m.surname}`])), new Map(scopes.map((s) => [s.scope, s.label])));
        }
        const today = ctx.calendar.today();
        const now = ctx.now();
        const org = await getOrganisationById(trx, orgId);
        const granted: Mandate[] = [];
        for (const m of members) {
          const end = clampToMembership(endDate, m);
          for (const s of scopes) {
            const existing = await openMandate(trx, m.id, s.scope);
            const grantedBy = actor.kind === 'person' ? actor.personId : null;
            // an open mandate has its end overwritten (seed 004 §4.4); an expired one starts again today
            const row = existing
              ? await trx
                  .updateTable('mandates')
                  .set({ end_date: end, branch_id: branchId, granted_by: grantedBy, updated_at: now, ...(existing.end_date <= today ? { start_date: today } : {}) })
                  .where('id', '=', existing.id)
                  .returningAll()
                  .executeTakeFirstOrThrow()
              : await trx
                  .insertInto('mandates')
                  .values({ organisation_id: orgId, member_id: m.id, ...scopeFilter(s.scope), branch_id: branchId, start_date: today, end_date: end, granted_by: grantedBy })
                  .returningAll()
                  .executeTakeFirstOrThrow();
            fx.audit({
              actor: actorLabel(actor),
              action: existing && existing.end_date > today ? 'mandate.extend' : 'mandate.grant',
              subject: auditSubject(m),
              ip: actor.ip ?? undefined,
              detail: auditDetail(m, { mandateId: row.id, scope: s.scope.kind === 'service' ? s.scope.serviceId : `general:${s.scope.rung}`, endDate: end, ...(branchId ? { branchId } : {}) }),
            });
            granted.push(toMandate(ctx, row));
          }
          fx.mail(email(m.contact_email, notices.mandates(org.name, scopes.map((s) => s.label).join(', '), end)));
        }
        return granted;
      });
    },

    async setMandateEnd(actor: Actor, organisationId: string, mandateId: string, duration: MandateDuration): Promise<Mandate> {
      const orgId = requireUuid(organisationId, 'organisation');
      const endDate = endDateOf(ctx, duration);
      return change(ctx, [orgId], async (trx, fx) => {
        const admin = await requireAdministrator(ctx, trx, actor, orgId);
        const mandate = await mandateOf(trx, orgId, mandateId);
        if (mandate.end_date <= ctx.calendar.today()) throw new MandateRuleError('conflict', 'this mandate has ended; grant it again', 'mandate-ended');
        const { label, rung } = await scopeLabel(trx, mandate);
        checkWithinOwnLevel(admin, rung, 'a mandate');
        const member = await memberOf(trx, orgId, mandate.member_id);
        const end = clampToMembership(endDate, member);
        const row = await trx.updateTable('mandates').set({ end_date: end, updated_at: ctx.now() }).where('id', '=', mandate.id).returningAll().executeTakeFirstOrThrow();
        const org = await getOrganisationById(trx, orgId);
        fx.audit({ actor: actorLabel(actor), action: 'mandate.end-date', subject: auditSubject(member), ip: actor.ip ?? undefined, detail: auditDetail(member, { mandateId: mandate.id, from: mandate.end_date, to: end }) });
        fx.mail(email(member.contact_email, notices.mandates(org.name, label, end)));
        return toMandate(ctx, row);
      });
    },

    async revokeMandate(actor: Actor, organisationId: string, mandateId: string): Promise<void> {
      const orgId = requireUuid(organisationId, 'organisation');
      await change(ctx, [orgId], async (trx, fx) => {
        await requireAdministrator(ctx, trx, actor, orgId);
        const mandate = await mandateOf(trx, orgId, mandateId);
        await trx.updateTable('mandates').set({ revoked_at: ctx.now(), updated_at: ctx.now() }).where('id', '=', mandate.id).execute();
        const member = await memberOf(trx, orgId, mandate.member_id);
        const org = await getOrganisationById(trx, orgId);
        const { label } = await scopeLabel(trx, mandate);
        fx.audit({ actor: actorLabel(actor), action: 'mandate.revoke', subject: auditSubject(member), ip: actor.ip ?? undefined, detail: auditDetail(member, { mandateId: mandate.id }) });
        fx.mail(email(member.contact_email, notices.mandates(org.name, label, null)));
      });
    },

    async listMandates(actor: Actor, organisationId: string): Promise<readonly ServiceMandates[]> {
      await requireAdministrator(ctx, ctx.db, actor, organisationId);
      const orgId = organisationId.toLowerCase();
      const today = ctx.calendar.today();
      const services = (await ctx.db.selectFrom('services').selectAll().orderBy('service_id').execute()).map(toService);
      const mandates = await ctx.db.selectFrom('mandates').selectAll().where('organisation_id', '=', orgId).where('revoked_at', 'is', null).where('end_date', '>', today).orderBy('end_date').execute();
      const members = new Map((await ctx.db.selectFrom('members').selectAll().where('organisation_id', '=', orgId).execute()).map((m) => [m.id, toMember(ctx, m)]));
      const withMember = (rows: MandateRow[]) =>
        rows.map((r) => {
          const m = members.get(r.member_id)!;
          return { ...toMandate(ctx, r), member: { id: m.id, givenName: m.givenName, surname: m.surname, level: m.level, status: m.status } };
        });
      const generalRungs = [...new Set(mandates.filter((m) => m.general_authority_rung).map((m) => m.general_authority_rung!))].sort();
      return [
        ...services.map((service) => ({ scope: { kind: 'service' as const, serviceId: service.id }, service, mandates: withMember(mandates.filter((m) => m.service_id === service.id)) })),
        ...generalRungs.map((rung) => ({ scope: { kind: 'general' as const, rung }, service: null, mandates: withMember(mandates.filter((m) => m.general_authority_rung === rung)) })),
      ];
    },

    async myMandates(actor: Actor): Promise<readonly { member: Member; organisation: Organisation; mandates: readonly Mandate[]; chain: readonly { chainMandate: ChainMandate; client: Organisation }[] }[]> {
      const person = requirePerson(actor);
      const now = ctx.now();
      const today = ctx.calendar.today();
      const rows = (await ctx.db.selectFrom('members').selectAll().where('person_id', '=', person.personId).where('status', '=', 'active').execute()).filter(
        (m) => effectiveStatus(m, now, today) === 'active',
      );
      if (rows.length === 0) return [];
      const orgIds = rows.map((m) => m.organisation_id);
      const mandates = await ctx.db.selectFrom('mandates').selectAll().where('member_id', 'in', rows.map((m) => m.id)).where('revoked_at', 'is', null).where('start_date', '<=', today).where('end_date', '>', today).execute();
      const chains = await ctx.db.selectFrom('chain_mandates').selectAll().where('intermediary_organisation_id', 'in', orgIds).where('revoked_at', 'is', null).where('start_date', '<=', today).where('end_date', '>', today).execute();
      const orgs = await loadOrganisations(ctx.db, [...orgIds, ...chains.map((c) => c.client_organisation_id)]);
      return rows.map((m) => ({
        member: toMember(ctx, m),
        organisation: orgs.get(m.organisation_id)!,
        mandates: mandates.filter((x) => x.member_id === m.id).map((x) => toMandate(ctx, x)),
        chain: chains.filter((c) => c.intermediary_organisation_id === m.organisation_id && orgs.get(c.client_organisation_id)?.status === 'active').map((c) => ({ chainMandate: toChainMandate(ctx, c), client: orgs.get(c.client_organisation_id)! })),
      }));
    },
  };
}
