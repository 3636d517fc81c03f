// The cluster when its stores fail: Redis restarted mid-login, PostgreSQL restarted mid-login,
// Redis unreachable when a node starts. The suite runs its own redis-server and its own
// PostgreSQL cluster, so stopping them disturbs no other suite. What must hold: logins in flight
// end on a readable error page (never a hang or a crashed node), new logins succeed within seconds
// of the store coming back, and PostgreSQL holds nothing half-written.
import assert from 'node:assert/strict';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../helpers/store-targets.js';
import { Browser, describeCluster, freePort, loadPersons, ownPostgres, ownRedis, sleep, startCluster, type Answer, type Cluster, type OwnPostgres, type OwnRedis } from '../../helpers/cluster.js';
import { authnRequestQuery, isSuccess, pinLogin } from '../../helpers/cluster-login.js';
import { csrfOf, txOf } from '../../helpers/flow-driver.js';
import { SP2 } from '../../helpers/test-broker.js';

const PERSONS = loadPersons(6);

/** A login stopped on the PIN code page, its SMS read: the next step is posting the code. */
interface Paused {
  readonly browser: Browser;
  readonly tx: string;
  readonly csrf: string;
  readonly pin: string;
}

async function pauseAtCode(c: Cluster, browser: Browser, person: (typeof PERSONS)[number]): Promise<Paused> {
  const tx = txOf((await browser.get(authnRequestQuery(c, SP2))).location!);
  const csrf = csrfOf((await browser.get(`/login/${tx}`)).text);
  assert.equal((await browser.post(`/login/${tx}/choose`, { csrf, method: 'pin' })).status, 303);
  const since = Date.now();
  assert.equal((await browser.post(`/connectors/pin/${tx}/request`, { csrf, document: person.document, documentDate: person.documentDate })).status, 303);
  return { browser, tx, csrf, pin: await c.outbox.code(person.mobile, since) };
}

/** An error the person can read: an HTML page with a message, a 4xx or 5xx status, in time. */
function assertClearErrorPage(a: Answer, what: string): void {
  assert.ok(a.status >= 400 && a.status < 600, `${what}: HTTP ${a.status}`);
  assert.match(a.headers.get('content-type') ?? '', /text\/html/, what);
  assert.match(a.text, /role="alert"|<h1/, `${what}: a readable page, got ${a.text.slice(0, 300)}`);
  assert.doesNotMatch(a.text, /SAMLResponse|Bad Gateway|at .*\.ts:\d+/, what);
}

async function newLoginWithin(c: Cluster, ms: number, ip: string): Promise<number> {
  const started = Date.now();
  let last: unknown;
  while (Date.now() - started < ms) {
    try {
      if (isSuccess(await pinLogin(c, new Browser(c.url, ip), PERSONS[5]!))) return Date.now() - started;
    } catch (err) {
      last = err;
    }
    await sleep(200);
  }
  throw new Error(`no successful login within ${ms} ms: ${(last as Error)?.message}`);
}

/** Nothing half-written: each login-history row names an existing person and stands for a login that reached the SP. */
async function assertConsistent(databaseUrl: string, successes: number): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // the history is written behind in 200 ms batches
    let rows = 0;
    for (let i = 0; i < 40; i++) {
      rows = Number((await client.query('select count(*) as n from login_history')).rows[0].n);
      if (rows >= successes) break;
      await sleep(100);
    }
    assert.equal(rows, successes, 'one login-history row per login that reached the SP, none for the failed ones');
    assert.equal(Number((await client.query('select count(*) as n from login_history h left join persons p on p.id = h.person_id where p.id is null')).rows[0].n), 0);
    assert.equal(Number((await client.query(`select count(*) as n from login_history where outcome <> 'success'`)).rows[0].n), 0);
    assert.equal(Number((await client.query('select count(*) as n from pairwise_pseudonyms s left join persons p on p.id = s.person_id where p.id is null')).rows[0].n), 0);
  } finally {
    await client.end();
  }
}

