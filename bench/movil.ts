// `npm run bench:movil` (npx tsx bench/movil.ts --redis-url redis://…): what Cl@ve Móvil costs
// while people look at their phones (issue 4). Needs a Redis (--redis-url, or TEST_REDIS_URL); it
// uses key prefixes of its own and deletes its keys afterwards. Prints figures; never fails on speed.
//
// 1. 10,000 pending login requests held in Redis at once, opened by the connector's own store
//    (connectors/movil/login-requests.ts), half from a QR code, half pushed to a person (those also
//    hold the person's pointer key); each request record measured with MEMORY USAGE (target < 4 KB).
// 2. 1,000 browsers waiting at once by server-sent events on one broker node (its own process,
//    pinned to CPU 0): each a complete login from an AuthnRequest to the waiting page of a QR
//    request, then its event stream, counted as waiting once the node said "pending" on it (the
//    node has subscribed for it). The node's memory (RSS, V8 heap after a GC) and open file
//    descriptors before, during, and after the browsers left.
import http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { createRedisStore } from '../broker/store/ephemeral-redis.js';
import { createLoginRequests } from '../connectors/movil/login-requests.js';
import { csrfOf, txOf } from '../tests/helpers/flow-driver.js';
import { uniqueName } from '../tests/helpers/store-targets.js';
import { startBench } from './machine.js';
import { startPinned, type PinnedChild } from './pinned-child.js';
import { CookieJar, send } from './login.js';
import { freshRedirectPath } from './authn-requests.js';
import { machineLine, textTable, writeDocsSection, type DocSection, type Row } from './report.js';

const DEADLINE_MS = 300_000;
const KB = 1024;
// a long agency name, as the app shows it: the records are measured at their realistic worst
const SERVICE = 'Agencia Estatal de Administración Tributaria — Sede electrónica, Renta 2025';

const SECTION: DocSection = {
  name: 'movil',
  heading: 'Cl@ve Móvil: pending requests in Redis, browsers waiting by server-sent events',
  intro: [
    'Pending Cl@ve Móvil login requests opened at once in Redis by the connector’s own store, half',
    'from a QR code and half pushed to a person (who then also has a pointer key to their one pending',
    'request), with a 76-character service name; every request record measured with Redis',
    '`MEMORY USAGE`. Then browsers waiting at once on one broker node (its own process on CPU 0, Redis',
    'ephemeral store): each a complete login from an AuthnRequest to the waiting page of a QR request,',
    'then its `/events` stream, counted once the node answered "pending" on it (it has subscribed to',
    'the request’s channel by then). The node’s RSS and V8 heap (after a GC) and its open file',
    'descriptors (`/proc/<pid>/fd`) are read before, while all browsers wait, and after they left.',
  ],
};

interface NodeMemory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  fds: number;
}

const mib = (b: number) => `${(b / (1024 * 1024)).toFixed(1)} MiB`;

