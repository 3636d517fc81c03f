// `pasarela audit export` (tools/audit-export.ts): directly on an embedded database under VAR_DIR
// (filters, time order, pages, --out, the refusal while a broker holds it), and through the audit
// API (broker/admin/audit-api.ts) on a loopback app with its bearer token.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { main } from '../../../tools/audit-export.js';
import { main as pasarela } from '../../../tools/pasarela.js';
import type { Io } from '../../../tools/io.js';
import { openDatabase, type Database } from '../../../broker/store/db.js';
import { createAuditRouter } from '../../../broker/admin/audit-api.js';
import { createTestDatabase, describeServer, serverTarget, testConfig } from '../../helpers/store-targets.js';

const TOKEN = 'audit-test-token-0123456789abcdef';

function captured(): Io & { out_: string[]; err_: string[] } {
  const out_: string[] = [];
  const err_: string[] = [];
  return { out_, err_, out: (l) => out_.push(l), err: (l) => err_.push(l) };
}

// Inserted out of time order, so id order is not time order. e1 and e2 share a millisecond and
// differ in microseconds: with pages of 2 the boundary falls between them.
const ROWS = [
  { key: 'e4', at: '2031-03-01T10:00:00.000000Z', actor: 'person:p1', action: 'permanente.password.changed', subject: 'p1', ip: '192.0.2.1', detail: { via: 'web' } },
  { key: 'e1', at: '2031-01-15T08:00:00.000100Z', actor: 'registrar', action: 'registrar.person.added', subject: 'p1', ip: null, detail: { level: 'advanced' } },
  { key: 'e0', at: '2031-01-01T00:00:00.000000Z', actor: 'anonymous', action: 'permanente.activation.refused', subject: 'p2', ip: '198.51.100.9', detail: null },
  { key: 'e2', at: '2031-01-15T08:00:00.000900Z', actor: 'registrar', action: 'registrar.activation-code.issued', subject: 'p1', ip: null, detail: { renewed: true } },
  { key: 'e3', at: '2031-02-01T00:00:00.000000Z', actor: 'person:p2', action: 'permanente.signed-out', subject: 'p2', ip: '2001:db8::1', detail: null },
  { key: 'e5', at: '2031-04-01T00:00:00.000000Z', actor: 'registrar', action: 'registrar_x.odd%name', subject: null, ip: null, detail: null },
  { key: 'e6', at: '2031-04-01T00:00:00.000000Z', actor: 'registrar', action: 'permanente.password.changed', subject: 'p2', ip: null, detail: { n: 3 } },
];

async function fill(database: Database): Promise<void> {
  for (const r of ROWS)
    await database.db
      .insertInto('audit_log')
      .values({ actor: r.actor, action: r.action, subject: r.subject, ip: r.ip, detail: JSON.stringify({ ...r.detail, key: r.key }), at: r.at })
      .execute();
}

type Line = { id: string; at: string; actor: string; action: string; subject: string | null; ip: string | null; detail: { key: string } & Record<string, unknown> };
const keys = (lines: string[]) => lines.map((l) => (JSON.parse(l) as Line).detail.key);

