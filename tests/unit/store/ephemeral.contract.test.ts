// One contract for every EphemeralStore (broker/store/ephemeral.ts): the in-memory store always,
// Redis when TEST_REDIS_URL is set (required under CI). Concurrency is spread over several store
// instances where the implementation is shared, as several broker nodes would be.
import assert from 'node:assert/strict';
import net from 'node:net';
import { Redis } from 'ioredis';
import type { EphemeralStore } from '../../../broker/store/ephemeral.js';
import { createMemoryStore } from '../../../broker/store/ephemeral-memory.js';
import { createRedisStore } from '../../../broker/store/ephemeral-redis.js';
import { openEphemeral } from '../../../broker/store/ephemeral-factory.js';
import { describeServer, serverTarget, testConfig, uniqueName } from '../../helpers/store-targets.js';

interface Implementation {
  /** a new store, a new connection: a second broker node when `shared` */
  open(): Promise<EphemeralStore>;
  /** whether two opened stores see the same data (Redis) or each their own (memory) */
  shared: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let seq = 0;
const key = (what: string) => `${what}:${++seq}:${Math.random().toString(36).slice(2)}`;

function nextMessage(store: EphemeralStore, channel: string, timeoutMs = 2000): Promise<{ message: Promise<string>; off: () => Promise<void> }> {
  let resolve!: (m: string) => void;
  const message = new Promise<string>((res, rej) => {
    resolve = res;
    setTimeout(() => rej(new Error(`no message on ${channel} within ${timeoutMs} ms`)), timeoutMs).unref();
  });
  return store.subscribe(channel, (m) => resolve(m)).then((off) => ({ message, off }));
}

function contract(impl: Implementation): void {
  let a: EphemeralStore;
  let b: EphemeralStore; // another node when shared, else the same store
  let c: EphemeralStore;
  const opened: EphemeralStore[] = [];

  before(async () => {
    a = await impl.open();
    opened.push(a);
    if (impl.shared) {
      b = await impl.open();
      c = await impl.open();
      opened.push(b, c);
    } else {
      b = a;
      c = a;
    }
  });
  after(async () => {
    for (const s of opened) await s.close();
  });
  const nodes = () => [a, b, c];

  describe('get / set / del', () => {
    it('returns null for a missing key', async () => {
      assert.equal(await a.get(key('missing')), null);
    });
    it('sets, overwrites and deletes; another node reads the same value', async () => {
      const k = key('v');
      await a.set(k, 'one', 60_000);
      assert.equal(await b.get(k), 'one');
      await b.set(k, 'two', 60_000);
      assert.equal(await a.get(k), 'two');
      await a.del(k);
      assert.equal(await b.get(k), null);
      await a.del(k); // deleting a missing key is fine
    });
    it('forgets a value once its TTL passes', async () => {
      const k = key('short');
      await a.set(k, 'x', 40);
      assert.equal(await a.get(k), 'x');
      await sleep(120);
      assert.equal(await a.get(k), null);
      assert.equal(await a.take(k), null);
      assert.equal(await a.ttl(k), null);
    });
    it('refuses a TTL that is not positive', async () => {
      await assert.rejects(() => a.set(key('bad'), 'x', 0), RangeError);
      await assert.rejects(() => a.incr(key('bad'), -1), RangeError);
      await assert.rejects(() => a.setIfAbsent(key('bad'), 'x', Number.NaN), RangeError);
    });
  });

  describe('ttl', () => {
    it('is null for a missing key and the remaining time otherwise', async () => {
      const k = key('ttl');
      assert.equal(await a.ttl(k), null);
      await a.set(k, 'x', 10_000);
      const t = await b.ttl(k);
      assert.ok(t !== null && t > 8_000 && t <= 10_000, `ttl ${t}`);
    });
  });

  describe('setIfAbsent', () => {
    it('creates once and never overwrites', async () => {
      const k = key('nx');
      assert.equal(await a.setIfAbsent(k, 'first', 60_000), true);
      assert.equal(await b.setIfAbsent(k, 'second', 60_000), false);
      assert.equal(await a.get(k), 'first');
    });
    it('creates again after expiry', async () => {
      const k = key('nx-exp');
      assert.equal(await a.setIfAbsent(k, 'first', 40), true);
      await sleep(120);
      assert.equal(await b.setIfAbsent(k, 'second', 60_000), true);
      assert.equal(await a.get(k), 'second');
    });
    it('of 50 concurrent callers over several nodes exactly one wins', async () => {
      const k = key('nx-race');
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => nodes()[i % 3]!.setIfAbsent(k, `v${i}`, 60_000)),
      );
      assert.equal(results.filter(Boolean).length, 1);
      const winner = results.indexOf(true);
      assert.equal(await a.get(k), `v${winner}`);
    });
  });

  describe('take', () => {
    it('returns the value once, then null', async () => {
      const k = key('take');
      await a.set(k, 'code', 60_000);
      assert.equal(await b.take(k), 'code');
      assert.equal(await a.take(k), null);
      assert.equal(await a.get(k), null);
    });
    it('of 50 concurrent callers over several nodes exactly one receives the value', async () => {
      const k = key('take-race');
      await a.set(k, 'one-time', 60_000);
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => nodes()[i % 3]!.take(k)));
      assert.deepEqual(results.filter((r) => r !== null), ['one-time']);
    });
  });

  describe('incr', () => {
    it('counts from 1 and keeps the TTL of creation', async () => {
      const k = key('ctr');
      assert.equal(await a.incr(k, 1_000), 1);
      assert.equal(await b.incr(k, 600_000), 2);
      assert.equal(await a.incr(k, 600_000), 3);
      const t = await a.ttl(k);
      assert.ok(t !== null && t <= 1_000, `the TTL was extended: ${t}`);
    });
    it('starts a new window after expiry', async () => {
      const k = key('ctr-exp');
      await a.incr(k, 40);
      await a.incr(k, 40);
      await sleep(120);
      assert.equal(await b.incr(k, 60_000), 1);
    });
    it('100 concurrent increments over several nodes end at 100, each count given once, TTL set once', async () => {
      const k = key('ctr-race');
      // every call offers a different TTL: only the one that created the key may have set it
      const ttlOf = (i: number) => 100_000 + i * 10_000;
      const counts = await Promise.all(Array.from({ length: 100 }, (_, i) => nodes()[i % 3]!.incr(k, ttlOf(i))));
      assert.deepEqual([...counts].sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i + 1));
      assert.equal(await a.get(k), '100');
      const creatorTtl = ttlOf(counts.indexOf(1));
      const t = await a.ttl(k);
      assert.ok(t !== null && t <= creatorTtl && t > creatorTtl - 5_000, `ttl ${t}, creator offered ${creatorTtl}`);
    });
  });

  describe('publish / subscribe', () => {
    it('delivers a message published on another node', async () => {
      const ch = key('ch');
      const { message, off } = await nextMessage(a, ch);
      await b.publish(ch, 'confirmed');
      assert.equal(await message, 'confirmed');
      await off();
    });
    it('delivers to every subscriber, and no longer after unsubscribing', async () => {
      const ch = key('ch-many');
      const gotA: string[] = [];
      const gotC: string[] = [];
      const offA = await a.subscribe(ch, (m) => gotA.push(m));
      const offC = await c.subscribe(ch, (m) => gotC.push(m));
      await b.publish(ch, 'one');
      await waitFor(() => gotA.length === 1 && gotC.length === 1);
      await offA();
      await b.publish(ch, 'two');
      await waitFor(() => gotC.length === 2);
      await sleep(50);
      assert.deepEqual(gotA, ['one']);
      assert.deepEqual(gotC, ['one', 'two']);
      await offC();
      await offC(); // unsubscribing twice is harmless
    });
    it('publishing to a channel nobody listens to is fine', async () => {
      await a.publish(key('nobody'), 'x');
    });
  });

  describe('ping', () => {
    it('is true while the store answers', async () => {
      assert.equal(await a.ping(), true);
    });
  });
}

