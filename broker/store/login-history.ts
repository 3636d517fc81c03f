// Login history (design.md "Personal data"): who, what, when and from which IP, kept for a
// configurable period (12 months by default, decided by the caller) and then deleted.
import type { Kysely } from 'kysely';
import type { DbSchema } from './schema.js';

export interface LoginEntry {
  personId: string;
  spEntityID: string;
  method: string;
  loa: string;
  outcome: string;
  ip?: string | null;
  /** default now */
  at?: Date;
}

function row(entry: LoginEntry) {
  return {
    person_id: entry.personId,
    sp_entity_id: entry.spEntityID,
    method: entry.method,
    loa: entry.loa,
    outcome: entry.outcome,
    ip: entry.ip ?? null,
    at: entry.at ?? new Date(),
  };
}

export async function recordLogin(db: Kysely<DbSchema>, entry: LoginEntry): Promise<void> {
  await recordLogins(db, [entry]);
}

/** One INSERT for many entries (the write-behind writer's batches). */
export async function recordLogins(db: Kysely<DbSchema>, entries: readonly LoginEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.insertInto('login_history').values(entries.map(row)).execute();
}
