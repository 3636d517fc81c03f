// `npm run bench:cluster`: what one login costs the shared stores, and how throughput moves from
// one broker node to two. Needs a PostgreSQL server and a Redis (--database-url / --redis-url, or
// TEST_DATABASE_URL / TEST_REDIS_URL); it creates and drops its own database and uses its own key
// prefix. Prints figures; never fails on speed.
//
// 1. Store cost, one node, logins one at a time: Redis commands and bytes (INFO deltas), and
//    PostgreSQL transactions and rows (pg_stat_database deltas of the benchmark's database) per
//    complete Cl@ve Permanente login (5 requests) and per SSO round trip on a live session.
// 2. Throughput of complete password logins: one node on CPU 0, then two nodes (CPU 0 and CPU 1)
//    with every request of a login sent to the other node in turn, as a round-robin balancer does.
//    On a 2-CPU machine the load generator shares the CPUs with the two nodes: the two-node figure
//    is then a lower bound.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Redis } from 'ioredis';
import { createTestDatabase, uniqueName } from '../tests/helpers/store-targets.js';
import { startBench } from './machine.js';
import { startPinned, type PinnedChild } from './pinned-child.js';
import { openLogin, passwordLogin, passwordStep, roundRobin, runPasswordLogins, single, type Target } from './password-load.js';
import { BENCH_PASSWORD, benchPersons } from './password-persons.js';
import { CookieJar, send } from './login.js';
import { freshRedirectPath } from './authn-requests.js';
import { machineLine, textTable, writeDocsSection, type DocSection, type Row } from './report.js';

const DEADLINE_MS = 240_000;
const PERSONS = 50;
const SEQUENTIAL = 100;

const SECTION: DocSection = {
  name: 'cluster',
  heading: 'Cluster: store cost per login, one node against two',
  intro: [
    'What one login costs the shared stores, measured on one node with logins one at a time: Redis',
    'commands and bytes from `INFO` deltas, PostgreSQL transactions and rows from `pg_stat_database`',
    'deltas of the run’s own database (one statement outside a transaction is one transaction).',
    'A login is a complete Cl@ve Permanente login in normal mode (AuthnRequest, selector, choice,',
    'password page, password POST ending in a Success Response; argon2id with the production',
    'parameters); an SSO round trip is a fresh AuthnRequest answered from a live SSO session.',
    'Then the throughput of such logins with one node (CPU 0) and with two nodes (CPU 0 and CPU 1),',
    'every request of a login going to the other node in turn. On a 2-CPU machine the load generator',
    'shares the CPUs with two nodes, so the two-node figure is a lower bound. docs/scaling.md turns',
    'these numbers into a deployment size.',
  ],
};

interface Counters {
  redisCommands: number;
  redisBytesIn: number;
  redisBytesOut: number;
  pgXacts: number;
  pgRowsWritten: number;
}

async function counters(redis: Redis, db: pg.Client, dbName: string): Promise<Counters> {
  const info = await redis.info('stats');
  const stat = (k: string) => Number(new RegExp(`^${k}:(\\d+)`, 'm').exec(info)?.[1] ?? NaN);
  const row = (await db.query<{ x: string; w: string }>(
    'select xact_commit + xact_rollback as x, tup_inserted + tup_updated + tup_deleted as w from pg_stat_database where datname = $1',
    [dbName],
  )).rows[0]!;
  return {
    redisCommands: stat('total_commands_processed'),
    redisBytesIn: stat('total_net_input_bytes'),
    redisBytesOut: stat('total_net_output_bytes'),
    pgXacts: Number(row.x),
    pgRowsWritten: Number(row.w),
  };
}

/** pg_stat_database lags: the statistics collector flushes every ~0.5 s and on demand. */
async function settledCounters(redis: Redis, db: pg.Client, dbName: string): Promise<Counters> {
  await db.query('select pg_stat_force_next_flush()').catch(() => undefined);
  await new Promise((r) => setTimeout(r, 1200));
  return counters(redis, db, dbName);
}

function perOp(a: Counters, b: Counters, n: number, own: { redis: number; pg: number }): Record<keyof Counters, number> {
  const d = (k: keyof Counters) => (b[k] - a[k]) / n;
  return {
    // the measuring connections' own commands (INFO, the stats query) are taken out
    redisCommands: d('redisCommands') - own.redis / n,
    redisBytesIn: d('redisBytesIn'),
    redisBytesOut: d('redisBytesOut'),
    pgXacts: d('pgXacts') - own.pg / n,
    pgRowsWritten: d('pgRowsWritten'),
  };
}

