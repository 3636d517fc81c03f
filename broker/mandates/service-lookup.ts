// The service of an AuthnRequest, looked up on every login (the SSO path included), cached per
// node for mandates.catalogueCacheSeconds: the catalogue changes rarely, and without the cache
// every AuthnRequest would cost a PostgreSQL read and an SSO login would fail while PostgreSQL is
// away (issue 10: SSO needs only Redis). Mandates themselves are never cached — a revocation holds
// at the next login. When the read fails, the last entry this node knew is used, however old;
// with none, the error stands: a login must not lose the representation its service requires.
import { LRUCache } from 'lru-cache';
import type { LoginService, Representations } from './representations.js';

export type ServiceLookup = Pick<Representations, 'serviceFor'>;

const NONE = Symbol('no service');

export function createCachedServiceLookup(lookup: ServiceLookup, opts: { ttlMs: number; max?: number }): ServiceLookup {
  if (opts.ttlMs <= 0) return lookup;
  const cache = new LRUCache<string, LoginService | typeof NONE>({ max: opts.max ?? 10_000, ttl: opts.ttlMs, allowStale: false, noDeleteOnStaleGet: true });
  return {
    async serviceFor(spEntityID, index) {
      // NUL cannot occur in an entityID, so the key is unambiguous
      const key = `${spEntityID}\u0000${index ?? ''}`;
      const fresh = cache.get(key);
      if (fresh !== undefined) return fresh === NONE ? null : fresh;
      try {
        const service = await lookup.serviceFor(spEntityID, index);
        cache.set(key, service ?? NONE);
        return service;
      } catch (err) {
        const stale = cache.get(key, { allowStale: true });
        if (stale === undefined) throw err;
        return stale === NONE ? null : stale;
      }
    },
  };
}
