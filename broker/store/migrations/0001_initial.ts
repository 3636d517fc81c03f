// First schema: persons, pairwise pseudonyms, login history and the audit log (design.md
// "Personal data": who, what, when and from which IP, purged after the retention period).
// Uniqueness lives in the database so concurrent registrations cannot both win.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('persons')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('document_type', 'text', (c) => c.check(sql`document_type in ('DNI', 'NIE')`))
    .addColumn('document_number', 'text', (c) => c.unique())
    .addColumn('document_date', 'date')
    .addColumn('support_number', 'text')
    .addColumn('eidas_person_identifier', 'text', (c) => c.unique())
    .addColumn('given_name', 'text', (c) => c.notNull())
    .addColumn('first_surname', 'text', (c) => c.notNull())
    .addColumn('second_surname', 'text')
    .addColumn('date_of_birth', 'date')
    // the phone is the exclusive second factor: one person per number (seed 000 §2.7.3)
    .addColumn('mobile', 'text', (c) => c.unique())
    .addColumn('email', 'text')
    .addColumn('registration_level', 'text', (c) => c.notNull().check(sql`registration_level in ('basic', 'advanced')`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active').check(sql`status in ('active', 'suspended', 'renounced')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // a person is known by a domestic document or by a foreign eIDAS identifier, never by neither
    .addCheckConstraint('persons_identified', sql`document_number is not null or eidas_person_identifier is not null`)
    .execute();

  await db.schema
    .createTable('pairwise_pseudonyms')
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('sp_entity_id', 'text', (c) => c.notNull())
    .addColumn('name_id', 'text', (c) => c.notNull())
    .addColumn('secret_version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('pairwise_pseudonyms_pk', ['person_id', 'sp_entity_id'])
    .addUniqueConstraint('pairwise_pseudonyms_sp_name_id', ['sp_entity_id', 'name_id'])
    .execute();

  await db.schema
    .createTable('login_history')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    // no foreign key: history outlives nothing it must not, and a purge never waits on persons
    .addColumn('person_id', 'uuid', (c) => c.notNull())
    .addColumn('sp_entity_id', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('loa', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('login_history_person_at').on('login_history').columns(['person_id', 'at']).execute();
  // the retention purge deletes by age alone
  await db.schema.createIndex('login_history_at').on('login_history').column('at').execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('detail', 'jsonb')
    .addColumn('ip', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['audit_log', 'login_history', 'pairwise_pseudonyms', 'persons']) await db.schema.dropTable(t).execute();
}
