// The local register of organisations and the service catalogue (issue 7: no lookups in real
// company registers; organisations come from seeded JSON and the operator API).
import type { Ctx } from './context.js';
import { actorLabel, change, isUuid, requireUuid } from './context.js';
import { issueActivation } from './activation.js';
import { requireAdministrator, requireOperator, organisationNotFound } from './authorise.js';
import * as input from './input.js';
import { MandateRuleError, type Actor, type Address, type Branch, type Member, type NewMember, type NewService, type Organisation, type OrganisationIdentifier, type OrganisationInput, type Service } from './model.js';
import { loadOrganisations, toBranch, toMember, toService } from './rows.js';

function uniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === '23505';
}

export async function getOrganisationById(db: Ctx['db'], id: string): Promise<Organisation> {
  const org = (await loadOrganisations(db, [id])).get(id);
  if (!org) throw organisationNotFound();
  return org;
}

export function createOrganisations(ctx: Ctx) {
  async function insertBranch(db: Ctx['db'], organisationId: string, b: { branchNumber: string; name: string; address?: Address }): Promise<Branch> {
    const a = input.address(b?.address);
    const row = await db
      .insertInto('organisation_branches')
      .values({ organisation_id: organisationId, branch_number: input.branchNumber(b?.branchNumber), name: input.text(b?.name, 'the branch name'), street: a?.street ?? null, postcode: a?.postcode ?? null, city: a?.city ?? null })
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch((err: unknown) => {
        if (uniqueViolation(err)) throw new MandateRuleError('conflict', 'this organisation already has a branch with that number', 'branch-exists');
        throw err;
      });
    return toBranch(row);
  }

  return {
    async createOrganisation(actor: Actor, org: OrganisationInput & { readonly firstAdministrator?: NewMember }): Promise<{ organisation: Organisation; administrator: Member | null }> {
      requireOperator(actor);
      if (!org || typeof org !== 'object') throw input.invalid('the organisation is required');
      const identifier = input.identifier(org.identifier);
      const name = input.text(org.name, 'the name');
      const address = input.address(org.address);
      const first = org.firstAdministrator ? input.newMember(org.firstAdministrator, ctx.calendar.today()) : null;
      if (first && first.role !== 'administrator') throw input.invalid('the first member of an organisation is its administrator', 'first-member-administrator');
      return change(ctx, [], async (trx, fx) => {
        const row = await trx
          .insertInto('organisations')
          .values({
            identifier_type: identifier.type,
            identifier: identifier.value,
            name,
            rsin: org.rsin === undefined ? null : input.rsin(org.rsin),
            street: address?.street ?? null,
            postcode: address?.postcode ?? null,
            city: address?.city ?? null,
            country: address?.country ?? null,
            phone: input.optionalText(org.phone, 'the phone number', 40),
          })
          .returning('id')
          .executeTakeFirstOrThrow()
          .catch((err: unknown) => {
            if (uniqueViolation(err)) throw new MandateRuleError('conflict', 'an organisation with this identifier is already registered', 'organisation-exists');
            throw err;
          });
        if (org.branches !== undefined && !Array.isArray(org.branches)) throw input.invalid('the branches are a list');
        for (const b of org.branches ?? []) await insertBranch(trx, row.id, b);
        fx.audit({ actor: actorLabel(actor), action: 'organisation.create', subject: `organisation:${row.id}`, ip: actor.ip ?? undefined, detail: { identifierType: identifier.type, identifier: identifier.value } });
        let administrator: Member | null = null;
        if (first) {
          // created by the operator, so already approved: the administrator only has to activate
          const member = await trx
            .insertInto('members')
            .values({ ...first, organisation_id: row.id, status: 'awaiting_activation', approved_at: ctx.now(), ...issueActivation(ctx, fx, first.contact_email, name) })
            .returningAll()
            .executeTakeFirstOrThrow();
          fx.audit({ actor: actorLabel(actor), action: 'member.approve', subject: `member:${member.id}`, ip: actor.ip ?? undefined, detail: { organisationId: row.id, memberId: member.id, role: member.role, level: member.level } });
          administrator = toMember(ctx, member);
        }
        return { organisation: await getOrganisationById(trx, row.id), administrator };
      });
    },

    async addBranch(actor: Actor, organisationId: string, branch: { branchNumber: string; name: string; address?: Address }): Promise<Branch> {
      requireOperator(actor);
      const id = requireUuid(organisationId, 'organisation');
      return change(ctx, [id], async (trx, fx) => {
        await getOrganisationById(trx, id);
        const b = await insertBranch(trx, id, branch);
        fx.audit({ actor: actorLabel(actor), action: 'organisation.branch.add', subject: `organisation:${id}`, ip: actor.ip ?? undefined, detail: { branchNumber: b.branchNumber } });
        return b;
      });
    },

    async putService(actor: Actor, s: NewService): Promise<Service> {
      requireOperator(actor);
      if (!s || typeof s !== 'object') throw input.invalid('the service is required');
      const names = s.names ?? ({} as NewService['names']);
      if (!isUuid(s.serviceUuid)) throw input.invalid('the ServiceUUID must be a UUID');
      if (s.acsIndex !== null && s.acsIndex !== undefined && (!Number.isInteger(s.acsIndex) || s.acsIndex < 0)) throw input.invalid('the AttributeConsumingServiceIndex is a whole number ≥ 0');
      const representation = s.representation ?? 'optional';
      if (!['none', 'optional', 'required'].includes(representation)) throw input.invalid('representation is none, optional or required');
      if (s.acceptsChain && representation === 'none') throw input.invalid('a service without representation cannot accept chain mandates');
      const values = {
        service_id: input.text(s.serviceId, 'the ServiceID', 300),
        service_uuid: s.serviceUuid.toLowerCase(),
        sp_entity_id: input.text(s.spEntityID, 'the SP entityID', 1024),
        acs_index: s.acsIndex ?? null,
        is_default: s.isDefault === true,
        name_nl: input.text(names.nl, 'the Dutch name'),
        name_en: input.text(names.en, 'the English name'),
        name_es: input.text(names.es, 'the Spanish name'),
        min_rung: input.rung(s.minRung),
        representation,
        accepts_chain: s.acceptsChain === true,
      };
      return change(ctx, [], async (trx, fx) => {
        const row = await trx
          .insertInto('services')
          .values(values)
          .onConflict((oc) => oc.column('service_id').doUpdateSet({ ...values, updated_at: ctx.now() }))
          .returningAll()
          .executeTakeFirstOrThrow()
          .catch((err: unknown) => {
            if (uniqueViolation(err)) throw new MandateRuleError('conflict', 'another service already has this ServiceUUID, index or default for the SP', 'service-exists');
            throw err;
          });
        fx.audit({ actor: actorLabel(actor), action: 'service.put', subject: `service:${row.id}`, ip: actor.ip ?? undefined, detail: { serviceId: row.service_id, minRung: row.min_rung } });
        return toService(row);
      });
    },

    async listServices(): Promise<readonly Service[]> {
      const rows = await ctx.db.selectFrom('services').selectAll().orderBy('service_id').execute();
      return rows.map(toService);
    },

    async findOrganisation(identifier: OrganisationIdentifier): Promise<Organisation | null> {
      const id = input.identifier(identifier);
      const row = await ctx.db.selectFrom('organisations').select('id').where('identifier_type', '=', id.type).where('identifier', '=', id.value).executeTakeFirst();
      return row ? getOrganisationById(ctx.db, row.id) : null;
    },

    async getOrganisation(actor: Actor, organisationId: string): Promise<Organisation> {
      await requireAdministrator(ctx, ctx.db, actor, organisationId);
      return getOrganisationById(ctx.db, organisationId.toLowerCase());
    },
  };
}
