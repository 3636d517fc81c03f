// Cl@ve Permanente accounts (seed 000 §5): the activation code (hash only), the password (argon2id
// hash), its lockout and age, the second factors a person enrolled, and the previous passwords a
// new one must differ from. Lockout counters are durable here, not in the ephemeral store, so a
// Redis flush or failover never unblocks a password.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('permanente_accounts')
    .addColumn('person_id', 'uuid', (c) => c.primaryKey().references('persons.id').onDelete('cascade'))
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('pending', 'active', 'cancelled')`))
    .addColumn('activation_code_hash', 'text')
    .addColumn('activation_code_issued_at', 'timestamptz')
    .addColumn('activation_wrong_codes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('activation_blocked_at', 'timestamptz')
    .addColumn('password_hash', 'text')
    .addColumn('password_changed_at', 'timestamptz')
    .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('blocked_at', 'timestamptz')
    .addColumn('second_factor', 'text', (c) => c.notNull().defaultTo('sms').check(sql`second_factor in ('sms', 'totp', 'email')`))
    .addColumn('email_codes', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('totp_secret_sealed', 'text')
    .addColumn('totp_last_step', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // an active account always has a password; the chosen factor must be enrolled
    .addCheckConstraint('permanente_active_has_password', sql`state <> 'active' or password_hash is not null`)
    .addCheckConstraint('permanente_totp_enrolled', sql`second_factor <> 'totp' or totp_secret_sealed is not null`)
    .addCheckConstraint('permanente_email_enabled', sql`second_factor <> 'email' or email_codes`)
    .execute();

  await db.schema
    .createTable('permanente_password_history')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('retired_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('permanente_password_history_person').on('permanente_password_history').columns(['person_id', 'retired_at']).execute();
  await db.schema.createIndex('audit_log_subject_at').on('audit_log').columns(['subject', 'at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('audit_log_subject_at').execute();
  await db.schema.dropTable('permanente_password_history').execute();
  await db.schema.dropTable('permanente_accounts').execute();
}
