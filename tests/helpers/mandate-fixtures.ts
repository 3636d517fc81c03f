// Rows of migration 0003 written directly with Kysely, for the tests of what the login reads
// (representations, attributes): organisations with branches, members bound to registry persons,
// services of the catalogue, mandates and chain mandates, with dates relative to the broker's
// today in mandates.timeZone. The registry's own rules are tested against the registry; these
// builders make any state, including ones the registry would refuse to create today (expired).
import { randomInt, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DbSchema } from '../../broker/store/schema.js';
import type { LoaRung } from '../../broker/loa.js';
import type { MemberLevel, OrganisationIdentifierType, Representation } from '../../broker/mandates/model.js';
import { addDays, dayOf } from '../../broker/mandates/dates.js';
import type { TestBroker } from './test-broker.js';

export interface FixtureOrganisation {
  readonly id: string;
  readonly identifierType: OrganisationIdentifierType;
  readonly identifier: string;
  readonly name: string;
  readonly branches: readonly { readonly id: string; readonly branchNumber: string; readonly name: string }[];
}

export interface FixtureService {
  readonly id: string;
  readonly serviceId: string;
  readonly serviceUuid: string;
  readonly acsIndex: number | null;
}

/** A day `offset` days from the broker's today in mandates.timeZone (yyyy-mm-dd). */
export function day(b: TestBroker, offset = 0): string {
  return addDays(dayOf(b.clock.now(), b.broker.services.config.mandates.timeZone), offset);
}

/** A KvK number nobody else in the run has (8 digits). */
export function newKvK(): string {
  return String(randomInt(10_000_000, 99_999_999));
}

