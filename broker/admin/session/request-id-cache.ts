// node-saml's InResponseTo cache over the ephemeral store: the AuthnRequest the management SP
// sent on one broker node is recognised when its Response arrives at another. Entries live as
// long as a login transaction may.
import type { CacheItem, CacheProvider } from '@node-saml/passport-saml';
import type { EphemeralStore } from '../../store/ephemeral.js';

export function ephemeralRequestIdCache(store: EphemeralStore, ttlMs: number, now: () => Date, prefix = 'admin-saml-request'): CacheProvider {
  const key = (id: string) => `${prefix}:${id}`;
  return {
    async saveAsync(id, value): Promise<CacheItem | null> {
      const item: CacheItem = { value, createdAt: now().getTime() };
      return (await store.setIfAbsent(key(id), value, ttlMs)) ? item : null;
    },
    getAsync: (id) => store.get(key(id)),
    // single use: a Response is accepted for its request once
    removeAsync: async (id) => (id === null ? null : store.take(key(id))),
  };
}