async function inBatches<T>(n: number, size: number, one: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i += size) out.push(...(await Promise.all(Array.from({ length: Math.min(size, n - i) }, (_, j) => one(i + j)))));
  return out;
}

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** 1. the requests held in Redis */
async function pendingRequests(redisUrl: string, redis: Redis, count: number): Promise<{ rows: Row[]; notes: string[] }> {
  const prefix = `${uniqueName('bench-movil')}:`;
  const store = await createRedisStore(redisUrl, prefix);
  try {
    const requests = createLoginRequests(store, { validityMs: 300_000, now: () => new Date() });
    const usedBefore = Number(/^used_memory:(\d+)/m.exec(await redis.info('memory'))![1]);
    const opened = await inBatches(count, 200, (i) =>
      requests.open({ txId: randomBytes(16).toString('base64url').slice(0, 22), mode: i % 2 ? 'push' : 'qr', service: SERVICE, personId: i % 2 ? randomUUID() : null, deviceId: null }),
    );
    const usedAfter = Number(/^used_memory:(\d+)/m.exec(await redis.info('memory'))![1]);
    const sizes: number[] = [];
    for (let i = 0; i < opened.length; i += 500) {
      const pipeline = redis.pipeline();
      for (const r of opened.slice(i, i + 500)) pipeline.call('MEMORY', 'USAGE', `${prefix}movil:req:${r.id}`, 'SAMPLES', '0');
      for (const [err, size] of (await pipeline.exec())!) {
        if (err || typeof size !== 'number') throw new Error(`MEMORY USAGE failed: ${err?.message ?? 'no such key'}`);
        sizes.push(size);
      }
    }
    const pointer = (await redis.call('MEMORY', 'USAGE', `${prefix}movil:person:${opened[1]!.personId}`, 'SAMPLES', '0')) as number;
    const min = Math.min(...sizes);
    const max = Math.max(...sizes);
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    console.log(`  ${sizes.length} requests held; MEMORY USAGE min ${min} B, mean ${mean.toFixed(0)} B, max ${max} B; person pointer ${pointer} B`);
    return {
      rows: [
        { figure: 'pending requests held in Redis at once', value: String(sizes.length), target: `${count}`, met: sizes.length === count ? 'yes' : 'no' },
        { figure: 'request record, MEMORY USAGE min / mean / max', value: `${min} / ${mean.toFixed(0)} / ${max} B`, target: '< 4 KB each', met: max < 4 * KB ? 'yes' : 'no' },
        { figure: "person's pointer key (pushed requests), MEMORY USAGE", value: `${pointer} B`, target: '', met: '' },
        { figure: 'Redis used_memory growth per request', value: `${((usedAfter - usedBefore) / count).toFixed(0)} B`, target: '', met: '' },
      ],
      notes: ['Redis used_memory growth counts every key of the run (request records, person pointers) with the allocator and dictionary overhead'],
    };
  } finally {
    await deleteKeys(redis, prefix);
    await store.close();
  }
}

/** a browser at the waiting page of a QR request: its cookies and transaction */
async function toWaitingPage(base: string): Promise<{ jar: CookieJar; tx: string }> {
  const jar = new CookieJar();
  const start = await send(base, jar, freshRedirectPath(base));
  if (start.status !== 303) throw new Error(`SSO start answered ${start.status}`);
  const tx = txOf(start.location!);
  const csrf = csrfOf((await send(base, jar, `/login/${tx}`)).text);
  if ((await send(base, jar, `/login/${tx}/choose`, { csrf, method: 'movil' })).status !== 303) throw new Error('choosing Cl@ve Móvil failed');
  const qr = await send(base, jar, `/connectors/movil/${tx}/qr`, { csrf });
  if (qr.status !== 303) throw new Error(`the QR request answered ${qr.status}: ${qr.text.slice(0, 200)}`);
  return { jar, tx };
}