export function mandateFixtures(b: TestBroker) {
  const db: Kysely<DbSchema> = b.broker.services.db;
  return {
    async organisation(opts: { name: string; type?: OrganisationIdentifierType; identifier?: string; status?: 'active' | 'ended'; country?: string; branches?: { branchNumber: string; name: string }[] }): Promise<FixtureOrganisation> {
      const type = opts.type ?? 'kvk';
      const identifier = opts.identifier ?? newKvK();
      const status = opts.status ?? 'active';
      const { id } = await db
        .insertInto('organisations')
        .values({ identifier_type: type, identifier, name: opts.name, rsin: null, street: null, postcode: null, city: null, country: opts.country ?? null, phone: null, status, ended_at: status === 'ended' ? b.clock.now() : null })
        .returning('id')
        .executeTakeFirstOrThrow();
      const branches = [];
      for (const br of opts.branches ?? []) {
        const row = await db.insertInto('organisation_branches').values({ organisation_id: id, branch_number: br.branchNumber, name: br.name, street: null, postcode: null, city: null }).returning('id').executeTakeFirstOrThrow();
        branches.push({ id: row.id, ...br });
      }
      return { id, identifierType: type, identifier, name: opts.name, branches };
    },

    /** A membership of a registry person (by DNI/NIE, or a foreign person by eIDAS PersonIdentifier); active (and activated) unless told otherwise. */
    async member(opts: { organisationId: string; personId: string; document?: string; eidasPersonIdentifier?: string; level?: MemberLevel; role?: 'administrator' | 'user'; status?: 'active' | 'ended' | 'awaiting_activation'; endDate?: string }): Promise<string> {
      const eidas = opts.eidasPersonIdentifier ?? null;
      const document = opts.document ?? null;
      if (!eidas && !document) throw new TypeError('a member needs a document or an eIDAS PersonIdentifier');
      const status = opts.status ?? 'active';
      const { id } = await db
        .insertInto('members')
        .values({
          organisation_id: opts.organisationId,
          person_id: status === 'awaiting_activation' ? null : opts.personId,
          subject_kind: eidas ? 'eidas' : 'registry',
          document_type: document === null ? null : /^[XYZ]/.test(document) ? 'NIE' : 'DNI',
          document_number: document,
          eidas_person_identifier: eidas,
          invitation_email: null,
          given_name: 'Test',
          surname: 'Member',
          date_of_birth: null,
          id_document_type: null,
          id_document_number: null,
          id_document_expiry: null,
          role: opts.role ?? 'user',
          level: opts.level ?? '3',
          contact_mobile: null,
          contact_email: 'member@example.test',
          status,
          requested_by: null,
          approved_at: b.clock.now(),
          activation_deadline: null,
          activation_token_hash: null,
          activated_at: status === 'awaiting_activation' ? null : b.clock.now(),
          rejected_at: null,
          rejection_reason: null,
          period_end: null,
          end_date: opts.endDate ?? null,
          ended_at: status === 'ended' ? b.clock.now() : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return id;
    },

    async service(opts: { spEntityID: string; acsIndex?: number | null; isDefault?: boolean; minRung?: LoaRung; representation?: Representation; acceptsChain?: boolean; name?: string }): Promise<FixtureService> {
      const serviceUuid = randomUUID();
      const serviceId = `urn:etoegang:DV:00000001234567890000:services:${serviceUuid.slice(0, 8)}`;
      const name = opts.name ?? `Service ${serviceUuid.slice(0, 4)}`;
      const { id } = await db
        .insertInto('services')
        .values({
          service_id: serviceId,
          service_uuid: serviceUuid,
          sp_entity_id: opts.spEntityID,
          acs_index: opts.acsIndex ?? null,
          is_default: opts.isDefault ?? false,
          name_nl: `${name} (nl)`,
          name_en: `${name} (en)`,
          name_es: `${name} (es)`,
          min_rung: opts.minRung ?? '2',
          representation: opts.representation ?? 'optional',
          accepts_chain: opts.acceptsChain ?? false,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { id, serviceId, serviceUuid, acsIndex: opts.acsIndex ?? null };
    },

    /** A mandate for one service or a general authority up to a rung, open from `start` to `end` (days from today; defaults -1 and +365). */
    async mandate(opts: { organisationId: string; memberId: string; serviceId?: string; generalRung?: LoaRung; branchId?: string; start?: number; end?: number; revoked?: boolean }): Promise<string> {
      const { id } = await db
        .insertInto('mandates')
        .values({
          organisation_id: opts.organisationId,
          member_id: opts.memberId,
          service_id: opts.serviceId ?? null,
          general_authority_rung: opts.generalRung ?? null,
          branch_id: opts.branchId ?? null,
          start_date: day(b, opts.start ?? -1),
          end_date: day(b, opts.end ?? 365),
          revoked_at: opts.revoked ? b.clock.now() : null,
          granted_by: null,
          last_used_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return id;
    },

    async chainMandate(opts: { clientId: string; intermediaryId: string; serviceId?: string; generalRung?: LoaRung; branchId?: string; start?: number; end?: number; revoked?: boolean }): Promise<string> {
      const { id } = await db
        .insertInto('chain_mandates')
        .values({
          client_organisation_id: opts.clientId,
          intermediary_organisation_id: opts.intermediaryId,
          service_id: opts.serviceId ?? null,
          general_authority_rung: opts.generalRung ?? null,
          branch_id: opts.branchId ?? null,
          start_date: day(b, opts.start ?? -1),
          end_date: day(b, opts.end ?? 365),
          revoked_at: opts.revoked ? b.clock.now() : null,
          granted_by: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return id;
    },

    async revokeMandate(id: string): Promise<void> {
      await db.updateTable('mandates').set({ revoked_at: b.clock.now() }).where('id', '=', id).execute();
    },

    async lastUsedAt(mandateId: string): Promise<Date | null> {
      return (await db.selectFrom('mandates').select('last_used_at').where('id', '=', mandateId).executeTakeFirstOrThrow()).last_used_at;
    },

    /** Every organisation, member, mandate and chain mandate (not the services): a clean slate per test. */
    async clear(): Promise<void> {
      await db.deleteFrom('chain_mandates').execute();
      await db.deleteFrom('mandates').execute();
      await db.deleteFrom('members').execute();
      await db.deleteFrom('organisations').execute();
    },
  };
}

export type MandateFixtures = ReturnType<typeof mandateFixtures>;
