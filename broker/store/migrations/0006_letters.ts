// Invitation letters (issue 9, seed 000 §2.2.2): a letter to a resident's fiscal address carries a
// 16-character secure verification code (CSV) that completes a basic registration. Only the
// code's hash is kept. A letter is spent once (used_at), lapses at expires_at, and is void after
// too many wrong codes (wrong_codes, raised in one UPDATE so concurrent tries all count) or when
// a newer letter for the same document replaces it (voided_at).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('letters')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // the resident the letter was sent to: a letter precedes the person it may register
    .addColumn('document_number', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('wrong_codes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('used_at', 'timestamptz')
    .addColumn('voided_at', 'timestamptz')
    // the person the letter registered or updated, once used
    .addColumn('person_id', 'uuid', (c) => c.references('persons.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('letters_document').on('letters').columns(['document_number', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('letters').execute();
}
