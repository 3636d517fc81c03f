// One contract for the durable store (broker/store/db.ts and the modules over it): PGlite in memory
// always, PostgreSQL when TEST_DATABASE_URL is set (required under CI). Every PostgreSQL run
// creates its own database, pasarela_test_<random>, and drops it at the end.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { DatabaseLockedError, openDatabase, type Database } from '../../../broker/store/db.js';
import { getOrCreatePseudonym } from '../../../broker/store/pseudonyms.js';
import { recordLogin } from '../../../broker/store/login-history.js';
import { purgeTable } from '../../../broker/store/retention.js';
import { createTestDatabase, describeServer, serverTarget, testConfig, type TestDatabase } from '../../helpers/store-targets.js';

/** every migration, in the order it runs: written out, so a renamed or dropped one fails here */
const MIGRATIONS = ['0001_initial', '0002_permanente', '0003_mandates', '0004_devices', '0005_staff', '0006_letters', '0007_video_identification', '0008_renunciation'];

interface Implementation {
  /** opens one more connection (pool) to the same database: another broker node */
  open(): Promise<Database>;
  shared: boolean;
}

let n = 0;
function newPersonRow() {
  const i = ++n + Math.floor(Math.random() * 1e6);
  return {
    document_type: 'DNI' as const,
    document_number: `T${i}`,
    document_date: '2030-01-01',
    given_name: 'Carmen',
    first_surname: 'Español',
    date_of_birth: '1980-02-29',
    mobile: `+3460${String(i).padStart(7, '0')}`,
    registration_level: 'basic' as const,
  };
}

function contract(impl: Implementation): void {
  let a: Database;
  let nodes: Database[];

  before(async function () {
    this.timeout(60_000);
    a = await impl.open();
    nodes = impl.shared ? [a, await impl.open(), await impl.open()] : [a, a, a];
  });
  after(async () => {
    for (const d of new Set(nodes)) await d.close();
  });

  const insertPerson = async () =>
    (await a.db.insertInto('persons').values(newPersonRow()).returning('id').executeTakeFirstOrThrow()).id;

  describe('migrations', () => {
    it('applies every migration once', async () => {
      const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(a.db);
      assert.deepEqual(rows.rows.map((r) => r.name), MIGRATIONS);
    });
    it('ping answers true', async () => {
      assert.equal(await a.ping(), true);
    });
  });

  describe('transactions', () => {
    it('a query from outside never lands in another caller\'s transaction', async () => {
      const inside = newPersonRow();
      const outside = newPersonRow();
      let outsideDone!: Promise<unknown>;
      await assert.rejects(() =>
        a.db.transaction().execute(async (trx) => {
          await trx.insertInto('persons').values(inside).execute();
          outsideDone = a.db.insertInto('persons').values(outside).execute();
          await new Promise((r) => setTimeout(r, 20));
          throw new Error('roll back');
        }),
      /roll back/);
      await outsideDone;
      const found = await a.db.selectFrom('persons').select('document_number').where('document_number', 'in', [inside.document_number, outside.document_number]).execute();
      assert.deepEqual(found.map((r) => r.document_number), [outside.document_number]);
    });
  });

  describe('persons', () => {
    it('keeps dates as yyyy-mm-dd text and timestamps as Date', async () => {
      const id = await insertPerson();
      const p = await a.db.selectFrom('persons').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(p.document_date, '2030-01-01');
      assert.equal(p.date_of_birth, '1980-02-29');
      assert.ok(p.created_at instanceof Date);
      assert.equal(p.status, 'active');
      assert.match(p.id, /^[0-9a-f-]{36}$/);
    });
    it('refuses a second person with the same document number or mobile', async () => {
      const row = newPersonRow();
      await a.db.insertInto('persons').values(row).execute();
      await assert.rejects(() => a.db.insertInto('persons').values({ ...newPersonRow(), document_number: row.document_number }).execute(), /unique|duplicate/i);
      await assert.rejects(() => a.db.insertInto('persons').values({ ...newPersonRow(), mobile: row.mobile }).execute(), /unique|duplicate/i);
    });
    it('refuses an unknown registration level or status', async () => {
      await assert.rejects(() => a.db.insertInto('persons').values({ ...newPersonRow(), registration_level: 'gold' as 'basic' }).execute(), /check/i);
      await assert.rejects(() => a.db.insertInto('persons').values({ ...newPersonRow(), status: 'gone' as 'active' }).execute(), /check/i);
    });
  });

  describe('getOrCreatePseudonym', () => {
    it('issues once and keeps the first value, even after the secret rotates', async () => {
      const id = await insertPerson();
      const first = await getOrCreatePseudonym(a.db, id, 'https://sp.example/', (v) => `first-v${v}`, 1);
      assert.equal(first, 'first-v1');
      const again = await getOrCreatePseudonym(a.db, id, 'https://sp.example/', (v) => `second-v${v}`, 2);
      assert.equal(again, 'first-v1');
      const other = await getOrCreatePseudonym(a.db, id, 'https://other.example/', (v) => `other-v${v}`, 2);
      assert.equal(other, 'other-v2');
      const row = await a.db.selectFrom('pairwise_pseudonyms').selectAll().where('person_id', '=', id).where('sp_entity_id', '=', 'https://sp.example/').executeTakeFirstOrThrow();
      assert.equal(row.secret_version, 1);
    });
    it('of 30 concurrent callers over several connections all get the one value', async () => {
      const id = await insertPerson();
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => getOrCreatePseudonym(nodes[i % 3]!.db, id, 'https://race.example/', () => `candidate-${i}`, 1)),
      );
      assert.equal(new Set(results).size, 1, `several values issued: ${[...new Set(results)].join(', ')}`);
      const rows = await a.db.selectFrom('pairwise_pseudonyms').select('name_id').where('person_id', '=', id).execute();
      assert.deepEqual(rows.map((r) => r.name_id), [results[0]]);
    });
    it('refuses a NameID already issued to another person at the same SP', async () => {
      const p1 = await insertPerson();
      const p2 = await insertPerson();
      await getOrCreatePseudonym(a.db, p1, 'https://collide.example/', () => 'same', 1);
      await assert.rejects(() => getOrCreatePseudonym(a.db, p2, 'https://collide.example/', () => 'same', 1), /unique|duplicate/i);
    });
  });

  describe('login history', () => {
    it('records logins and purges those older than the retention date', async () => {
      const id = await insertPerson();
      const old = new Date('2020-01-01T00:00:00Z');
      const recent = new Date();
      await recordLogin(a.db, { personId: id, spEntityID: 'https://sp.example/', method: 'pin', loa: '2', outcome: 'success', ip: '192.0.2.1', at: old });
      await recordLogin(a.db, { personId: id, spEntityID: 'https://sp.example/', method: 'pin', loa: '2', outcome: 'success', at: recent });
      const cutoff = new Date('2021-01-01T00:00:00Z');
      const purged = await purgeTable(a.db, 'login_history', cutoff);
      assert.ok(purged >= 1);
      const left = await a.db.selectFrom('login_history').selectAll().where('person_id', '=', id).execute();
      assert.equal(left.length, 1);
      assert.equal(left[0]!.at.getTime(), recent.getTime());
      assert.equal(typeof left[0]!.id, 'string');
    });
  });
}

