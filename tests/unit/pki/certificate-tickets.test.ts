// The client-certificate tickets (broker/pki/client-host/tickets.ts) over every ephemeral store: a
// ticket is presented once, taken once and only with the proof of its presentation, also when
// several nodes race for it (Redis: separate connections).
import assert from 'node:assert/strict';
import type { EphemeralStore } from '../../../broker/store/ephemeral.js';
import { createMemoryStore } from '../../../broker/store/ephemeral-memory.js';
import { createRedisStore } from '../../../broker/store/ephemeral-redis.js';
import { createCertificateTickets, type PresentationOutcome } from '../../../broker/pki/client-host/tickets.js';
import { describeServer, serverTarget, uniqueName } from '../../helpers/store-targets.js';

const TICKET = { tx: 'A'.repeat(22), returnPath: `/connectors/certificate/${'A'.repeat(22)}/return` };
const REJECTED: PresentationOutcome = { rejected: { category: 'expired' } };

function contract(open: () => Promise<EphemeralStore>) {
  const stores: EphemeralStore[] = [];
  const node = async () => {
    const s = await open();
    stores.push(s);
    return createCertificateTickets(s, 60_000);
  };
  after(async () => {
    for (const s of stores) await s.close();
  });

  it('issues, shows while waiting, records the outcome once, and gives it back once with the proof', async () => {
    const tickets = await node();
    const id = await tickets.issue(TICKET);
    assert.deepEqual(await tickets.peek(id), TICKET);
    const proof = await tickets.present(id, REJECTED);
    assert.ok(proof);
    assert.equal(await tickets.present(id, REJECTED), null, 'a second presentation is refused');
    assert.deepEqual(await tickets.take(id, proof), { ticket: TICKET, outcome: REJECTED });
    assert.equal(await tickets.take(id, proof), null, 'taken once');
    assert.equal(await tickets.peek(id), null);
  });

  it('a wrong proof gets nothing and spends the ticket; an unpresented ticket cannot be taken', async () => {
    const tickets = await node();
    const id = await tickets.issue(TICKET);
    const proof = (await tickets.present(id, REJECTED))!;
    assert.equal(await tickets.take(id, `${proof.slice(0, -1)}${proof.endsWith('A') ? 'B' : 'A'}`), null);
    assert.equal(await tickets.take(id, proof), null);
    const waiting = await tickets.issue(TICKET);
    assert.equal(await tickets.take(waiting, 'x'.repeat(32)), null);
  });

  it('unknown and malformed ids are nothing', async () => {
    const tickets = await node();
    for (const id of ['', 'x'.repeat(32), '../../etc', 'a'.repeat(200)]) {
      assert.equal(await tickets.peek(id), null);
      assert.equal(await tickets.present(id, REJECTED), null);
      assert.equal(await tickets.take(id, 'p'), null);
    }
  });

  it('nodes racing to present and to take: exactly one wins each', async () => {
    const nodes = await Promise.all([node(), node(), node(), node()]);
    const id = await nodes[0]!.issue(TICKET);
    const proofs = (await Promise.all(nodes.map((n) => n.present(id, REJECTED)))).filter(Boolean);
    assert.equal(proofs.length, 1);
    const taken = (await Promise.all(nodes.map((n) => n.take(id, proofs[0]!)))).filter(Boolean);
    assert.equal(taken.length, 1);
  });
}

describe('certificate tickets', () => {
  describe('memory store', () => contract(async () => createMemoryStore()));

  it('expire with the store (memory store, moved clock)', async () => {
    let now = Date.now();
    const tickets = createCertificateTickets(createMemoryStore(() => now), 120_000);
    const id = await tickets.issue(TICKET);
    now += 121_000;
    assert.equal(await tickets.peek(id), null);
    assert.equal(await tickets.present(id, REJECTED), null);
  });

  describeServer(serverTarget('Redis', 'TEST_REDIS_URL'), (url) => {
    const prefix = `${uniqueName('tickets')}:`;
    contract(() => createRedisStore(url, prefix));
  });
});
