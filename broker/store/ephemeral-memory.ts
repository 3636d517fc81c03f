// The in-memory ephemeral store: the embedded default for one broker process (design.md "Stack").
// JavaScript runs one callback at a time, so every operation below is atomic as long as it does
// not await in the middle; none does. Expiry is checked on every read and a periodic sweep frees
// what nobody reads again; the sweep timer is unref'd so it never keeps the process alive.
import type { EphemeralStore } from './ephemeral.js';

interface Entry {
  value: string;
  expiresAt: number;
}

const SWEEP_INTERVAL_MS = 30_000;

/** Redis takes PX as a positive integer; refuse the rest the same way here. */
function checkTtl(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs must be a positive number, got ${ttlMs}`);
  return Math.ceil(ttlMs);
}

export function createMemoryStore(now: () => number = Date.now): EphemeralStore {
  const entries = new Map<string, Entry>();
  const channels = new Map<string, Set<(message: string) => void>>();
  let closed = false;

  const live = (key: string): Entry | undefined => {
    const e = entries.get(key);
    if (e && e.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return e;
  };
  const assertOpen = () => {
    if (closed) throw new Error('ephemeral store is closed');
  };

  const sweep = setInterval(() => {
    const t = now();
    for (const [k, e] of entries) if (e.expiresAt <= t) entries.delete(k);
  }, SWEEP_INTERVAL_MS);
  sweep.unref();

  return {
    async get(key) {
      assertOpen();
      return live(key)?.value ?? null;
    },
    async set(key, value, ttlMs) {
      assertOpen();
      entries.set(key, { value, expiresAt: now() + checkTtl(ttlMs) });
    },
    async setIfAbsent(key, value, ttlMs) {
      assertOpen();
      const ttl = checkTtl(ttlMs);
      if (live(key)) return false;
      entries.set(key, { value, expiresAt: now() + ttl });
      return true;
    },
    async take(key) {
      assertOpen();
      const e = live(key);
      entries.delete(key);
      return e?.value ?? null;
    },
    async del(key) {
      assertOpen();
      entries.delete(key);
    },
    async incr(key, ttlMs) {
      assertOpen();
      const ttl = checkTtl(ttlMs);
      const e = live(key);
      if (!e) {
        entries.set(key, { value: '1', expiresAt: now() + ttl });
        return 1;
      }
      const n = Number(e.value);
      // Redis refuses INCR on a value that is not an integer; so do we
      if (!Number.isSafeInteger(n)) throw new Error('value is not an integer or out of range');
      e.value = String(n + 1);
      return n + 1;
    },
    async ttl(key) {
      assertOpen();
      const e = live(key);
      return e ? e.expiresAt - now() : null;
    },
    async publish(channel, message) {
      assertOpen();
      const handlers = channels.get(channel);
      if (!handlers) return;
      // delivered later, as Redis does: a publisher never runs its subscribers' code inline
      for (const h of [...handlers]) setImmediate(() => h(message));
    },
    async subscribe(channel, onMessage) {
      assertOpen();
      // wrapped so one function subscribed twice is two subscriptions, each removed on its own
      const handler = (m: string) => onMessage(m);
      let set = channels.get(channel);
      if (!set) channels.set(channel, (set = new Set()));
      set.add(handler);
      return async () => {
        const s = channels.get(channel);
        s?.delete(handler);
        if (s?.size === 0) channels.delete(channel);
      };
    },
    async ping() {
      return !closed;
    },
    async close() {
      closed = true;
      clearInterval(sweep);
      entries.clear();
      channels.clear();
    },
  };
}