describe('Database contract', () => {
  describe('pglite (memory)', () => {
    contract({ open: () => openDatabase(testConfig({ database: { pgliteDir: 'memory://' } })), shared: false });
  });

  describe('pglite (directory): one process only', () => {
    let varDir: string;
    const cfg = () => testConfig({ varDir, database: { pgliteDir: 'db' } });
    const lockFile = () => path.join(varDir, 'db.lock');
    beforeEach(() => {
      varDir = mkdtempSync(path.join(os.tmpdir(), 'pasarela-db-'));
    });
    afterEach(() => rmSync(varDir, { recursive: true, force: true }));

    it('holds <dir>.lock with its pid while open, refuses a second opener, keeps data across reopen', async function () {
      this.timeout(60_000);
      const first = await openDatabase(cfg());
      assert.equal(first.kind, 'pglite');
      assert.equal(readFileSync(lockFile(), 'utf8'), String(process.pid));
      await assert.rejects(() => openDatabase(cfg()), (err: unknown) => {
        assert.ok(err instanceof DatabaseLockedError);
        assert.equal(err.pid, process.pid);
        assert.match(err.message, /in use by process \d+ .*PGlite allows one process/);
        return true;
      });
      await first.db.insertInto('persons').values(newPersonRow()).execute();
      await first.close();
      assert.equal(existsSync(lockFile()), false);
      const second = await openDatabase(cfg());
      const count = await second.db.selectFrom('persons').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(count.n), 1);
      await second.close();
    });

    it('replaces a stale lock left by a dead process', async function () {
      this.timeout(60_000);
      const dead = spawnSync(process.execPath, ['-e', '']).pid!;
      writeFileSync(lockFile(), String(dead));
      const d = await openDatabase(cfg());
      assert.equal(readFileSync(lockFile(), 'utf8'), String(process.pid));
      await d.close();
    });

    it('refuses a lock held by another live process', async () => {
      const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
      try {
        writeFileSync(lockFile(), String(child.pid));
        await assert.rejects(() => openDatabase(cfg()), new RegExp(`in use by process ${child.pid}`));
        assert.equal(readFileSync(lockFile(), 'utf8'), String(child.pid)); // not ours to remove
      } finally {
        child.kill();
      }
    });
  });

  describeServer(serverTarget('postgres', 'TEST_DATABASE_URL'), (baseUrl) => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(baseUrl);
    });
    after(async () => {
      await testDb?.drop();
    });

    contract({ open: () => openDatabase(testConfig({ database: { url: testDb.url } })), shared: true });

    it('three nodes starting together on a fresh database all succeed and migrate once', async function () {
      this.timeout(60_000);
      const fresh = await createTestDatabase(baseUrl);
      const opened: Database[] = [];
      try {
        const results = await Promise.allSettled([1, 2, 3].map(() => openDatabase(testConfig({ database: { url: fresh.url } }))));
        for (const r of results) if (r.status === 'fulfilled') opened.push(r.value);
        const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        assert.equal(failure, undefined, `a node failed to start: ${String(failure?.reason)}`);
        const db = opened[0]!.db;
        const migrations = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
        assert.deepEqual(migrations.rows.map((r) => r.name), MIGRATIONS);
        const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(db);
        for (const t of ['audit_log', 'login_history', 'pairwise_pseudonyms', 'persons']) assert.ok(tables.rows.some((r) => r.table_name === t), t);
        assert.equal(opened[0]!.kind, 'postgres');
      } finally {
        for (const d of opened) await d.close();
        await fresh.drop();
      }
    });

    it('refuses to open when the server is unreachable', async () => {
      const u = new URL(baseUrl);
      u.port = '1'; // nothing listens on port 1 of loopback
      u.hostname = '127.0.0.1';
      await assert.rejects(() => openDatabase(testConfig({ database: { url: u.toString() } })));
    });
  });
});
