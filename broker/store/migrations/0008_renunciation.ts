// Renunciation (issue 9, seed 000 §2.6): when a person renounced, so the retention purge can
// delete their registration data retention.renouncedPersonDays later. Set in the same transaction
// that sets status 'renounced' and revokes every credential and device. No check ties it to the
// status: persons seeded or imported as 'renounced' carry no date, and the purge leaves them alone.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('persons').addColumn('renounced_at', 'timestamptz').execute();
  await db.schema.createIndex('persons_renounced_at').on('persons').column('renounced_at').where(sql.ref('renounced_at'), 'is not', null).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('persons_renounced_at').execute();
  await db.schema.alterTable('persons').dropColumn('renounced_at').execute();
}