/** Keys of the run grouped by kind (the segment after the prefix), with their average MEMORY USAGE. */
async function keyMemory(redis: Redis, prefix: string): Promise<string> {
  const keys = await redis.keys(`${prefix}*`);
  const byKind = new Map<string, string[]>();
  for (const k of keys) {
    const kind = k.slice(prefix.length).split(':')[0]!;
    byKind.set(kind, [...(byKind.get(kind) ?? []), k]);
  }
  const parts: string[] = [];
  for (const [kind, list] of [...byKind].sort((a, b) => b[1].length - a[1].length)) {
    const sample = list.slice(0, 200);
    const sizes = await Promise.all(sample.map((k) => redis.call('MEMORY', 'USAGE', k) as Promise<number | null>));
    const avg = sizes.reduce<number>((t, x) => t + (x ?? 0), 0) / sample.length;
    parts.push(`${kind} ${list.length} keys × ${Math.round(avg)} B`);
  }
  return parts.join(', ');
}

async function startNode(databaseUrl: string, redisUrl: string, prefix: string, publicUrl: string | undefined, seed: number, cpu: number): Promise<{ child: PinnedChild; url: string; publicUrl: string }> {
  const child = startPinned('bench/cluster-server.ts', [databaseUrl, redisUrl, prefix, publicUrl ?? '-', String(seed)], { cpu, timeoutMs: 90_000 });
  const ready = (await child.ready) as { url: string; publicUrl: string };
  return { child, url: ready.url, publicUrl: ready.publicUrl };
}

