// The Redis ephemeral store, shared by every broker node (design.md "Stack", "Scaling out").
// Each operation is one Redis command (or one Lua script), so atomicity is Redis's: SET NX PX for
// setIfAbsent, GETDEL for take (Redis >= 6.2), INCR + PEXPIRE in one script for counters.
// Publish/subscribe needs its own connection: a subscribed connection accepts no other command.
// A dead Redis must fail requests quickly rather than hang them: few retries per command, a
// command timeout, and a capped reconnect backoff.
import { Redis, type RedisOptions } from 'ioredis';
import type { EphemeralStore } from './ephemeral.js';

// The TTL is set only when INCR created the key, so a counter's window never slides.
const INCR_WITH_TTL = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

type Commands = Redis & { pasarelaIncr(key: string, ttlMs: number): Promise<number> };

const PING_TIMEOUT_MS = 1000;

function options(role: 'commands' | 'subscriber'): RedisOptions {
  return {
    lazyConnect: true,
    connectTimeout: 2000,
    // each command waits for at most this many reconnection attempts, then fails
    maxRetriesPerRequest: 2,
    // a Redis that accepts the connection but never answers must not hang a login either; the
    // subscriber's connection idles by design and gets no such limit
    commandTimeout: role === 'commands' ? 2000 : undefined,
    retryStrategy: (times) => Math.min(50 * 2 ** times, 2000),
    connectionName: `pasarela-${role}`,
  };
}

function checkTtl(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs must be a positive number, got ${ttlMs}`);
  return Math.ceil(ttlMs);
}

export interface RedisStoreOptions {
  /**
   * Redis unreachable at start: called with the reason, and the store is returned anyway, its
   * connections retrying in the background (commands fail meanwhile, ping() says false). Without
   * it, createRedisStore rejects.
   */
  readonly onUnreachable?: (message: string) => void;
  /** after onUnreachable: Redis answers now */
  readonly onConnected?: () => void;
}

/** Connects both connections before resolving; when Redis is unreachable, rejects with a clear message (or see onUnreachable). */
export async function createRedisStore(url: string, keyPrefix: string, opts: RedisStoreOptions = {}): Promise<EphemeralStore> {
  const cmd = new Redis(url, options('commands')) as Commands;
  const sub = new Redis(url, options('subscriber'));
  cmd.defineCommand('pasarelaIncr', { numberOfKeys: 1, lua: INCR_WITH_TTL });
  // ioredis emits 'error' on every failed reconnection; ping() and failing commands report it
  cmd.on('error', () => {});
  sub.on('error', () => {});
  try {
    await Promise.all([cmd.connect(), sub.connect()]);
  } catch (err) {
    const message = `cannot connect to Redis at ${redactUrl(url)}: ${(err as Error).message}`;
    if (!opts.onUnreachable) {
      cmd.disconnect();
      sub.disconnect();
      throw new Error(message, { cause: err });
    }
    opts.onUnreachable(message);
    const { onConnected } = opts;
    if (onConnected) cmd.once('ready', () => onConnected());
  }

  const k = (key: string) => keyPrefix + key;
  const handlers = new Map<string, Set<(message: string) => void>>();
  // SUBSCRIBE / UNSUBSCRIBE for one channel run in order, so a quick unsubscribe-resubscribe
  // never ends unsubscribed
  let subscriptionQueue: Promise<unknown> = Promise.resolve();
  const serially = <T>(op: () => Promise<T>): Promise<T> => {
    const run = subscriptionQueue.then(op, op);
    subscriptionQueue = run.catch(() => {});
    return run;
  };

  sub.on('message', (channel: string, message: string) => {
    for (const h of [...(handlers.get(channel) ?? [])]) h(message);
  });

  return {
    get: (key) => cmd.get(k(key)),
    async set(key, value, ttlMs) {
      await cmd.set(k(key), value, 'PX', checkTtl(ttlMs));
    },
    async setIfAbsent(key, value, ttlMs) {
      return (await cmd.set(k(key), value, 'PX', checkTtl(ttlMs), 'NX')) === 'OK';
    },
    take: (key) => cmd.getdel(k(key)),
    async del(key) {
      await cmd.del(k(key));
    },
    async incr(key, ttlMs) {
      return Number(await cmd.pasarelaIncr(k(key), checkTtl(ttlMs)));
    },
    async ttl(key) {
      const ms = await cmd.pttl(k(key));
      if (ms === -2) return null;
      // -1: the key exists without expiry, which this interface never creates
      return ms === -1 ? Number.POSITIVE_INFINITY : ms;
    },
    async publish(channel, message) {
      await cmd.publish(k(channel), message);
    },
    subscribe: (channel, onMessage) =>
      serially(async () => {
        const name = k(channel);
        const handler = (m: string) => onMessage(m);
        let set = handlers.get(name);
        if (!set) {
          handlers.set(name, (set = new Set()));
          try {
            await sub.subscribe(name);
          } catch (err) {
            handlers.delete(name);
            throw err;
          }
        }
        set.add(handler);
        return () =>
          serially(async () => {
            const s = handlers.get(name);
            if (!s?.delete(handler) || s.size > 0) return;
            handlers.delete(name);
            await sub.unsubscribe(name);
          });
      }),
    async ping() {
      if (cmd.status !== 'ready') return false;
      let timer: NodeJS.Timeout | undefined;
      try {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('ping timeout')), PING_TIMEOUT_MS);
        });
        return (await Promise.race([cmd.ping(), timeout])) === 'PONG';
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      handlers.clear();
      await Promise.allSettled([cmd.quit(), sub.quit()]);
      cmd.disconnect();
      sub.disconnect();
    },
  };
}

/** The URL without its password, for messages. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}
