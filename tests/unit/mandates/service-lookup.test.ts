import assert from 'node:assert/strict';
import { createCachedServiceLookup, type ServiceLookup } from '../../../broker/mandates/service-lookup.js';
import type { LoginService } from '../../../broker/mandates/representations.js';

const taxReturn: LoginService = {
  id: 's1',
  serviceId: 'urn:etoegang:DV:00000099999999999999:services:1',
  serviceUuid: 'a36cbd25-f00a-460c-b498-7ce030c20601',
  names: { nl: 'Belasting', en: 'Tax', es: 'Impuestos' },
  minRung: '3',
  representation: 'optional',
  acceptsChain: true,
};

/** a catalogue whose reads are counted and can be made to fail, as PostgreSQL going away does */
function catalogue() {
  const state = { reads: 0, down: false, entries: new Map<string, LoginService>() };
  const lookup: ServiceLookup = {
    async serviceFor(sp, index) {
      state.reads++;
      if (state.down) throw new Error('connect ECONNREFUSED');
      return state.entries.get(`${sp}#${index ?? ''}`) ?? null;
    },
  };
  return { state, lookup };
}

describe('mandates/service-lookup: the per-node catalogue cache of AuthnRequests', () => {
  it('reads once per SP and index within the lifetime, the absence of a service included', async () => {
    const { state, lookup } = catalogue();
    state.entries.set('sp#1', taxReturn);
    const cached = createCachedServiceLookup(lookup, { ttlMs: 60_000 });
    assert.deepEqual(await cached.serviceFor('sp', 1), taxReturn);
    assert.deepEqual(await cached.serviceFor('sp', 1), taxReturn);
    assert.equal(await cached.serviceFor('sp', undefined), null);
    assert.equal(await cached.serviceFor('sp', undefined), null);
    assert.equal(await cached.serviceFor('other', 1), null);
    assert.equal(state.reads, 3);
  });

  it('reads again once the lifetime is over, and sees a change', async () => {
    const { state, lookup } = catalogue();
    const cached = createCachedServiceLookup(lookup, { ttlMs: 30 });
    assert.equal(await cached.serviceFor('sp', 1), null);
    state.entries.set('sp#1', taxReturn);
    await new Promise((r) => setTimeout(r, 60));
    assert.deepEqual(await cached.serviceFor('sp', 1), taxReturn);
    assert.equal(state.reads, 2);
  });

  it('a failing read falls back to what the node last knew, however old; with nothing known the error stands', async () => {
    const { state, lookup } = catalogue();
    state.entries.set('sp#1', taxReturn);
    const cached = createCachedServiceLookup(lookup, { ttlMs: 30 });
    await cached.serviceFor('sp', 1);
    await cached.serviceFor('none', 1);
    await new Promise((r) => setTimeout(r, 60));
    state.down = true;
    assert.deepEqual(await cached.serviceFor('sp', 1), taxReturn);
    assert.equal(await cached.serviceFor('none', 1), null);
    await assert.rejects(cached.serviceFor('never-seen', 1), /ECONNREFUSED/);
  });

  it('a lifetime of 0 is no cache at all', async () => {
    const { state, lookup } = catalogue();
    assert.equal(createCachedServiceLookup(lookup, { ttlMs: 0 }), lookup);
    assert.equal(state.reads, 0);
  });
});
