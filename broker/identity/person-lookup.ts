// Person lookups on the SSO hot path (an assertion from an existing SSO session), cached for a
// short time per node: a change of status or data reaches assertions within `ttlMs`. Fresh
// authentications (flow/finish.ts) always read the registry.
import { LRUCache } from 'lru-cache';
import type { IdentityRegistry } from './registry.js';
import type { Person } from './person.js';

export interface PersonLookup {
  findById(id: string): Promise<Person | undefined>;
}

export function createCachedPersonLookup(registry: IdentityRegistry, opts: { ttlMs: number; max?: number }): PersonLookup {
  if (opts.ttlMs <= 0) return { findById: (id) => registry.findById(id) };
  const cache = new LRUCache<string, Person>({ max: opts.max ?? 100_000, ttl: opts.ttlMs });
  return {
    async findById(id) {
      const hit = cache.get(id);
      if (hit) return hit;
      const person = await registry.findById(id);
      if (person) cache.set(id, person);
      return person;
    },
  };
}