/** opens the event stream; resolves once the node said "pending" on it */
function waitOnEvents(base: string, b: { jar: CookieJar; tx: string }): Promise<http.ClientRequest> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}/connectors/movil/${b.tx}/events`, { headers: { cookie: b.jar.header(), accept: 'text/event-stream' }, agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`events answered ${res.statusCode}`));
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        if (text.includes('data: pending')) resolve(req);
      });
    });
    req.on('error', reject);
  });
}

function nodeMemory(child: PinnedChild): () => Promise<NodeMemory> {
  const lines = createInterface({ input: child.child.stdout! });
  const waiting: ((m: NodeMemory) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(JSON.parse(line) as NodeMemory));
  return () =>
    new Promise((resolve) => {
      waiting.push(resolve);
      child.child.stdin!.write('memory\n');
    });
}

function procStatus(pid: number): { rss: number; fds: number } {
  const rss = Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
  return { rss, fds: readdirSync(`/proc/${pid}/fd`).length };
}

/** 2. the browsers waiting on one node */
async function waitingBrowsers(redisUrl: string, redis: Redis, count: number): Promise<{ rows: Row[]; notes: string[] }> {
  const prefix = `${uniqueName('bench-movil')}:`;
  const node = startPinned('bench/movil-server.ts', [redisUrl, prefix], { cpu: 0, nodeFlags: ['--expose-gc'], timeoutMs: 90_000 });
  const streams: http.ClientRequest[] = [];
  try {
    const { url } = (await node.ready) as { url: string };
    const memory = nodeMemory(node);
    const pid = node.child.pid!;
    const browsers = await inBatches(count, 50, () => toWaitingPage(url));
    // the logins' keep-alive sockets close after the server's 5 s keepAliveTimeout: not counted
    await new Promise((r) => setTimeout(r, 6000));
    const before = await memory();
    const procBefore = procStatus(pid);
    const t0 = Date.now();
    streams.push(...(await inBatches(count, 100, (i) => waitOnEvents(url, browsers[i]!))));
    const openMs = Date.now() - t0;
    await new Promise((r) => setTimeout(r, 1000));
    const during = await memory();
    const procDuring = procStatus(pid);
    const subscriptions = ((await redis.call('PUBSUB', 'CHANNELS', `${prefix}movil:*`)) as string[]).length;
    for (const s of streams.splice(0)) s.destroy();
    await new Promise((r) => setTimeout(r, 2000));
    const after = await memory();
    const procAfter = procStatus(pid);
    const per = (a: number, b: number) => (b > a ? `${((b - a) / count / 1024).toFixed(1)} KiB per waiting browser` : 'no growth visible in RSS (it still holds the pages of the login phase)');
    console.log(`  ${count} browsers waiting after ${openMs} ms; RSS ${mib(before.rss)} → ${mib(during.rss)} → ${mib(after.rss)}; heap ${mib(before.heapUsed)} → ${mib(during.heapUsed)} → ${mib(after.heapUsed)}; fds ${procBefore.fds} → ${procDuring.fds} → ${procAfter.fds}; Redis channels ${subscriptions}`);
    return {
      rows: [
        { figure: 'browsers waiting at once on one node (SSE, subscribed)', value: String(count), target: '1000', met: count >= 1000 ? 'yes' : 'no' },
        { figure: 'time to open all their streams (100 at a time)', value: `${openMs} ms`, target: '', met: '' },
        { figure: 'node RSS before / during / after', value: `${mib(before.rss)} / ${mib(during.rss)} / ${mib(after.rss)}`, target: '', met: '' },
        { figure: 'node V8 heap used (after GC) before / during / after', value: `${mib(before.heapUsed)} / ${mib(during.heapUsed)} / ${mib(after.heapUsed)}`, target: '', met: '' },
        { figure: 'node open file descriptors before / during / after', value: `${procBefore.fds} / ${procDuring.fds} / ${procAfter.fds}`, target: '', met: '' },
        { figure: 'Redis channels subscribed while they wait', value: String(subscriptions), target: String(count), met: subscriptions === count ? 'yes' : 'no' },
      ],
      notes: [
        `V8 heap: ${per(before.heapUsed, during.heapUsed)}; RSS: ${per(before.rss, during.rss)}`,
        `node RSS read from /proc/<pid>/status: ${mib(procBefore.rss)} / ${mib(procDuring.rss)} / ${mib(procAfter.rss)}; most of it is the embedded PGlite database and the ${count} logins that led to the waiting pages`,
        `file descriptors: one socket per waiting browser; "after" is once the browsers closed their streams and the node released them`,
      ],
    };
  } finally {
    for (const s of streams) s.destroy();
    await node.stop();
    await deleteKeys(redis, prefix);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'redis-url': { type: 'string' },
      requests: { type: 'string', default: '10000' },
      browsers: { type: 'string', default: '1000' },
      'write-docs': { type: 'boolean', default: false },
    },
  });
  const redisUrl = values['redis-url'] ?? process.env.TEST_REDIS_URL;
  if (!redisUrl) {
    console.error('bench:movil needs a Redis: --redis-url redis://… (or TEST_REDIS_URL)');
    process.exit(2);
  }
  const { machine, pinning } = startBench('bench:movil', {
    deadlineMs: DEADLINE_MS,
    loadCpu: 1,
    pinned: 'broker node on CPU 0, browsers on CPU 1 (taskset)',
    sharedCpu: 'ONE CPU ONLY: the node and the browsers share it',
  });
  console.log(`bench:movil — ${machineLine(machine, pinning)}\n`);
  const redis = new Redis(redisUrl, { lazyConnect: true });
  await redis.connect();
  try {
    const held = await pendingRequests(redisUrl, redis, Number(values.requests));
    const waiting = await waitingBrowsers(redisUrl, redis, Number(values.browsers));
    const rows = [...held.rows, ...waiting.rows];
    const notes = [...held.notes, ...waiting.notes];
    console.log(`\n${textTable(rows)}`);
    for (const n of notes) console.log(`  ${n}`);
    if (values['write-docs']) {
      await writeDocsSection(rows, machine, pinning, `npm run bench:movil -- --redis-url <redis> --requests ${values.requests} --browsers ${values.browsers}`, notes, SECTION);
    }
  } finally {
    redis.disconnect();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
