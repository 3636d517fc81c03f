// Video identification (issue 9, seed 002): a person's request for an interview, the slot the
// office proposes, the identity document copies they upload (sealed, deleted after the
// decision's retention), the interviewer's checks and decision, and the activation that follows.
// Secrets (security code, appointment and activation link tokens, activation code) are kept only
// as hashes. A request keeps its personal data only until its delete_after (retention purge).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('video_requests')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('state', 'text', (c) =>
      c.notNull().defaultTo('requested').check(sql`state in ('requested', 'proposed', 'accepted', 'more-asked', 'approved', 'refused', 'cancelled', 'lapsed', 'activated')`),
    )
    .addColumn('given_name', 'text', (c) => c.notNull())
    .addColumn('first_surname', 'text', (c) => c.notNull())
    .addColumn('second_surname', 'text')
    .addColumn('date_of_birth', 'text', (c) => c.notNull())
    .addColumn('country_of_birth', 'text', (c) => c.notNull())
    .addColumn('place_of_birth', 'text', (c) => c.notNull())
    .addColumn('sex', 'text', (c) => c.notNull().check(sql`sex in ('F', 'M', 'X')`))
    .addColumn('document_number', 'text')
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('mobile', 'text')
    .addColumn('motivation', 'text', (c) => c.notNull())
    .addColumn('preferred_slots', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull().check(sql`language in ('nl', 'fr', 'en', 'es')`))
    .addColumn('security_code_hash', 'text', (c) => c.notNull())
    .addColumn('wrong_codes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('waiting_since', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('link_hash', 'text')
    .addColumn('slot_at', 'timestamptz')
    .addColumn('interviewer_id', 'uuid')
    .addColumn('reminded_at', 'timestamptz')
    .addColumn('checks', 'text')
    .addColumn('reviewed_by', 'uuid')
    .addColumn('decided_by', 'uuid')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('reason', 'text')
    .addColumn('granted_level', 'text', (c) => c.check(sql`granted_level in ('basic', 'advanced')`))
    .addColumn('person_id', 'uuid', (c) => c.references('persons.id').onDelete('set null'))
    .addColumn('activation_link_hash', 'text')
    .addColumn('activation_expires_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('delete_after', 'timestamptz')
    .execute();
  await db.schema.createIndex('video_requests_link').on('video_requests').column('link_hash').unique().execute();
  await db.schema.createIndex('video_requests_activation_link').on('video_requests').column('activation_link_hash').unique().execute();
  await db.schema.createIndex('video_requests_state_slot').on('video_requests').columns(['state', 'slot_at']).execute();
  await db.schema.createIndex('video_requests_delete_after').on('video_requests').column('delete_after').execute();
  await db.schema
    .createTable('video_documents')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('request_id', 'uuid', (c) => c.notNull().references('video_requests.id').onDelete('cascade'))
    .addColumn('side', 'text', (c) => c.notNull().check(sql`side in ('front', 'back')`))
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('byte_size', 'integer', (c) => c.notNull())
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('uploaded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('video_documents_request').on('video_documents').column('request_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('video_documents').execute();
  await db.schema.dropTable('video_requests').execute();
}
