// A device's inbox (issue 4): messages wait until fetched, leave when fetched, at most `max` per
// device (newer ones push out the oldest), each for the inbox TTL; `holds` tells a fetched
// message from a waiting one (the PIN's SMS fallback asks it).
import assert from 'node:assert/strict';
import { createMemoryStore } from '../../../broker/store/ephemeral-memory.js';
import { createDeviceInbox } from '../../../broker/identity/devices/inbox.js';
import type { AppMessage } from '../../../broker/identity/devices/model.js';

const message = (n: number): AppMessage => ({ id: `m${n}`, kind: 'pin', at: new Date(0).toISOString(), data: { pin: `P${n}` } });

describe('device inbox (issue 4)', () => {
  let now = 0;
  const store = createMemoryStore(() => now);
  const inbox = createDeviceInbox(store, { ttlMs: 60_000, max: 3 });

  it('keeps messages per device until fetched, oldest first, and holds() follows them', async () => {
    const a = await inbox.put('device-a', message(1));
    await inbox.put('device-a', message(2));
    await inbox.put('device-b', message(9));
    assert.equal(await inbox.holds('device-a', a, 'm1'), true);
    assert.equal(await inbox.holds('device-a', a, 'm2'), false);
    assert.deepEqual((await inbox.takeAll('device-a')).map((m) => m.id), ['m1', 'm2']);
    assert.equal(await inbox.holds('device-a', a, 'm1'), false);
    assert.deepEqual(await inbox.takeAll('device-a'), []);
    assert.deepEqual((await inbox.takeAll('device-b')).map((m) => m.id), ['m9']);
  });

  it('keeps at most max messages: newer ones replace the oldest', async () => {
    const seqs = [];
    for (let n = 10; n < 15; n++) seqs.push(await inbox.put('device-c', message(n)));
    assert.equal(await inbox.holds('device-c', seqs[0]!, 'm10'), false);
    assert.deepEqual((await inbox.takeAll('device-c')).map((m) => m.id), ['m12', 'm13', 'm14']);
  });

  it('forgets messages after the TTL', async () => {
    await inbox.put('device-d', message(20));
    now += 61_000;
    assert.deepEqual(await inbox.takeAll('device-d'), []);
  });
});
