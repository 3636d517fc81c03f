// The write-behind login history on a real (embedded) database: batched, flushed on close, and a
// failed write is retried rather than lost.
import assert from 'node:assert/strict';
import pino from 'pino';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../../../broker/store/db.js';
import { createLoginHistoryWriter } from '../../../broker/store/login-history-writer.js';
import { testConfig } from '../../helpers/store-targets.js';

const entry = (i: number) => ({ personId: '00000000-0000-4000-8000-000000000001', spEntityID: `https://sp${i}.test`, method: 'pin', loa: '3', outcome: 'success', ip: '127.0.0.1' });

describe('login history write-behind', () => {
  let database: Database;
  beforeEach(async () => {
    database = await openDatabase(testConfig({ database: { pgliteDir: 'memory://' } }));
  });
  afterEach(async () => database.close());
  const count = async () => Number((await database.db.selectFrom('login_history').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('writes nothing on the caller’s path, everything by flush', async () => {
    const writer = createLoginHistoryWriter(database.db, pino({ level: 'silent' }), { flushMs: 10_000 });
    for (let i = 0; i < 25; i++) writer.record(entry(i));
    assert.equal(await count(), 0);
    await writer.flush();
    assert.equal(await count(), 25);
  });

  it('writes a full batch at once and the rest on close', async () => {
    const writer = createLoginHistoryWriter(database.db, pino({ level: 'silent' }), { flushMs: 10_000, maxBatch: 10 });
    for (let i = 0; i < 13; i++) writer.record(entry(i));
    await new Promise((r) => setImmediate(r));
    await writer.flush();
    await writer.close();
    assert.equal(await count(), 13);
  });

  it('keeps entries when a write fails and writes them once the database accepts again', async () => {
    const writer = createLoginHistoryWriter(database.db, pino({ level: 'silent' }), { flushMs: 10_000 });
    await sql`alter table login_history rename to login_history_away`.execute(database.db);
    writer.record(entry(1));
    writer.record(entry(2));
    await writer.flush();
    await sql`alter table login_history_away rename to login_history`.execute(database.db);
    assert.equal(await count(), 0);
    await writer.flush();
    assert.equal(await count(), 2);
  });
});
