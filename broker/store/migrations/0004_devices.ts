// Devices of the Cl@ve app (issue 4, seed 000 §3.2: "you can have only one active device for your
// DNI/NIE"). The rule lives in the database, as a partial unique index over the active rows, so
// two activations racing for one person cannot both leave a device active. Deactivated devices
// are kept (when, and which key) until the person is deleted.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('devices')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('public_key_pem', 'text', (c) => c.notNull())
    .addColumn('push_kind', 'text', (c) => c.notNull().check(sql`push_kind in ('webhook', 'token')`))
    .addColumn('push_target', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active').check(sql`status in ('active', 'deactivated')`))
    .addColumn('activated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('deactivated_at', 'timestamptz')
    .addColumn('last_seen_at', 'timestamptz')
    .addCheckConstraint('devices_deactivated_when', sql`(status = 'active') = (deactivated_at is null)`)
    .execute();
  await db.schema.createIndex('devices_one_active_per_person').on('devices').column('person_id').unique().where(sql.ref('status'), '=', 'active').execute();
  await db.schema.createIndex('devices_person').on('devices').columns(['person_id', 'activated_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('devices').execute();
}
