// Chain mandates (seed 004 §5): a client organisation lets an intermediary organisation act for
// it, for services that accept chain mandates or as general authority. Given by an administrator
// of the client holding at least mandates.chainMinimumRung; the client needs no other members.
// Both organisations are locked, in id order, so ending either cannot race a grant.
import { rungAtLeast } from '../loa.js';
import type { Ctx, Tx } from './context.js';
import { actorLabel, change, requireUuid } from './context.js';
import { requireAdministrator } from './authorise.js';
import * as input from './input.js';
import { MandateRuleError, type Actor, type ChainMandate, type MandateDuration, type MandateScope, type Organisation, type OrganisationIdentifier } from './model.js';
import { email, notices } from './notices.js';
import { getOrganisationById } from './organisations.js';
import { loadOrganisations, toChainMandate, type ChainMandateRow, type MemberRow } from './rows.js';
import { checkBranch, endDateOf, resolveScopes } from './scopes.js';

function checkChainLevel(ctx: Ctx, admin: MemberRow): void {
  if (!rungAtLeast(admin.level, ctx.cfg.chainMinimumRung)) {
    throw new MandateRuleError('forbidden', `chain mandates are given by an administrator with level ${ctx.cfg.chainMinimumRung} or higher`, 'chain-level-too-low');
  }
}

