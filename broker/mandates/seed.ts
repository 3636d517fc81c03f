// Demo organisations (config/demo-organisations.json, `mandates.seedFile`): services of the
// catalogue, organisations with their members, mandates and chain mandates, added at start when
// absent. Seeded members are active at once and bound to registry persons: the seed stands for
// requests an operator already approved and members who already activated, which is what a demo
// needs; production has no seed file. Everything is added in one transaction, so a broken seed
// leaves nothing half-written, under a transaction-scoped advisory lock, so nodes of one deployment
// starting together seed one after the other (the later ones find everything present) instead of
// failing on each other's unique keys.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DbSchema } from '../store/schema.js';
import { LOA_RUNGS } from '../loa.js';
import { describeIssues, SeedFileError } from '../identity/seed.js';
import { normaliseDocument } from '../identity/documents.js';
import { normaliseIdentifier } from './identifiers.js';
import { addYears, type Day } from './dates.js';
import { MEMBER_LEVELS } from './model.js';

const SEED_LOCK = 0x7061_736d_6e64; // 'pasmnd'

const identifierSchema = z.strictObject({ type: z.string(), value: z.string() });

const seedSchema = z.strictObject({
  services: z.array(
    z.strictObject({
      serviceId: z.string().min(1),
      serviceUuid: z.uuid(),
      spEntityID: z.string().min(1),
      acsIndex: z.number().int().min(0).max(65535).nullable(),
      isDefault: z.boolean(),
      names: z.strictObject({ nl: z.string().min(1), en: z.string().min(1), es: z.string().min(1) }),
      minRung: z.enum(LOA_RUNGS),
      representation: z.enum(['none', 'optional', 'required']),
      acceptsChain: z.boolean(),
    }),
  ),
  organisations: z.array(
    z.strictObject({
      identifier: identifierSchema,
      name: z.string().min(1),
      address: z.strictObject({ street: z.string(), postcode: z.string(), city: z.string(), country: z.string().length(2) }).optional(),
      members: z.array(
        z.strictObject({
          documentNumber: z.string().min(1),
          role: z.enum(['administrator', 'user']),
          level: z.enum(MEMBER_LEVELS as [string, ...string[]]),
          contactEmail: z.email(),
          contactMobile: z.string().optional(),
        }),
      ),
    }),
  ),
  mandates: z.array(z.strictObject({ organisation: identifierSchema, member: z.string().min(1), service: z.string().min(1) })),
  chainMandates: z.array(z.strictObject({ client: identifierSchema, intermediary: identifierSchema, service: z.string().min(1) })),
});

export type MandatesSeed = z.infer<typeof seedSchema>;

export function loadMandatesSeedFile(file: string): MandatesSeed {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SeedFileError(`mandates seed file ${file}: ${(err as Error).message}`);
  }
  const result = seedSchema.safeParse(raw);
  if (!result.success) throw new SeedFileError(`mandates seed file ${file} is not valid:\n${describeIssues(result.error)}`);
  return result.data;
}

export interface SeedCounts {
  services: number;
  organisations: number;
  members: number;
  mandates: number;
  chainMandates: number;
}

interface SeedContext {
  readonly trx: Transaction<DbSchema>;
  readonly today: Day;
  readonly endDate: Day;
  readonly now: Date;
}

async function serviceIdOf(trx: Transaction<DbSchema>, serviceId: string): Promise<string> {
  const row = await trx.selectFrom('services').select('id').where('service_id', '=', serviceId).executeTakeFirst();
  if (!row) throw new SeedFileError(`mandates seed: unknown service ${serviceId}`);
  return row.id;
}

async function organisationIdOf(trx: Transaction<DbSchema>, raw: { type: string; value: string }): Promise<string> {
  const id = normaliseIdentifier(raw);
  const row = await trx.selectFrom('organisations').select('id').where('identifier_type', '=', id.type).where('identifier', '=', id.value).executeTakeFirst();
  if (!row) throw new SeedFileError(`mandates seed: unknown organisation ${id.type} ${id.value}`);
  return row.id;
}

async function personIdOf(trx: Transaction<DbSchema>, documentNumber: string): Promise<string> {
  const row = await trx.selectFrom('persons').select('id').where('document_number', '=', normaliseDocument(documentNumber)).executeTakeFirst();
  if (!row) throw new SeedFileError(`mandates seed: no registry person with document ${documentNumber} (add them to the persons seed first)`);
  return row.id;
}

async function seedServices(ctx: SeedContext, seed: MandatesSeed): Promise<number> {
  let added = 0;
  for (const s of seed.services) {
    const exists = await ctx.trx.selectFrom('services').select('id').where('service_id', '=', s.serviceId).executeTakeFirst();
    if (exists) continue;
    await ctx.trx
      .insertInto('services')
      .values({
        service_id: s.serviceId,
        service_uuid: s.serviceUuid,
        sp_entity_id: s.spEntityID,
        acs_index: s.acsIndex,
        is_default: s.isDefault,
        name_nl: s.names.nl,
        name_en: s.names.en,
        name_es: s.names.es,
        min_rung: s.minRung,
        representation: s.representation,
        accepts_chain: s.acceptsChain,
      })
      .execute();
    added++;
  }
  return added;
}

