// broker/store/retention.ts on PGlite and, when TEST_DATABASE_URL is set, PostgreSQL: exactly the
// rows older than each table's retention go, in batches; on PostgreSQL one node purges at a time
// and concurrent purges never fail; the timed purger logs, counts and stops on close.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import pg from 'pg';
import { Counter, Registry } from 'prom-client';
import type { Kysely, KyselyPlugin } from 'kysely';
import { openDatabase, type Database } from '../../../broker/store/db.js';
import type { DbSchema } from '../../../broker/store/schema.js';
import { purgeExpired, startRetention, type PurgeResult } from '../../../broker/store/retention.js';
import { createTestDatabase, describeServer, serverTarget, testConfig, type TestDatabase } from '../../helpers/store-targets.js';

const DAY = 86_400_000;
const NOW = new Date('2031-06-15T12:00:00.000Z');
const SETTINGS = { auditDays: 30, loginHistoryDays: 90, renouncedPersonDays: 365, purgeIntervalMinutes: 60 };
const ago = (days: number, ms = 0) => new Date(NOW.getTime() - days * DAY + ms);

/** Counts DELETE statements, to see the batches. */
function countingDeletes(db: Kysely<DbSchema>): { db: Kysely<DbSchema>; deletes: () => number } {
  let n = 0;
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      if (args.node.kind === 'DeleteQueryNode') n++;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { db: db.withPlugin(plugin), deletes: () => n };
}

/** Per table: `old` rows past retention (one a millisecond past it), `kept` rows within it (one exactly at the cutoff). */
async function fill(db: Kysely<DbSchema>, tag: string, old: number, kept: number): Promise<void> {
  const audit = (at: Date, i: number) => ({ actor: 'registrar', action: `test.${tag}`, subject: `${tag}-${i}`, at });
  const login = (at: Date, i: number) => ({ person_id: randomUUID(), sp_entity_id: `https://${tag}.example/`, method: 'pin', loa: '2', outcome: `${i}`, at });
  const oldAudit = [ago(30, -1), ...Array.from({ length: old - 1 }, (_, i) => ago(31 + i))];
  const keptAudit = [ago(30), ...Array.from({ length: kept - 1 }, (_, i) => ago(i))];
  const oldLogin = [ago(90, -1), ...Array.from({ length: old - 1 }, (_, i) => ago(91 + i * 40))];
  const keptLogin = [ago(90), ...Array.from({ length: kept - 1 }, (_, i) => ago(31 + i))];
  await db.insertInto('audit_log').values([...oldAudit, ...keptAudit].map(audit)).execute();
  await db.insertInto('login_history').values([...oldLogin, ...keptLogin].map(login)).execute();
}

async function left(db: Kysely<DbSchema>, tag: string): Promise<{ audit: number[]; login: number[] }> {
  const a = await db.selectFrom('audit_log').select('at').where('action', '=', `test.${tag}`).orderBy('at').execute();
  const l = await db.selectFrom('login_history').select('at').where('sp_entity_id', '=', `https://${tag}.example/`).orderBy('at').execute();
  return { audit: a.map((r) => r.at.getTime()), login: l.map((r) => r.at.getTime()) };
}

