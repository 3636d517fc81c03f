// The durable store (design.md "Stack"): PostgreSQL through Kysely in production, PGlite
// (PostgreSQL in WASM) as the embedded default, same SQL dialect both ways. Migrations run at open:
// Kysely's PostgreSQL adapter takes a transaction-scoped advisory lock, so when several broker
// nodes start together against one PostgreSQL exactly one applies them and the others find them done.
// PGlite lives in one process only: an exclusive lock file next to its directory says which.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { KyselyPGlite } from 'kysely-pglite';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  sql,
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import pg from 'pg';
import { varPath, type Config } from '../config.js';
import { migrationProvider } from './migrations/index.js';
import type { DbSchema } from './schema.js';

export interface Database {
  readonly db: Kysely<DbSchema>;
  readonly kind: 'postgres' | 'pglite';
  /** true when the database answers a trivial query */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Another process holds the embedded database (PGlite allows one process). */
export class DatabaseLockedError extends Error {
  override name = 'DatabaseLockedError';
  constructor(readonly lockFile: string, readonly pid: number) {
    super(
      `the embedded database is in use by process ${pid} (lock file ${lockFile}); PGlite allows one process: ` +
        `stop that process, or go through its API (tools: --broker URL)`,
    );
  }
}

// Both drivers return `date` as the 'yyyy-mm-dd' text PostgreSQL sends (a JS Date would shift it
// by the local time zone) and `bigint` as a string (lossless; pg's default, not PGlite's).
const keepText = (v: string) => v;

export async function openDatabase(cfg: Config): Promise<Database> {
  const database = cfg.database.url ? openPostgres(cfg.database.url) : await openPglite(cfg);
  try {
    await migrate(database.db);
  } catch (err) {
    await database.close();
    throw err;
  }
  return database;
}

async function migrate(db: Kysely<DbSchema>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`database migration ${failed ?? ''} failed: ${(error as Error).message ?? String(error)}`, { cause: error });
  }
}

function openPostgres(url: string): Database {
  const pool = new pg.Pool({
    connectionString: url,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === pg.types.builtins.DATE ? keepText : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its server emits 'error' on the pool, which would crash the process when
  // unhandled; the pool drops that client and the next query reconnects or fails (ping says so).
  pool.on('error', () => {});
  const db = new Kysely<DbSchema>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'postgres', ping: () => ping(db), close: () => db.destroy() };
}

async function openPglite(cfg: Config): Promise<Database> {
  const inMemory = cfg.database.pgliteDir === 'memory://';
  const dir = inMemory ? 'memory://' : varPath(cfg, cfg.database.pgliteDir);
  const release = inMemory ? () => {} : acquireLockFile(`${dir}.lock`);
  try {
    if (!inMemory) mkdirSync(dir, { recursive: true });
    const client = await PGlite.create({
      dataDir: dir,
      parsers: { [pgliteTypes.DATE]: keepText, [pgliteTypes.INT8]: keepText },
    });
    const db = new Kysely<DbSchema>({ dialect: serialised(new KyselyPGlite(client).dialect) });
    return {
      db,
      kind: 'pglite',
      ping: () => ping(db),
      close: async () => {
        try {
          await db.destroy();
        } finally {
          release();
        }
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}

function withAffectedRows(connection: DatabaseConnection): DatabaseConnection {
  return {
    executeQuery: async <R>(query: CompiledQuery) => {
      const result = (await connection.executeQuery<R>(query)) as QueryResult<R> & { affectedRows?: number };
      if (result.numAffectedRows !== undefined || result.affectedRows === undefined) return result;
      return { ...result, numAffectedRows: BigInt(result.affectedRows) };
    },
    streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
  };
}

async function ping(db: Kysely<DbSchema>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

/**
 * Two repairs to kysely-pglite 0.6. It hands every query the one PGlite session without a mutex,
 * so a query issued while another caller is inside `db.transaction()` would run inside that
 * transaction: one connection at a time, as Kysely's own SQLite driver does. And it passes
 * PGlite's `affectedRows` through where Kysely reads `numAffectedRows`, so every update and
 * delete would report 0 rows.
 */
function serialised(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver: () => {
      const inner = dialect.createDriver();
      let tail: Promise<void> = Promise.resolve();
      let unlock: (() => void) | undefined;
      const driver: Driver = {
        init: () => inner.init(),
        acquireConnection: async () => {
          const previous = tail;
          let done!: () => void;
          tail = new Promise<void>((resolve) => (done = resolve));
          await previous;
          unlock = done;
          return withAffectedRows(await inner.acquireConnection());
        },
        releaseConnection: async (c: DatabaseConnection) => {
          await inner.releaseConnection(c);
          const u = unlock;
          unlock = undefined;
          u?.();
        },
        beginTransaction: (c: DatabaseConnection, s: TransactionSettings) => inner.beginTransaction(c, s),
        commitTransaction: (c: DatabaseConnection) => inner.commitTransaction(c),
        rollbackTransaction: (c: DatabaseConnection) => inner.rollbackTransaction(c),
        destroy: () => inner.destroy(),
      };
      return driver;
    },
  };
}

/**
 * Create `file` exclusively (O_EXCL) holding our pid. A lock left by a dead process is stale and
 * replaced; a live holder (this process included: PGlite cannot open one directory twice) is an
 * error. Returns the release function, also run when the process exits.
 */
function acquireLockFile(file: string): () => void {
  mkdirSync(path.dirname(file), { recursive: true });
  if (!createExclusive(file)) {
    const holder = readPid(file);
    if (holder !== undefined && isAlive(holder)) throw new DatabaseLockedError(file, holder);
    rmSync(file, { force: true }); // stale: its process is gone, or the file is unreadable
    // a second starter may have replaced the stale lock between our two steps: then it wins
    if (!createExclusive(file)) throw new DatabaseLockedError(file, readPid(file) ?? -1);
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    if (readPid(file) === process.pid) {
      try {
        unlinkSync(file);
      } catch {
        // already gone: nothing to release
      }
    }
  };
  process.on('exit', release);
  return release;
}

function createExclusive(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, String(process.pid));
  } finally {
    closeSync(fd);
  }
  return true;
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}