describe('audit export', () => {
  describe('directly on the embedded database (VAR_DIR)', () => {
    let varDir: string;
    const env = () => ({ VAR_DIR: varDir });
    const open = () => openDatabase(testConfig({ varDir, database: { pgliteDir: 'db' } }));
    before(async function () {
      this.timeout(60_000);
      varDir = mkdtempSync(path.join(os.tmpdir(), 'pasarela-audit-'));
      const database = await open();
      try {
        await fill(database);
      } finally {
        await database.close();
      }
    });
    after(() => rmSync(varDir, { recursive: true, force: true }));

    it('every entry, one valid JSON line each, in time order across page boundaries', async function () {
      this.timeout(30_000);
      const io = captured();
      assert.equal(await pasarela(['audit', 'export', '--page-size', '2'], env(), io), 0, io.err_.join('\n'));
      assert.deepEqual(keys(io.out_), ['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
      const first = JSON.parse(io.out_[1]!) as Line;
      assert.deepEqual(Object.keys(first), ['id', 'at', 'actor', 'action', 'subject', 'ip', 'detail']);
      assert.equal(first.at, '2031-01-15T08:00:00.000Z');
      assert.deepEqual(first.detail, { level: 'advanced', key: 'e1' });
      assert.equal(first.ip, null);
      // equal times: id order (e5 was inserted before e6)
      assert.ok(BigInt((JSON.parse(io.out_[5]!) as Line).id) < BigInt((JSON.parse(io.out_[6]!) as Line).id));
      // the page size never changes the answer
      for (const size of ['1', '3', '7', '1000']) {
        const again = captured();
        assert.equal(await main(['export', '--page-size', size], env(), again), 0);
        assert.deepEqual(again.out_, io.out_, `page size ${size}`);
      }
    });

    it('filters: since (inclusive), until (exclusive), subject, action prefix taken literally', async function () {
      this.timeout(30_000);
      const run = async (...args: string[]) => {
        const io = captured();
        assert.equal(await main(['export', '--page-size', '2', ...args], env(), io), 0, io.err_.join('\n'));
        return keys(io.out_);
      };
      assert.deepEqual(await run('--since', '2031-02-01T00:00:00Z'), ['e3', 'e4', 'e5', 'e6']);
      assert.deepEqual(await run('--until', '2031-02-01'), ['e0', 'e1', 'e2']);
      assert.deepEqual(await run('--since', '2031-01-15T08:00:00.000Z', '--until', '2031-03-01T10:00:00Z'), ['e1', 'e2', 'e3']);
      assert.deepEqual(await run('--subject', 'p1'), ['e1', 'e2', 'e4']);
      assert.deepEqual(await run('--action', 'permanente.password.'), ['e4', 'e6']);
      assert.deepEqual(await run('--action', 'registrar_'), ['e5'], '_ is no wildcard');
      assert.deepEqual(await run('--action', 'registrar%'), []);
      assert.deepEqual(await run('--subject', 'p2', '--action', 'permanente.', '--since', '2031-01-02'), ['e3', 'e6']);
      assert.deepEqual(await run('--subject', 'nobody'), []);
    });

    it('--out writes the same lines to a file only its owner can read', async function () {
      this.timeout(30_000);
      const out = path.join(varDir, 'audit.jsonl');
      const io = captured();
      assert.equal(await main(['export', '--out', out, '--page-size', '3'], env(), io), 0, io.err_.join('\n'));
      assert.deepEqual(io.out_, [`exported 7 audit entries to ${out}`]);
      const text = readFileSync(out, 'utf8');
      assert.ok(text.endsWith('\n'));
      assert.deepEqual(keys(text.trimEnd().split('\n')), ['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
      assert.equal(statSync(out).mode & 0o777, 0o600);
    });

    it('refuses clearly while a broker holds the embedded database', async function () {
      this.timeout(30_000);
      const held = await open();
      try {
        const io = captured();
        assert.equal(await main(['export'], env(), io), 1);
        assert.match(io.err_.join('\n'), /a broker is running on this database \(process \d+\): use --broker URL with AUDIT_TOKEN/);
        assert.deepEqual(io.out_, []);
      } finally {
        await held.close();
      }
    });

    it('usage mistakes exit 2 before touching the database', async () => {
      for (const args of [['export', '--since', 'yesterday'], ['export', '--until', '2031-13-45'], ['export', '--page-size', '0'], ['import'], ['export', '--nonsense']]) {
        const io = captured();
        assert.equal(await main(args, env(), io), 2, args.join(' '));
        assert.match(io.err_.join('\n'), /usage:/);
      }
      const io = captured();
      assert.equal(await main(['export', '--broker', 'http://127.0.0.1:9'], {}, io), 2);
      assert.match(io.err_.join('\n'), /AUDIT_TOKEN is required/);
    });
  });

  // the API's pages on PGlite, and on PostgreSQL when TEST_DATABASE_URL names one
  const apiSuite = (name: string, openDb: () => Promise<Database & { drop?: () => Promise<void> }>) => describe(name, () => {
    let database: Database & { drop?: () => Promise<void> };
    let url: string;
    let offUrl: string;
    const servers: import('node:http').Server[] = [];
    before(async function () {
      this.timeout(60_000);
      database = await openDb();
      await fill(database);
      const listen = async (token: string | undefined) => {
        const app = express();
        app.use('/api/audit', createAuditRouter(database.db, token));
        const server = app.listen(0, '127.0.0.1');
        await new Promise((r) => server.once('listening', r));
        servers.push(server);
        return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      };
      url = await listen(TOKEN);
      offUrl = await listen(undefined);
    });
    after(async () => {
      for (const s of servers) await new Promise((r) => s.close(r));
      await database.close();
      await database.drop?.();
    });

    it('the same lines as directly, page by page, with the filters', async () => {
      let io = captured();
      assert.equal(await main(['export', '--broker', url, '--page-size', '2'], { AUDIT_TOKEN: TOKEN }, io), 0, io.err_.join('\n'));
      assert.deepEqual(keys(io.out_), ['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
      io = captured();
      assert.equal(await main(['export', '--page-size', '1', '--subject', 'p2', '--action', 'permanente.', '--since', '2031-01-02'], { PASARELA_URL: url, AUDIT_TOKEN: TOKEN }, io), 0, io.err_.join('\n'));
      assert.deepEqual(keys(io.out_), ['e3', 'e6']);
    });

    it('the API refuses a wrong token, is off without one, and checks its parameters', async () => {
      let io = captured();
      assert.equal(await main(['export', '--broker', url], { AUDIT_TOKEN: 'wrong-token-0123456789abcdef' }, io), 1);
      assert.match(io.err_.join('\n'), /401, the broker refused AUDIT_TOKEN/);
      io = captured();
      assert.equal(await main(['export', '--broker', offUrl], { AUDIT_TOKEN: TOKEN }, io), 1);
      assert.match(io.err_.join('\n'), /404, the audit API is off/);
      const auth = { Authorization: `Bearer ${TOKEN}` };
      for (const q of ['after=bm9wZQ', 'limit=0', 'limit=10001', 'since=yesterday']) {
        const res = await fetch(`${url}/api/audit/entries?${q}`, { headers: auth });
        assert.equal(res.status, 400, q);
      }
      const res = await fetch(`${url}/api/audit/entries?limit=2`, { headers: auth });
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const page = (await res.json()) as { entries: Line[]; next?: string };
      assert.equal(page.entries.length, 2);
      assert.equal(typeof page.next, 'string');
    });
  });

  apiSuite('through the audit API (--broker / PASARELA_URL with AUDIT_TOKEN) [PGlite]', () => openDatabase(testConfig({ database: { pgliteDir: 'memory://' } })));
  describeServer(serverTarget('through the audit API [PostgreSQL]', 'TEST_DATABASE_URL'), (baseUrl) => {
    apiSuite('pages', async () => {
      const testDb = await createTestDatabase(baseUrl);
      const database = await openDatabase(testConfig({ database: { url: testDb.url } }));
      return { ...database, drop: () => testDb.drop() };
    });
  });
});