function contract(open: () => Promise<Database>, shared: boolean): void {
  let a: Database;
  before(async function () {
    this.timeout(60_000);
    a = await open();
  });
  after(() => a.close());
  beforeEach(async () => {
    await a.db.deleteFrom('audit_log').execute();
    await a.db.deleteFrom('login_history').execute();
  });

  it('deletes exactly what is older than each retention, in batches of batchSize', async () => {
    await fill(a.db, 'exact', 10, 4);
    const before = await left(a.db, 'exact');
    const counted = countingDeletes(a.db);
    const result = await purgeExpired(counted.db, a.kind, SETTINGS, NOW, { batchSize: 3 });
    assert.deepEqual(result, { skipped: false, deleted: { audit_log: 10, login_history: 10, persons: 0 } });
    // 10 rows in batches of 3: 3+3+3+1 per table, and one statement finding no renounced person
    assert.equal(counted.deletes(), 9);
    const after = await left(a.db, 'exact');
    assert.deepEqual(after.audit, before.audit.filter((t) => t >= ago(30).getTime()));
    assert.deepEqual(after.login, before.login.filter((t) => t >= ago(90).getTime()));
    assert.equal(after.audit.length, 4);
    assert.equal(after.login.length, 4);
    // nothing more to do: one empty statement per table
    assert.deepEqual(await purgeExpired(a.db, a.kind, SETTINGS, NOW, { batchSize: 3 }), { skipped: false, deleted: { audit_log: 0, login_history: 0, persons: 0 } });
  });

  it('a backlog that is an exact multiple of the batch ends with one empty statement', async () => {
    await fill(a.db, 'multiple', 6, 1);
    const counted = countingDeletes(a.db);
    const result = await purgeExpired(counted.db, a.kind, SETTINGS, NOW, { batchSize: 3 });
    assert.deepEqual(result, { skipped: false, deleted: { audit_log: 6, login_history: 6, persons: 0 } });
    // 3+3+0 per table, and one for the renounced persons
    assert.equal(counted.deletes(), 7);
  });

  it('stops between batches when aborted', async () => {
    await fill(a.db, 'abort', 9, 1);
    const stop = new AbortController();
    let n = 0;
    const plugin: KyselyPlugin = {
      transformQuery: (args) => {
        if (args.node.kind === 'DeleteQueryNode' && ++n === 2) stop.abort();
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const result = await purgeExpired(a.db.withPlugin(plugin), a.kind, SETTINGS, NOW, { batchSize: 3, signal: stop.signal });
    assert.deepEqual(result, { skipped: false, deleted: { audit_log: 6, login_history: 0, persons: 0 } });
  });

  it('the timed purger runs shortly after start, counts, logs, and stops on close', async () => {
    await fill(a.db, 'timer', 5, 2);
    const lines: string[] = [];
    const log = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, cb) => void (lines.push(String(chunk)), cb()) }));
    const registry = new Registry();
    const purged = new Counter({ name: 'purged_rows', help: 'test', labelNames: ['table'], registers: [registry] });
    const purger = startRetention({ db: a.db, kind: a.kind, settings: SETTINGS, log, now: () => NOW, purged, batchSize: 2, firstDelayMs: 0 });
    try {
      for (let i = 0; i < 200 && !lines.some((l) => l.includes('retention purge done')); i++) await new Promise((r) => setTimeout(r, 10));
      const done = JSON.parse(lines.find((l) => l.includes('retention purge done'))!) as { deleted: unknown };
      assert.deepEqual(done.deleted, { audit_log: 5, login_history: 5, persons: 0 });
      const values = (await purged.get()).values.map((v) => [v.labels.table, v.value]);
      assert.deepEqual(Object.fromEntries(values), { audit_log: 5, login_history: 5, persons: 0 });
      // a manual run while none is running works, and finds nothing
      assert.deepEqual(await purger.runNow(), { skipped: false, deleted: { audit_log: 0, login_history: 0, persons: 0 } });
    } finally {
      await purger.close();
    }
    // interval 0: this node never purges on its own
    const off = startRetention({ db: a.db, kind: a.kind, settings: { ...SETTINGS, purgeIntervalMinutes: 0 }, log, now: () => NOW, firstDelayMs: 0 });
    await fill(a.db, 'off', 1, 1);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await left(a.db, 'off')).audit.length, 2, 'interval 0: no purge on its own');
    await off.close();
  });

  if (shared) {
    it('several nodes purging at once never fail, and together delete everything old once', async function () {
      this.timeout(30_000);
      await fill(a.db, 'nodes', 40, 3);
      const nodes = [a, await open(), await open()];
      try {
        const results: PurgeResult[] = await Promise.all(nodes.map((n) => purgeExpired(n.db, n.kind, SETTINGS, NOW, { batchSize: 4 })));
        const ran = results.filter((r): r is Extract<PurgeResult, { skipped: false }> => !r.skipped);
        assert.ok(ran.length >= 1);
        assert.equal(ran.reduce((s, r) => s + r.deleted.audit_log, 0), 40);
        assert.equal(ran.reduce((s, r) => s + r.deleted.login_history, 0), 40);
        assert.deepEqual((await left(a.db, 'nodes')).audit.length, 3);
      } finally {
        for (const n of nodes.slice(1)) await n.close();
      }
    });
  }
}

describe('Retention purge', () => {
  describe('pglite (memory)', () => {
    contract(() => openDatabase(testConfig({ database: { pgliteDir: 'memory://' } })), false);
  });

  describeServer(serverTarget('postgresql', 'TEST_DATABASE_URL'), (baseUrl) => {
    let testDb: TestDatabase;
    let url = '';
    before(async () => {
      testDb = await createTestDatabase(baseUrl);
      url = testDb.url;
    });
    after(() => testDb.drop());
    const open = () => openDatabase(testConfig({ database: { url } }));
    // nested, so its connections close before the database is dropped
    describe('contract', () => contract(open, true));

    it('skips the round while another node holds the purge lock', async function () {
      this.timeout(30_000);
      const database = await open();
      const other = new pg.Client({ connectionString: url });
      await other.connect();
      try {
        await fill(database.db, 'locked', 2, 1);
        await other.query('select pg_advisory_lock($1)', [0x7061_7372_6574]);
        assert.deepEqual(await purgeExpired(database.db, 'postgres', SETTINGS, NOW), { skipped: true });
        assert.equal((await left(database.db, 'locked')).audit.length, 3);
        await other.query('select pg_advisory_unlock($1)', [0x7061_7372_6574]);
        assert.deepEqual(await purgeExpired(database.db, 'postgres', SETTINGS, NOW), { skipped: false, deleted: { audit_log: 2, login_history: 2, persons: 0 } });
      } finally {
        await other.end();
        await database.close();
      }
    });
  });
});
