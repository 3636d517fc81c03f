// Persistent pairwise NameIDs: one per (person, SP), issued once and kept forever, even when the
// pseudonym secret rotates (the row remembers the secret version that derived it). Concurrency-safe
// without a transaction: every node inserts "on conflict do nothing" and then reads what won.
import type { Kysely } from 'kysely';
import type { DbSchema } from './schema.js';

export async function getOrCreatePseudonym(
  db: Kysely<DbSchema>,
  personId: string,
  spEntityID: string,
  derive: (version: number) => string,
  currentVersion: number,
): Promise<string> {
  const existing = await select(db, personId, spEntityID);
  if (existing !== undefined) return existing;
  await db
    .insertInto('pairwise_pseudonyms')
    .values({ person_id: personId, sp_entity_id: spEntityID, name_id: derive(currentVersion), secret_version: currentVersion })
    // only the primary key: a collision on (sp_entity_id, name_id) with another person must fail loudly
    .onConflict((oc) => oc.columns(['person_id', 'sp_entity_id']).doNothing())
    .execute();
  const issued = await select(db, personId, spEntityID);
  if (issued === undefined) throw new Error('pairwise pseudonym vanished right after insertion');
  return issued;
}

async function select(db: Kysely<DbSchema>, personId: string, spEntityID: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('pairwise_pseudonyms')
    .select('name_id')
    .where('person_id', '=', personId)
    .where('sp_entity_id', '=', spEntityID)
    .executeTakeFirst();
  return row?.name_id;
}

/** The person a persistent NameID issued to `spEntityID` stands for (the management SP reads its logins back this way). */
export async function personOfPseudonym(db: Kysely<DbSchema>, spEntityID: string, nameID: string): Promise<string | undefined> {
  const row = await db.selectFrom('pairwise_pseudonyms').select('person_id').where('sp_entity_id', '=', spEntityID).where('name_id', '=', nameID).executeTakeFirst();
  return row?.person_id;
}