async function ssoRoundTrip(t: Target, jar: CookieJar): Promise<boolean> {
  const r = await send(t.next(), jar, freshRedirectPath(t.publicUrl));
  return r.status === 200 && r.text.includes('name="SAMLResponse"');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'database-url': { type: 'string' },
      'redis-url': { type: 'string' },
      seconds: { type: 'string', default: '10' },
      connections: { type: 'string', default: '6' },
      'write-docs': { type: 'boolean', default: false },
    },
  });
  const databaseUrl = values['database-url'] ?? process.env.TEST_DATABASE_URL;
  const redisUrl = values['redis-url'] ?? process.env.TEST_REDIS_URL;
  if (!databaseUrl || !redisUrl) {
    console.error('bench:cluster needs a PostgreSQL server and a Redis: --database-url postgres://… --redis-url redis://… (or TEST_DATABASE_URL / TEST_REDIS_URL)');
    process.exit(2);
  }
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const { machine, pinning } = startBench('bench:cluster', {
    deadlineMs: DEADLINE_MS,
    loadCpu: 1,
    pinned: 'node 1 on CPU 0, node 2 (second phase) on CPU 1, load generator on CPU 1 (taskset)',
    sharedCpu: 'ONE CPU ONLY: nodes and load generator share it, figures are low',
  });
  console.log(`bench:cluster — ${machineLine(machine, pinning)}\n`);

  const database = await createTestDatabase(databaseUrl);
  const dbName = new URL(database.url).pathname.slice(1);
  const prefix = `${uniqueName('bench')}:`;
  const redis = new Redis(redisUrl, { lazyConnect: true });
  await redis.connect();
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const documents = benchPersons(PERSONS).map((p) => p.documentNumber!);
  const nodes: PinnedChild[] = [];
  try {
    // 1. store cost on one node
    const a = await startNode(database.url, redisUrl, prefix, undefined, PERSONS, 0);
    nodes.push(a.child);
    const one = single(a.url);
    // every person once first: their pseudonyms for the SP exist, as in a running deployment
    for (const d of documents) await passwordLogin(one, d, BENCH_PASSWORD);
    let before = await settledCounters(redis, db, dbName);
    for (let i = 0; i < SEQUENTIAL; i++) {
      const r = await passwordLogin(one, documents[i % PERSONS]!, BENCH_PASSWORD);
      if (!r.ok) throw new Error(`login failed: ${r.why}`);
    }
    let after = await settledCounters(redis, db, dbName);
    const login = perOp(before, after, SEQUENTIAL, { redis: 1, pg: 2 });

    // one login whose browser keeps its SSO session for the round trips
    const opened = await openLogin(one);
    if (!opened.ok) throw new Error(opened.why);
    const done = await passwordStep(one, opened.login, documents[0]!, BENCH_PASSWORD);
    if (!done.ok || !done.html.includes('SAMLResponse')) throw new Error('no SSO session for the round trips');
    const jar = opened.login.jar;
    before = await settledCounters(redis, db, dbName);
    for (let i = 0; i < SEQUENTIAL; i++) if (!(await ssoRoundTrip(one, jar))) throw new Error('an SSO round trip failed');
    after = await settledCounters(redis, db, dbName);
    const sso = perOp(before, after, SEQUENTIAL, { redis: 1, pg: 2 });
    console.log(`  per login: ${login.redisCommands.toFixed(1)} Redis commands, ${login.pgXacts.toFixed(1)} PostgreSQL transactions`);
    console.log(`  per SSO round trip: ${sso.redisCommands.toFixed(1)} Redis commands, ${sso.pgXacts.toFixed(1)} PostgreSQL transactions`);

    // 2. throughput, one node then two
    const oneNode = await runPasswordLogins(one, { connections, warmSeconds: 2, seconds, documents, password: BENCH_PASSWORD });
    console.log(`  logins/s, one node: ${oneNode.perSecond}`);
    const b = await startNode(database.url, redisUrl, prefix, a.publicUrl, 0, 1);
    nodes.push(b.child);
    const both = roundRobin(a.publicUrl, [a.url, b.url]);
    const twoNodes = await runPasswordLogins(both, { connections: connections * 2, warmSeconds: 2, seconds, documents, password: BENCH_PASSWORD });
    console.log(`  logins/s, two nodes: ${twoNodes.perSecond}\n`);
    const failures = [...oneNode.failures, ...twoNodes.failures].map(([why, n]) => `${n} × ${why}`);
    const memory = await keyMemory(redis, prefix);
    console.log(`  Redis memory by kind of key: ${memory}\n`);

    const f1 = (x: number) => x.toFixed(1);
    const kb = (x: number) => `${(x / 1024).toFixed(1)} KiB`;
    const rows: Row[] = [
      { figure: 'Redis commands per login', value: f1(login.redisCommands), target: '', met: '' },
      { figure: 'Redis bytes per login (in / out)', value: `${kb(login.redisBytesIn)} / ${kb(login.redisBytesOut)}`, target: '', met: '' },
      { figure: 'PostgreSQL transactions per login', value: f1(login.pgXacts), target: '', met: '' },
      { figure: 'PostgreSQL rows written per login', value: f1(login.pgRowsWritten), target: '', met: '' },
      { figure: 'Redis commands per SSO round trip', value: f1(sso.redisCommands), target: '', met: '' },
      { figure: 'Redis bytes per SSO round trip (in / out)', value: `${kb(sso.redisBytesIn)} / ${kb(sso.redisBytesOut)}`, target: '', met: '' },
      { figure: 'PostgreSQL transactions per SSO round trip', value: f1(sso.pgXacts), target: '', met: '' },
      { figure: `password logins/s, one node (${connections} browsers)`, value: `${oneNode.perSecond}/s`, target: '', met: '' },
      { figure: `password logins/s, two nodes round robin (${connections * 2} browsers)`, value: `${twoNodes.perSecond}/s`, target: '', met: '' },
    ];
    const notes = [
      `${SEQUENTIAL} logins and ${SEQUENTIAL} SSO round trips one at a time for the store costs; ${PERSONS} persons; login history and audit writes included (the history is written behind in batches, so its inserts are shared by several logins)`,
      `Redis memory by kind of key left after the run (MEMORY USAGE, sampled): ${memory}`,
      'PostgreSQL transactions are pg_stat_database deltas of the run’s database: they include autovacuum and autoanalyze work in the window, so they are an upper bound (a statement log of the same run shows 4 statements per login — person by document, account, audit entry, person by id — plus the batched history insert, and none per SSO round trip beyond the batched history insert and per-node cache misses)',
      `latency p50 / p99: one node ${oneNode.latencyMs.p50} / ${oneNode.latencyMs.p99} ms, two nodes ${twoNodes.latencyMs.p50} / ${twoNodes.latencyMs.p99} ms`,
      ...(failures.length ? [`FAILED LOGINS: ${failures.join(', ')}`] : []),
    ];
    console.log(textTable(rows));
    console.log('\n' + notes.map((n) => `- ${n}`).join('\n'));
    if (values['write-docs']) {
      const command = 'npm run bench:cluster -- --write-docs --database-url <PostgreSQL URL> --redis-url <Redis URL>';
      await writeDocsSection(rows, machine, pinning, command, notes, SECTION);
    }
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await db.end();
    await database.drop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