export function createChainMandates(ctx: Ctx) {
  async function chainOf(trx: Tx, clientId: string, chainMandateId: string): Promise<ChainMandateRow> {
    const row = await trx
      .selectFrom('chain_mandates')
      .selectAll()
      .where('id', '=', requireUuid(chainMandateId, 'chain mandate'))
      .where('client_organisation_id', '=', clientId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) throw new MandateRuleError('not-found', 'chain mandate not found', 'not-found');
    return row;
  }

  /** where the intermediary hears of it: the address given, else its administrators' contact e-mails */
  async function intermediaryAddresses(trx: Tx, intermediaryId: string, notifyEmail: string | undefined): Promise<string[]> {
    if (notifyEmail) return [notifyEmail];
    const admins = await trx.selectFrom('members').select('contact_email').where('organisation_id', '=', intermediaryId).where('role', '=', 'administrator').where('status', '=', 'active').execute();
    return [...new Set(admins.map((a) => a.contact_email))];
  }

  async function scopeLabel(trx: Tx, row: ChainMandateRow): Promise<string> {
    if (row.general_authority_rung) return `general authority ${row.general_authority_rung}`;
    return (await trx.selectFrom('services').select('name_en').where('id', '=', row.service_id!).executeTakeFirstOrThrow()).name_en;
  }

  async function validNow(db: Tx, column: 'client_organisation_id' | 'intermediary_organisation_id', orgId: string): Promise<ChainMandateRow[]> {
    return db.selectFrom('chain_mandates').selectAll().where(column, '=', orgId).where('revoked_at', 'is', null).where('end_date', '>', ctx.calendar.today()).orderBy('end_date').execute();
  }

  function grouped(rows: readonly ChainMandateRow[], orgs: ReadonlyMap<string, Organisation>, other: (r: ChainMandateRow) => string) {
    const byOrg = new Map<string, ChainMandate[]>();
    for (const r of rows) byOrg.set(other(r), [...(byOrg.get(other(r)) ?? []), toChainMandate(ctx, r)]);
    return [...byOrg.entries()].map(([id, chainMandates]) => ({ organisation: orgs.get(id)!, chainMandates })).sort((a, b) => a.organisation.name.localeCompare(b.organisation.name));
  }

  return {
    async grantChainMandates(
      actor: Actor,
      clientOrganisationId: string,
      grant: { intermediary: OrganisationIdentifier; scopes: readonly MandateScope[]; duration?: MandateDuration; branchId?: string; notifyEmail?: string },
    ): Promise<readonly ChainMandate[]> {
      const clientId = requireUuid(clientOrganisationId, 'organisation');
      if (!grant || typeof grant !== 'object') throw input.invalid('the chain mandate is required');
      const identifier = input.identifier(grant.intermediary);
      const notifyEmail = grant.notifyEmail === undefined || grant.notifyEmail === '' ? undefined : input.emailAddress(grant.notifyEmail);
      const endDate = endDateOf(ctx, grant.duration);
      // the client is authorised first, so an unknown intermediary tells nothing to outsiders
      await requireAdministrator(ctx, ctx.db, actor, clientId);
      const found = await ctx.db.selectFrom('organisations').select(['id', 'status']).where('identifier_type', '=', identifier.type).where('identifier', '=', identifier.value).executeTakeFirst();
      if (!found || found.status !== 'active') throw new MandateRuleError('not-found', 'no organisation with this identifier is registered', 'intermediary-not-found');
      if (found.id === clientId) throw new MandateRuleError('invalid', 'an organisation cannot be its own intermediary', 'same-organisation');
      return change(ctx, [clientId, found.id], async (trx, fx) => {
        const admin = await requireAdministrator(ctx, trx, actor, clientId);
        checkChainLevel(ctx, admin);
        const intermediary = await getOrganisationById(trx, found.id);
        if (intermediary.status !== 'active') throw new MandateRuleError('not-found', 'no organisation with this identifier is registered', 'intermediary-not-found');
        const branchId = await checkBranch(trx, clientId, grant.branchId);
        const scopes = await resolveScopes(trx, grant.scopes);
        for (const s of scopes) {
          if (s.service && !s.service.acceptsChain) throw new MandateRuleError('invalid', `${s.label} does not accept chain mandates`, 'service-not-chain');
          if (!rungAtLeast(admin.level, s.rung)) throw new MandateRuleError('invalid', `a chain mandate above your own level (${admin.level}) cannot be given`, 'level-above-own');
        }
        const today = ctx.calendar.today();
        const now = ctx.now();
        const grantedBy = actor.kind === 'person' ? actor.personId : null;
        const granted: ChainMandate[] = [];
        for (const s of scopes) {
          let q = trx.selectFrom('chain_mandates').selectAll().where('client_organisation_id', '=', clientId).where('intermediary_organisation_id', '=', intermediary.id).where('revoked_at', 'is', null);
          q = s.scope.kind === 'service' ? q.where('service_id', '=', s.scope.serviceId) : q.where('general_authority_rung', '=', s.scope.rung);
          const existing = await q.executeTakeFirst();
          const row = existing
            ? await trx
                .updateTable('chain_mandates')
                .set({ end_date: endDate, branch_id: branchId, granted_by: grantedBy, updated_at: now, ...(existing.end_date <= today ? { start_date: today } : {}) })
                .where('id', '=', existing.id)
                .returningAll()
                .executeTakeFirstOrThrow()
            : await trx
                .insertInto('chain_mandates')
                .values({
                  client_organisation_id: clientId,
                  intermediary_organisation_id: intermediary.id,
                  ...(s.scope.kind === 'service' ? { service_id: s.scope.serviceId } : { general_authority_rung: s.scope.rung }),
                  branch_id: branchId,
                  start_date: today,
                  end_date: endDate,
                  granted_by: grantedBy,
                })
                .returningAll()
                .executeTakeFirstOrThrow();
          fx.audit({
            actor: actorLabel(actor),
            action: 'chain-mandate.grant',
            subject: `organisation:${intermediary.id}`,
            ip: actor.ip ?? undefined,
            detail: { clientOrganisationId: clientId, intermediaryOrganisationId: intermediary.id, chainMandateId: row.id, endDate, scope: s.scope.kind === 'service' ? s.scope.serviceId : `general:${s.scope.rung}` },
          });
          granted.push(toChainMandate(ctx, row));
        }
        const client = await getOrganisationById(trx, clientId);
        for (const to of await intermediaryAddresses(trx, intermediary.id, notifyEmail)) fx.mail(email(to, notices.chain(client.name, scopes.map((s) => s.label).join(', '), endDate)));
        return granted;
      });
    },

    async setChainMandateEnd(actor: Actor, clientOrganisationId: string, chainMandateId: string, duration: MandateDuration): Promise<ChainMandate> {
      const clientId = requireUuid(clientOrganisationId, 'organisation');
      const endDate = endDateOf(ctx, duration);
      const intermediaryId = (await ctx.db.selectFrom('chain_mandates').select('intermediary_organisation_id').where('id', '=', requireUuid(chainMandateId, 'chain mandate')).executeTakeFirst())?.intermediary_organisation_id;
      return change(ctx, intermediaryId ? [clientId, intermediaryId] : [clientId], async (trx, fx) => {
        checkChainLevel(ctx, await requireAdministrator(ctx, trx, actor, clientId));
        const row = await chainOf(trx, clientId, chainMandateId);
        if (row.end_date <= ctx.calendar.today()) throw new MandateRuleError('conflict', 'this chain mandate has ended; grant it again', 'mandate-ended');
        const updated = await trx.updateTable('chain_mandates').set({ end_date: endDate, updated_at: ctx.now() }).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow();
        const client = await getOrganisationById(trx, clientId);
        fx.audit({ actor: actorLabel(actor), action: 'chain-mandate.end-date', subject: `organisation:${row.intermediary_organisation_id}`, ip: actor.ip ?? undefined, detail: { clientOrganisationId: clientId, chainMandateId: row.id, from: row.end_date, to: endDate } });
        for (const to of await intermediaryAddresses(trx, row.intermediary_organisation_id, undefined)) fx.mail(email(to, notices.chain(client.name, await scopeLabel(trx, row), endDate)));
        return toChainMandate(ctx, updated);
      });
    },

    async revokeChainMandate(actor: Actor, clientOrganisationId: string, chainMandateId: string): Promise<void> {
      const clientId = requireUuid(clientOrganisationId, 'organisation');
      await change(ctx, [clientId], async (trx, fx) => {
        await requireAdministrator(ctx, trx, actor, clientId);
        const row = await chainOf(trx, clientId, chainMandateId);
        await trx.updateTable('chain_mandates').set({ revoked_at: ctx.now(), updated_at: ctx.now() }).where('id', '=', row.id).execute();
        const client = await getOrganisationById(trx, clientId);
        fx.audit({ actor: actorLabel(actor), action: 'chain-mandate.revoke', subject: `organisation:${row.intermediary_organisation_id}`, ip: actor.ip ?? undefined, detail: { clientOrganisationId: clientId, chainMandateId: row.id } });
        for (const to of await intermediaryAddresses(trx, row.intermediary_organisation_id, undefined)) fx.mail(email(to, notices.chain(client.name, await scopeLabel(trx, row), null)));
      });
    },

    async removeIntermediary(actor: Actor, clientOrganisationId: string, intermediaryOrganisationId: string): Promise<number> {
      const clientId = requireUuid(clientOrganisationId, 'organisation');
      const intermediaryId = requireUuid(intermediaryOrganisationId, 'intermediary');
      return change(ctx, [clientId], async (trx, fx) => {
        await requireAdministrator(ctx, trx, actor, clientId);
        const r = await trx
          .updateTable('chain_mandates')
          .set({ revoked_at: ctx.now(), updated_at: ctx.now() })
          .where('client_organisation_id', '=', clientId)
          .where('intermediary_organisation_id', '=', intermediaryId)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        const n = Number(r.numUpdatedRows);
        if (n === 0) throw new MandateRuleError('not-found', 'this organisation is not an intermediary of yours', 'not-found');
        const client = await getOrganisationById(trx, clientId);
        fx.audit({ actor: actorLabel(actor), action: 'chain-mandate.remove-intermediary', subject: `organisation:${intermediaryId}`, ip: actor.ip ?? undefined, detail: { clientOrganisationId: clientId, revoked: n } });
        for (const to of await intermediaryAddresses(trx, intermediaryId, undefined)) fx.mail(email(to, notices.chain(client.name, 'all services / todos los servicios', null)));
        return n;
      });
    },

    async listChainMandatesGiven(actor: Actor, organisationId: string): Promise<readonly { intermediary: Organisation; chainMandates: readonly ChainMandate[] }[]> {
      await requireAdministrator(ctx, ctx.db, actor, organisationId);
      const rows = await validNow(ctx.db, 'client_organisation_id', organisationId.toLowerCase());
      const orgs = await loadOrganisations(ctx.db, rows.map((r) => r.intermediary_organisation_id));
      return grouped(rows, orgs, (r) => r.intermediary_organisation_id).map((g) => ({ intermediary: g.organisation, chainMandates: g.chainMandates }));
    },

    async listChainMandatesReceived(actor: Actor, organisationId: string): Promise<readonly { client: Organisation; chainMandates: readonly ChainMandate[] }[]> {
      await requireAdministrator(ctx, ctx.db, actor, organisationId);
      const rows = await validNow(ctx.db, 'intermediary_organisation_id', organisationId.toLowerCase());
      const orgs = await loadOrganisations(ctx.db, rows.map((r) => r.client_organisation_id));
      return grouped(rows, orgs, (r) => r.client_organisation_id).map((g) => ({ client: g.organisation, chainMandates: g.chainMandates }));
    },
  };
}
