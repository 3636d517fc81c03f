// Staff of the registration channels (issue 9): who holds which role (registrar at an office,
// interviewer and official of the video identification), granted and revoked by whom and when;
// what a registrar saw at the office counter for each registration or upgrade (the document
// shown, the nationality, whether a minor); and the guardianships recorded when a registrar
// registers a minor (seed 000 §2.7.2: the guardian's identity document and the proof of parental
// authority). A role is held at most once
// at a time (a partial unique index over the unrevoked rows, so two concurrent grants cannot both
// win); revoked rows are kept as the history of who could act when.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('staff_roles')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('registrar', 'interviewer', 'official')`))
    .addColumn('granted_by', 'text', (c) => c.notNull())
    .addColumn('granted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_by', 'text')
    .addColumn('revoked_at', 'timestamptz')
    .addCheckConstraint('staff_roles_revoked_by_whom', sql`(revoked_at is null) = (revoked_by is null)`)
    .execute();
  await db.schema.createIndex('staff_roles_one_active').on('staff_roles').columns(['person_id', 'role']).unique().where(sql.ref('revoked_at'), 'is', null).execute();

  await db.schema
    .createTable('office_registrations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('new', 'upgrade')`))
    .addColumn('document_type', 'text', (c) => c.notNull().check(sql`document_type in ('DNI', 'NIE')`))
    .addColumn('nationality', 'text', (c) => c.notNull().check(sql`nationality ~ '^[A-Z]{2}$'`))
    .addColumn('minor', 'boolean', (c) => c.notNull())
    .addColumn('registrar_id', 'uuid', (c) => c.references('persons.id').onDelete('set null'))
    .addColumn('registered_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('office_registrations_person').on('office_registrations').column('person_id').execute();

  await db.schema
    .createTable('guardianships')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('minor_person_id', 'uuid', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('guardian_document_kind', 'text', (c) => c.notNull().check(sql`guardian_document_kind in ('DNI', 'NIE', 'passport')`))
    .addColumn('guardian_document_number', 'text', (c) => c.notNull())
    .addColumn('guardian_given_name', 'text', (c) => c.notNull())
    .addColumn('guardian_first_surname', 'text', (c) => c.notNull())
    .addColumn('guardian_second_surname', 'text')
    .addColumn('relationship', 'text', (c) => c.notNull().check(sql`relationship in ('parent', 'legal-guardian')`))
    .addColumn('proof_kind', 'text', (c) => c.notNull().check(sql`proof_kind in ('family-book', 'civil-registry-certificate', 'court-order')`))
    .addColumn('proof_reference', 'text', (c) => c.notNull())
    // the registrar who saw both documents; kept when that person is later deleted
    .addColumn('recorded_by', 'uuid', (c) => c.references('persons.id').onDelete('set null'))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('guardianships_minor').on('guardianships').column('minor_person_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('guardianships').execute();
  await db.schema.dropTable('office_registrations').execute();
  await db.schema.dropTable('staff_roles').execute();
}
