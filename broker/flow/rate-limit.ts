// Fixed-window rate limits on the ephemeral store: atomic counters shared by every broker node.
import type { EphemeralStore } from '../store/ephemeral.js';

export interface RateLimiter {
  /** counts one hit on `key`; true while the count stays within `limit` for the window */
  hit(key: string, limit: number, windowMs: number): Promise<boolean>;
}

export function createRateLimiter(store: EphemeralStore): RateLimiter {
  return {
    async hit(key, limit, windowMs) {
      const count = await store.incr(`rl:${key}`, windowMs);
      return count <= limit;
    },
  };
}
