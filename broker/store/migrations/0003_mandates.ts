// Organisations, their members, the service catalogue, mandates and chain mandates (issue 7,
// seed 004). Dates that the seed shows as days (mandate start and end, a member's planned end)
// are `date` columns interpreted in mandates.timeZone; an end date is the first day a mandate
// no longer holds ("ends on"), so "end tomorrow" still allows today's logins.
//
// The rules that span rows (at least one administrator, level caps, bulk atomicity) live in
// broker/mandates/ and run inside transactions that lock the organisation row; the constraints
// here are the ones a single row can state, so no code path can store an impossible row.
import { sql, type Kysely } from 'kysely';

const RUNG = sql`('1', '2', '2+', '3', '4')`;
const LEVEL = sql`('2', '2+', '3', '4')`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('organisations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('identifier_type', 'text', (c) => c.notNull().check(sql`identifier_type in ('kvk', 'rsin', 'nif', 'vat', 'lei', 'eidas')`))
    .addColumn('identifier', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('rsin', 'text')
    .addColumn('street', 'text')
    .addColumn('postcode', 'text')
    .addColumn('city', 'text')
    .addColumn('country', 'text')
    .addColumn('phone', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active').check(sql`status in ('active', 'ended')`))
    .addColumn('ended_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('organisations_identifier_unique', ['identifier_type', 'identifier'])
    .addCheckConstraint('organisations_ended_has_time', sql`(status = 'ended') = (ended_at is not null)`)
    .execute();

  await db.schema
    .createTable('organisation_branches')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('branch_number', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('street', 'text')
    .addColumn('postcode', 'text')
    .addColumn('city', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('organisation_branches_number_unique', ['organisation_id', 'branch_number'])
    .execute();

  await db.schema
    .createTable('services')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('service_id', 'text', (c) => c.notNull().unique())
    .addColumn('service_uuid', 'uuid', (c) => c.notNull().unique())
    .addColumn('sp_entity_id', 'text', (c) => c.notNull())
    .addColumn('acs_index', 'integer')
    .addColumn('is_default', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('name_nl', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('name_es', 'text', (c) => c.notNull())
    .addColumn('min_rung', 'text', (c) => c.notNull().check(sql`min_rung in ${RUNG}`))
    .addColumn('representation', 'text', (c) => c.notNull().defaultTo('optional').check(sql`representation in ('none', 'optional', 'required')`))
    .addColumn('accepts_chain', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('services_chain_needs_representation', sql`not accepts_chain or representation <> 'none'`)
    .execute();
  await db.schema.createIndex('services_sp_index_unique').on('services').columns(['sp_entity_id', 'acs_index']).unique().where(sql.ref('acs_index'), 'is not', null).execute();
  await db.schema.createIndex('services_sp_default_unique').on('services').column('sp_entity_id').unique().where(sql.ref('is_default'), '=', true).execute();

  await db.schema
    .createTable('members')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    // bound when the member activates (or at once by the seed); null before
    .addColumn('person_id', 'uuid', (c) => c.references('persons.id').onDelete('restrict'))
    .addColumn('subject_kind', 'text', (c) => c.notNull().check(sql`subject_kind in ('registry', 'eidas', 'invitation')`))
    .addColumn('document_type', 'text', (c) => c.check(sql`document_type in ('DNI', 'NIE')`))
    .addColumn('document_number', 'text')
    .addColumn('eidas_person_identifier', 'text')
    .addColumn('invitation_email', 'text')
    .addColumn('given_name', 'text', (c) => c.notNull())
    .addColumn('surname', 'text', (c) => c.notNull())
    .addColumn('date_of_birth', 'date')
    .addColumn('id_document_type', 'text')
    .addColumn('id_document_number', 'text')
    .addColumn('id_document_expiry', 'date')
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('administrator', 'user')`))
    .addColumn('level', 'text', (c) => c.notNull().check(sql`level in ${LEVEL}`))
    // contact details of the membership, for notifications: never the person's own mobile or
    // e-mail that codes are sent to (an administrator cannot redirect someone's second factor)
    .addColumn('contact_mobile', 'text')
    .addColumn('contact_email', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('awaiting_approval', 'awaiting_activation', 'active', 'activation_expired', 'rejected', 'ended')`),
    )
    .addColumn('requested_by', 'uuid')
    .addColumn('approved_at', 'timestamptz')
    .addColumn('activation_deadline', 'timestamptz')
    .addColumn('activation_token_hash', 'text')
    .addColumn('activated_at', 'timestamptz')
    .addColumn('rejected_at', 'timestamptz')
    .addColumn('rejection_reason', 'text')
    .addColumn('period_end', 'date')
    .addColumn('end_date', 'date')
    .addColumn('ended_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'members_subject_complete',
      sql`(subject_kind = 'registry' and document_type is not null and document_number is not null)
        or (subject_kind = 'eidas' and eidas_person_identifier is not null)
        or (subject_kind = 'invitation' and invitation_email is not null)`,
    )
    .addCheckConstraint('members_active_is_bound', sql`status <> 'active' or (person_id is not null and activated_at is not null)`)
    .addCheckConstraint('members_rejected_has_reason', sql`status <> 'rejected' or rejection_reason is not null`)
    .addCheckConstraint('members_ended_has_time', sql`(status = 'ended') = (ended_at is not null)`)
    .execute();
  // one open membership per person and organisation; rejected and ended ones may be requested again
  await db.schema
    .createIndex('members_open_person_unique')
    .on('members')
    .columns(['organisation_id', 'person_id'])
    .unique()
    .where(sql<boolean>`person_id is not null and status not in ('rejected', 'ended')`)
    .execute();
  await db.schema
    .createIndex('members_open_document_unique')
    .on('members')
    .columns(['organisation_id', 'document_number'])
    .unique()
    .where(sql<boolean>`document_number is not null and status not in ('rejected', 'ended')`)
    .execute();
  await db.schema.createIndex('members_person').on('members').column('person_id').execute();
  await db.schema.createIndex('members_activation_token').on('members').column('activation_token_hash').unique().where(sql.ref('activation_token_hash'), 'is not', null).execute();

  await db.schema
    .createTable('member_documents')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('byte_size', 'integer', (c) => c.notNull().check(sql`byte_size > 0`))
    // AES-256-GCM under keys.credentialSecrets (broker/identity/secret-box.ts), base64 inside
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'uuid')
    .addColumn('delete_after', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('member_documents_member').on('member_documents').column('member_id').execute();
  await db.schema.createIndex('member_documents_delete_after').on('member_documents').column('delete_after').where(sql.ref('delete_after'), 'is not', null).execute();

  await db.schema
    .createTable('mandates')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('service_id', 'uuid', (c) => c.references('services.id').onDelete('cascade'))
    // general authority: every service up to this rung, services added later included
    .addColumn('general_authority_rung', 'text', (c) => c.check(sql`general_authority_rung in ${RUNG}`))
    .addColumn('branch_id', 'uuid', (c) => c.references('organisation_branches.id').onDelete('cascade'))
    .addColumn('start_date', 'date', (c) => c.notNull())
    .addColumn('end_date', 'date', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('granted_by', 'uuid')
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('mandates_one_scope', sql`(service_id is null) <> (general_authority_rung is null)`)
    .addCheckConstraint('mandates_end_after_start', sql`end_date > start_date`)
    .execute();
  await db.schema.createIndex('mandates_open_service_unique').on('mandates').columns(['member_id', 'service_id']).unique().where(sql<boolean>`revoked_at is null and service_id is not null`).execute();
  await db.schema
    .createIndex('mandates_open_general_unique')
    .on('mandates')
    .columns(['member_id', 'general_authority_rung'])
    .unique()
    .where(sql<boolean>`revoked_at is null and general_authority_rung is not null`)
    .execute();
  await db.schema.createIndex('mandates_organisation').on('mandates').columns(['organisation_id', 'service_id']).execute();

  await db.schema
    .createTable('chain_mandates')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('client_organisation_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('intermediary_organisation_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('service_id', 'uuid', (c) => c.references('services.id').onDelete('cascade'))
    .addColumn('general_authority_rung', 'text', (c) => c.check(sql`general_authority_rung in ${RUNG}`))
    // a branch of the client the intermediary acts for
    .addColumn('branch_id', 'uuid', (c) => c.references('organisation_branches.id').onDelete('cascade'))
    .addColumn('start_date', 'date', (c) => c.notNull())
    .addColumn('end_date', 'date', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('granted_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('chain_mandates_two_parties', sql`client_organisation_id <> intermediary_organisation_id`)
    .addCheckConstraint('chain_mandates_one_scope', sql`(service_id is null) <> (general_authority_rung is null)`)
    .addCheckConstraint('chain_mandates_end_after_start', sql`end_date > start_date`)
    .execute();
  await db.schema
    .createIndex('chain_mandates_open_service_unique')
    .on('chain_mandates')
    .columns(['client_organisation_id', 'intermediary_organisation_id', 'service_id'])
    .unique()
    .where(sql<boolean>`revoked_at is null and service_id is not null`)
    .execute();
  await db.schema
    .createIndex('chain_mandates_open_general_unique')
    .on('chain_mandates')
    .columns(['client_organisation_id', 'intermediary_organisation_id', 'general_authority_rung'])
    .unique()
    .where(sql<boolean>`revoked_at is null and general_authority_rung is not null`)
    .execute();
  await db.schema.createIndex('chain_mandates_intermediary').on('chain_mandates').column('intermediary_organisation_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['chain_mandates', 'mandates', 'member_documents', 'members', 'services', 'organisation_branches', 'organisations']) {
    await db.schema.dropTable(t).execute();
  }
}