async function seedOrganisations(ctx: SeedContext, seed: MandatesSeed): Promise<{ organisations: number; members: number }> {
  let organisations = 0;
  let members = 0;
  for (const o of seed.organisations) {
    const identifier = normaliseIdentifier(o.identifier);
    let org = await ctx.trx.selectFrom('organisations').select('id').where('identifier_type', '=', identifier.type).where('identifier', '=', identifier.value).executeTakeFirst();
    if (!org) {
      org = await ctx.trx
        .insertInto('organisations')
        .values({ identifier_type: identifier.type, identifier: identifier.value, name: o.name, street: o.address?.street ?? null, postcode: o.address?.postcode ?? null, city: o.address?.city ?? null, country: o.address?.country ?? null, rsin: null, phone: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      organisations++;
    }
    for (const m of o.members) {
      const personId = await personIdOf(ctx.trx, m.documentNumber);
      const open = await ctx.trx.selectFrom('members').select('id').where('organisation_id', '=', org.id).where('person_id', '=', personId).where('status', 'not in', ['rejected', 'ended']).executeTakeFirst();
      if (open) continue;
      const person = await ctx.trx.selectFrom('persons').select(['document_type', 'document_number', 'given_name', 'first_surname', 'second_surname', 'date_of_birth']).where('id', '=', personId).executeTakeFirstOrThrow();
      await ctx.trx
        .insertInto('members')
        .values({
          organisation_id: org.id,
          person_id: personId,
          subject_kind: 'registry',
          document_type: person.document_type,
          document_number: person.document_number,
          eidas_person_identifier: null,
          invitation_email: null,
          given_name: person.given_name,
          surname: person.second_surname ? `${person.first_surname} ${person.second_surname}` : person.first_surname,
          date_of_birth: person.date_of_birth,
          id_document_type: null,
          id_document_number: null,
          id_document_expiry: null,
          role: m.role,
          level: m.level as (typeof MEMBER_LEVELS)[number],
          contact_mobile: m.contactMobile ?? null,
          contact_email: m.contactEmail,
          status: 'active',
          requested_by: null,
          approved_at: ctx.now,
          activation_deadline: null,
          activation_token_hash: null,
          activated_at: ctx.now,
          rejected_at: null,
          rejection_reason: null,
          period_end: null,
          end_date: null,
          ended_at: null,
        })
        .execute();
      members++;
    }
  }
  return { organisations, members };
}

async function seedMandateRows(ctx: SeedContext, seed: MandatesSeed): Promise<number> {
  let added = 0;
  for (const m of seed.mandates) {
    const organisationId = await organisationIdOf(ctx.trx, m.organisation);
    const personId = await personIdOf(ctx.trx, m.member);
    const serviceId = await serviceIdOf(ctx.trx, m.service);
    const member = await ctx.trx.selectFrom('members').select('id').where('organisation_id', '=', organisationId).where('person_id', '=', personId).where('status', '=', 'active').executeTakeFirst();
    if (!member) throw new SeedFileError(`mandates seed: ${m.member} is not an active member of ${m.organisation.type} ${m.organisation.value}`);
    const open = await ctx.trx.selectFrom('mandates').select('id').where('member_id', '=', member.id).where('service_id', '=', serviceId).where('revoked_at', 'is', null).executeTakeFirst();
    if (open) continue;
    await ctx.trx
      .insertInto('mandates')
      .values({ organisation_id: organisationId, member_id: member.id, service_id: serviceId, general_authority_rung: null, branch_id: null, start_date: ctx.today, end_date: ctx.endDate, revoked_at: null, granted_by: null, last_used_at: null })
      .execute();
    added++;
  }
  return added;
}

async function seedChainMandates(ctx: SeedContext, seed: MandatesSeed): Promise<number> {
  let added = 0;
  for (const c of seed.chainMandates) {
    const client = await organisationIdOf(ctx.trx, c.client);
    const intermediary = await organisationIdOf(ctx.trx, c.intermediary);
    const serviceId = await serviceIdOf(ctx.trx, c.service);
    const open = await ctx.trx
      .selectFrom('chain_mandates')
      .select('id')
      .where('client_organisation_id', '=', client)
      .where('intermediary_organisation_id', '=', intermediary)
      .where('service_id', '=', serviceId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (open) continue;
    await ctx.trx
      .insertInto('chain_mandates')
      .values({ client_organisation_id: client, intermediary_organisation_id: intermediary, service_id: serviceId, general_authority_rung: null, branch_id: null, start_date: ctx.today, end_date: ctx.endDate, revoked_at: null, granted_by: null })
      .execute();
    added++;
  }
  return added;
}

/** Adds what is absent; mandates and chain mandates run from today for `years`. */
export async function seedMandates(db: Kysely<DbSchema>, seed: MandatesSeed, opts: { today: Day; years: number; now: Date }): Promise<SeedCounts> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${SEED_LOCK})`.execute(trx);
    const ctx: SeedContext = { trx, today: opts.today, endDate: addYears(opts.today, opts.years), now: opts.now };
    const services = await seedServices(ctx, seed);
    const { organisations, members } = await seedOrganisations(ctx, seed);
    const mandates = await seedMandateRows(ctx, seed);
    const chainMandates = await seedChainMandates(ctx, seed);
    return { services, organisations, members, mandates, chainMandates };
  });
}