describeCluster('three broker processes when Redis or PostgreSQL fail', ['nginx', 'redis-server', 'postgresql'], function (this: Mocha.Suite) {
  this.timeout(60_000);
  let redis: OwnRedis;
  let postgres: OwnPostgres;
  let database: TestDatabase;
  let c: Cluster;
  let successes = 0;

  before(async function () {
    this.timeout(60_000);
    [redis, postgres] = await Promise.all([ownRedis(), ownPostgres()]);
    database = await createTestDatabase(postgres.url);
    c = await startCluster({ databaseUrl: database.url, redisUrl: redis.url, persons: PERSONS, config: { connectors: { pin: { requestsPerPersonPerHour: 100_000 } } } });
  });
  after(async () => {
    await c?.close();
    await redis?.stop();
    await postgres?.destroy();
  });

  const everyNodeUp = () => {
    for (const n of c.nodes) assert.ok(n.running, `${n.name} still running:\n${n.output.slice(-2000)}`);
    for (const n of c.nodes) assert.doesNotMatch(n.output, /unhandled|uncaught/i, n.name);
  };

  it('Redis restarted mid-login: logins in flight end on a clear page, new logins succeed within seconds, nothing half-written', async function () {
    this.timeout(40_000);
    assert.ok(isSuccess(await pinLogin(c, new Browser(c.url, '10.50.0.1'), PERSONS[0]!)));
    successes++;
    const paused = await Promise.all([1, 2, 3].map((i) => pauseAtCode(c, new Browser(c.url, `10.50.1.${i}`), PERSONS[i]!)));

    await redis.stop();
    const t0 = Date.now();
    const during = await Promise.all(paused.map((p) => p.browser.post(`/connectors/pin/${p.tx}/code`, { csrf: p.csrf, pin: p.pin })));
    const tookMs = Date.now() - t0;
    during.forEach((a, i) => assertClearErrorPage(a, `code posted while Redis is down (${i})`));
    assert.ok(tookMs < 8000, `answered in ${tookMs} ms, not a hang`);
    for (const n of c.nodes) assert.equal(await n.readyz(), 503, `${n.name} not ready without Redis`);

    await redis.start();
    // Redis came back empty (no persistence): the logins in flight are gone, and say so
    const after = await Promise.all(paused.map((p) => p.browser.post(`/connectors/pin/${p.tx}/code`, { csrf: p.csrf, pin: p.pin })));
    after.forEach((a, i) => assertClearErrorPage(a, `code posted after Redis came back (${i})`));
    const back = await newLoginWithin(c, 10_000, '10.50.2.1');
    successes++;
    console.log(`      Redis down: ${tookMs} ms for the in-flight answers; a new login succeeded ${back} ms after Redis was back`);
    everyNodeUp();
    await assertConsistent(database.url, successes);
  });

  it('PostgreSQL restarted mid-login: the same', async function () {
    this.timeout(40_000);
    const paused = await Promise.all([1, 2, 3].map((i) => pauseAtCode(c, new Browser(c.url, `10.60.1.${i}`), PERSONS[i]!)));

    await postgres.stop();
    const t0 = Date.now();
    const during = await Promise.all(paused.map((p) => p.browser.post(`/connectors/pin/${p.tx}/code`, { csrf: p.csrf, pin: p.pin })));
    const tookMs = Date.now() - t0;
    during.forEach((a, i) => assertClearErrorPage(a, `code posted while PostgreSQL is down (${i})`));
    assert.ok(tookMs < 8000, `answered in ${tookMs} ms, not a hang`);
    for (const n of c.nodes) assert.equal(await n.readyz(), 503, `${n.name} not ready without PostgreSQL`);
    // a new login cannot even ask for a PIN (the registry is in PostgreSQL): a clear page too
    const fresh = new Browser(c.url, '10.60.2.1');
    const tx = txOf((await fresh.get(authnRequestQuery(c, SP2))).location!);
    const csrf = csrfOf((await fresh.get(`/login/${tx}`)).text);
    await fresh.post(`/login/${tx}/choose`, { csrf, method: 'pin' });
    assertClearErrorPage(await fresh.post(`/connectors/pin/${tx}/request`, { csrf, document: PERSONS[4]!.document, documentDate: PERSONS[4]!.documentDate }), 'PIN request while PostgreSQL is down');

    await postgres.start();
    const back = await newLoginWithin(c, 10_000, '10.60.3.1');
    successes++;
    console.log(`      PostgreSQL down: ${tookMs} ms for the in-flight answers; a new login succeeded ${back} ms after PostgreSQL was back`);
    for (const n of c.nodes) assert.equal(await n.readyz(), 200, `${n.name} ready again`);
    everyNodeUp();
    await assertConsistent(database.url, successes);
  });

  it('Redis unreachable at start: the node stays up, /readyz 503 with a clear log line, and becomes ready when Redis appears', async function () {
    this.timeout(30_000);
    const port = await freePort();
    const node = await c.extraNode('late');
    await node.start({ waitReady: false, env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
    let status = 0;
    for (let i = 0; i < 100 && status === 0; i++) {
      status = await node.readyz().catch(() => 0);
      if (!node.running) break;
      if (status === 0) await sleep(100);
    }
    assert.ok(node.running, `exited:\n${node.output}`);
    const ready = await fetch(`${node.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.deepEqual(((await ready.json()) as { checks: unknown }).checks, { database: true, ephemeral: false });
    assert.match(node.output, new RegExp(`Redis at redis://127\\.0\\.0\\.1:${port}/? .*unreachable|cannot connect to Redis at redis://127\\.0\\.0\\.1:${port}`));
    await sleep(2000);
    assert.ok(node.running, 'no exit, so no crash loop under a supervisor');

    const late = await ownRedis(port);
    try {
      let readyIn = -1;
      const t0 = Date.now();
      while (Date.now() - t0 < 8000) {
        if ((await node.readyz()) === 200) {
          readyIn = Date.now() - t0;
          break;
        }
        await sleep(100);
      }
      assert.ok(readyIn >= 0, `ready once Redis answers:\n${node.output.slice(-2000)}`);
      console.log(`      ready ${readyIn} ms after Redis appeared`);
      assert.doesNotMatch(node.output, /unhandled|uncaught/i);
    } finally {
      await node.kill('SIGTERM');
      await late.stop();
    }
  });
});