async function waitFor(cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(5);
  }
}

describe('EphemeralStore contract', () => {
  describe('memory', () => {
    contract({ open: async () => createMemoryStore(), shared: false });

    it('openEphemeral gives the memory store when no Redis is configured', async () => {
      const s = await openEphemeral(testConfig());
      await s.set('k', 'v', 1000);
      assert.equal(await s.get('k'), 'v');
      await s.close();
      assert.equal(await s.ping(), false);
    });
    it('sweeps expired entries with an injected clock', async () => {
      let now = 1_000;
      const s = createMemoryStore(() => now);
      await s.set('k', 'v', 10);
      now += 10;
      assert.equal(await s.get('k'), null);
      await s.close();
    });
  });

  describeServer(serverTarget('redis', 'TEST_REDIS_URL'), (url) => {
    const prefix = `${uniqueName('pasarela_test')}:`;
    after(async () => {
      // leave nothing behind on a shared Redis
      const r = new Redis(url);
      let cursor = '0';
      do {
        const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await r.del(...keys);
      } while (cursor !== '0');
      await r.quit();
    });

    contract({ open: () => createRedisStore(url, prefix), shared: true });

    it('applies the key prefix to keys and channels', async () => {
      const mine = await createRedisStore(url, prefix);
      const other = await createRedisStore(url, `${prefix}other:`);
      const raw = new Redis(url);
      try {
        await mine.set('k', 'v', 60_000);
        assert.equal(await other.get('k'), null);
        assert.equal(await raw.get(`${prefix}k`), 'v');
        const heard: string[] = [];
        const off = await other.subscribe('ch', (m) => heard.push(m));
        const { message, off: off2 } = await nextMessage(mine, 'ch');
        await mine.publish('ch', 'for mine only');
        assert.equal(await message, 'for mine only');
        await sleep(50);
        assert.deepEqual(heard, []);
        await off();
        await off2();
      } finally {
        await mine.close();
        await other.close();
        await raw.quit();
      }
    });

    it('openEphemeral gives the Redis store when ephemeral.redisUrl is set', async () => {
      const s = await openEphemeral(testConfig({ ephemeral: { redisUrl: url, keyPrefix: prefix } }));
      const raw = new Redis(url);
      try {
        await s.set('factory', 'v', 60_000);
        assert.equal(await raw.get(`${prefix}factory`), 'v');
      } finally {
        await s.close();
        await raw.quit();
      }
    });

    it('refuses to start when Redis is unreachable, with a clear message', async () => {
      const port = await closedPort();
      await assert.rejects(() => createRedisStore(`redis://127.0.0.1:${port}`, prefix), /cannot connect to Redis at redis:\/\/127\.0\.0\.1/);
    });

    it('reports ping false and fails requests quickly when Redis goes away', async function () {
      this.timeout(15_000);
      const proxy = await tcpProxy(url);
      const s = await createRedisStore(`redis://127.0.0.1:${proxy.port}`, prefix);
      try {
        await s.set('via-proxy', 'v', 60_000);
        assert.equal(await s.ping(), true);
        await proxy.close();
        await sleep(50);
        assert.equal(await s.ping(), false);
        const started = Date.now();
        await assert.rejects(() => s.get('via-proxy'));
        assert.ok(Date.now() - started < 8_000, `a request hung ${Date.now() - started} ms`);
      } finally {
        await s.close();
      }
    });
  });
});

/** A port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** A TCP forwarder to Redis that can be cut, to play a Redis that disappears. */
async function tcpProxy(redisUrl: string): Promise<{ port: number; close(): Promise<void> }> {
  const target = new URL(redisUrl);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 6379), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        for (const s of sockets) s.destroy();
      }),
  };
}
