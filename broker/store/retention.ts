// Retention (design.md "Personal data"): audit log and login history entries older than their
// configured period, and the registration data of persons who renounced longer ago than
// retention.renouncedPersonDays, are deleted, on an interval and once shortly after start.
// Deleting by age is idempotent, so several nodes may purge; on PostgreSQL a session advisory
// lock still lets only one of them work at a time (the others skip that round) so a deployment
// of N nodes does not run N identical scans. Rows go in batches, each its own statement, so a
// large backlog (a first purge after a year, a lowered retention) never holds locks for long or
// lets WAL pile up in one transaction.
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import type { DbSchema } from './schema.js';

const DAY_MS = 86_400_000;
/** pg advisory lock key of the purge: any constant of ours not used by another lock */
const PURGE_LOCK = 0x7061_7372_6574; // 'pasret'

export type PurgedTable = 'audit_log' | 'login_history' | 'persons';

export interface RetentionSettings {
  readonly auditDays: number;
  readonly loginHistoryDays: number;
  /** days a renounced person's registration data are kept after renounced_at (migration 0008) */
  readonly renouncedPersonDays: number;
  readonly purgeIntervalMinutes: number;
}

export interface PurgeOptions {
  /** rows per DELETE statement */
  readonly batchSize?: number;
  /** stops between batches (the broker closing); what went is counted */
  readonly signal?: AbortSignal;
}

/** rows deleted per table; `skipped` when another node was purging */
export type PurgeResult = { readonly skipped: false; readonly deleted: Readonly<Record<PurgedTable, number>> } | { readonly skipped: true };

const DEFAULT_BATCH = 5000;

/** Deletes rows of `table` strictly older than `cutoff`, `batchSize` rows per statement. */
export async function purgeTable(db: Kysely<DbSchema>, table: PurgedTable, cutoff: Date, opts: PurgeOptions = {}): Promise<number> {
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;
  let total = 0;
  while (!opts.signal?.aborted) {
    // PostgreSQL has no DELETE … LIMIT; the subselect walks the `at` index of each table.
    const result = await db
      .deleteFrom(table)
      .where('id', 'in', (eb) => eb.selectFrom(table).select('id').where('at', '<', cutoff).limit(batchSize))
      .executeTakeFirst();
    const n = Number(result.numDeletedRows);
    total += n;
    if (n < batchSize) break;
  }
  return total;
}

/**
 * Deletes persons who renounced before `cutoff`, `batchSize` per statement; their credentials,
 * devices and pseudonyms go with them (ON DELETE CASCADE). A person still named by a membership
 * of an organisation (members.person_id, ON DELETE RESTRICT: the organisation's records) is kept
 * until that membership is deleted; persons renounced without a date (seeded) are never purged.
 */
export async function purgeRenouncedPersons(db: Kysely<DbSchema>, cutoff: Date, opts: PurgeOptions = {}): Promise<number> {
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;
  let total = 0;
  while (!opts.signal?.aborted) {
    const result = await db
      .deleteFrom('persons')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('persons as p')
          .select('p.id')
          .where('p.status', '=', 'renounced')
          .where('p.renounced_at', '<', cutoff)
          .where(({ not, exists, selectFrom }) => not(exists(selectFrom('members').select('members.id').whereRef('members.person_id', '=', 'p.id'))))
          .limit(batchSize),
      )
      .executeTakeFirst();
    const n = Number(result.numDeletedRows);
    total += n;
    if (n < batchSize) break;
  }
  return total;
}

/**
 * One purge of both tables as of `now`. On PostgreSQL it runs on one pooled connection holding
 * the advisory lock (released at the end, or by the server if the connection dies); on PGlite,
 * one process by construction, it takes no lock and no dedicated connection, since holding the
 * single connection would stall every request for the whole purge.
 */
export async function purgeExpired(db: Kysely<DbSchema>, kind: 'postgres' | 'pglite', settings: RetentionSettings, now: Date, opts: PurgeOptions = {}): Promise<PurgeResult> {
  const run = async (conn: Kysely<DbSchema>) => ({
    audit_log: await purgeTable(conn, 'audit_log', new Date(now.getTime() - settings.auditDays * DAY_MS), opts),
    login_history: await purgeTable(conn, 'login_history', new Date(now.getTime() - settings.loginHistoryDays * DAY_MS), opts),
    persons: await purgeRenouncedPersons(conn, new Date(now.getTime() - settings.renouncedPersonDays * DAY_MS), opts),
  });
  if (kind === 'pglite') return { skipped: false, deleted: await run(db) };
  return db.connection().execute(async (conn) => {
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${PURGE_LOCK}) as locked`.execute(conn);
    if (!rows[0]?.locked) return { skipped: true } as const;
    try {
      return { skipped: false, deleted: await run(conn) } as const;
    } finally {
      await sql`select pg_advisory_unlock(${PURGE_LOCK})`.execute(conn);
    }
  });
}

export interface RetentionPurger {
  /** purge now (the timer does the same); resolves when done */
  runNow(): Promise<PurgeResult>;
  /** stop the timer and wait for a purge in progress */
  close(): Promise<void>;
}

export interface RetentionDeps {
  readonly db: Kysely<DbSchema>;
  readonly kind: 'postgres' | 'pglite';
  readonly settings: RetentionSettings;
  readonly log: Logger;
  readonly now: () => Date;
  readonly purged?: Counter<'table'>;
  readonly batchSize?: number;
  /** delay of the first purge after start (default 10 to 40 s, random so restarted nodes spread) */
  readonly firstDelayMs?: number;
  /** deletes identity document copies past their delete_after (mandates registry); idempotent, so every node may run it */
  readonly purgeDocuments?: (now: Date) => Promise<number>;
}

/** Purges on `settings.purgeIntervalMinutes` (0: never on its own; runNow still works). */
export function startRetention(deps: RetentionDeps): RetentionPurger {
  let running: Promise<PurgeResult> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const stop = new AbortController();

  async function purge(): Promise<PurgeResult> {
    const started = Date.now();
    const result = await purgeExpired(deps.db, deps.kind, deps.settings, deps.now(), { batchSize: deps.batchSize, signal: stop.signal });
    if (result.skipped) deps.log.debug('retention purge skipped: another node is purging');
    else {
      for (const [table, n] of Object.entries(result.deleted)) deps.purged?.inc({ table }, n);
      deps.log.info({ deleted: result.deleted, ms: Date.now() - started }, 'retention purge done');
    }
    if (deps.purgeDocuments) {
      const documents = await deps.purgeDocuments(deps.now());
      deps.purged?.inc({ table: 'member_documents' }, documents);
      if (documents) deps.log.info({ documents }, 'identity document copies past their retention deleted');
    }
    return result;
  }

  function runNow(): Promise<PurgeResult> {
    // one purge at a time per node: a timer firing during a manual run joins it
    running ??= purge().finally(() => (running = undefined));
    return running;
  }

  function schedule(ms: number): void {
    if (closed) return;
    timer = setTimeout(() => {
      runNow()
        .catch((err: unknown) => deps.log.error({ err: (err as Error).message }, 'retention purge failed; retried at the next interval'))
        .finally(() => schedule(deps.settings.purgeIntervalMinutes * 60_000));
    }, ms).unref();
  }

  if (deps.settings.purgeIntervalMinutes > 0) schedule(deps.firstDelayMs ?? 10_000 + Math.floor(Math.random() * 30_000));

  return {
    runNow,
    async close() {
      closed = true;
      clearTimeout(timer);
      stop.abort();
      await running?.catch(() => undefined);
    },
  };
}
