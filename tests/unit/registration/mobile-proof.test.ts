// The proof of a typed mobile (broker/identity/channels/mobile-proof.ts) on its own: the code goes
// by SMS to that number, proves only that number, once, for 10 minutes and within 5 entries; the
// sends are limited per person and per address.
import assert from 'node:assert/strict';
import { createMemoryStore } from '../../../broker/store/ephemeral-memory.js';
import { createRateLimiter } from '../../../broker/flow/rate-limit.js';
import type { Notifier, OutgoingMessage } from '../../../broker/notify/notifier.js';
import { createMobileProof, MOBILE_CODES_PER_IP_PER_HOUR, MOBILE_CODES_PER_PERSON_PER_HOUR } from '../../../broker/identity/channels/mobile-proof.js';

describe('mobile proof: a code by SMS to the typed number', () => {
  let clock: number;
  let sent: OutgoingMessage[];
  const proofOf = () => {
    clock = Date.parse('2026-03-01T10:00:00Z');
    sent = [];
    const store = createMemoryStore(() => clock);
    const notify: Notifier = { send: async (m) => void sent.push(m) };
    return createMobileProof({ namespace: 'test-mobile', ephemeral: store, notify, rateLimit: createRateLimiter(store), now: () => new Date(clock) });
  };
  const limits = { person: 'p1', ip: '192.0.2.1' };
  const text = (code: string) => `code ${code}`;
  const other = (code: string) => (code === '000000' ? '111111' : '000000');

  it('sends 6 digits to the number, and the code proves that number once', async () => {
    const proof = proofOf();
    assert.equal(await proof.send('k', '+34611000001', limits, text), true);
    assert.equal(sent.length, 1);
    const { to, channel, code } = sent[0]!;
    assert.deepEqual([channel, to], ['sms', '+34611000001']);
    assert.match(code!, /^[0-9]{6}$/);
    assert.equal(sent[0]!.text, `code ${code}`);
    assert.deepEqual(await proof.check('k', '+34611000001', ` ${code!.slice(0, 3)} ${code!.slice(3)} `), { outcome: 'proved' });
    assert.deepEqual(await proof.check('k', '+34611000001', code!), { outcome: 'voided' }, 'single use');
  });

  it('does not prove another number than the one it was sent to', async () => {
    const proof = proofOf();
    await proof.send('k', '+34611000001', limits, text);
    assert.deepEqual(await proof.check('k', '+34611000002', sent[0]!.code!), { outcome: 'voided' });
  });

  it('5 wrong entries void it, and it lapses after 10 minutes', async () => {
    const proof = proofOf();
    await proof.send('k', '+34611000001', limits, text);
    const code = sent[0]!.code!;
    for (let left = 4; left >= 1; left--) assert.deepEqual(await proof.check('k', '+34611000001', other(code)), { outcome: 'wrong', attemptsLeft: left });
    assert.deepEqual(await proof.check('k', '+34611000001', other(code)), { outcome: 'voided' });
    assert.deepEqual(await proof.check('k', '+34611000001', code), { outcome: 'voided' });

    await proof.send('k', '+34611000001', limits, text);
    clock += 10 * 60_000;
    assert.deepEqual(await proof.check('k', '+34611000001', sent[1]!.code!), { outcome: 'voided' });
  });

  it('limits the sends per person, whatever the address, sending nothing past it', async () => {
    const proof = proofOf();
    for (let i = 0; i < MOBILE_CODES_PER_PERSON_PER_HOUR; i++) assert.equal(await proof.send('k', '+34611000001', { person: 'p1', ip: `192.0.2.${i}` }, text), true);
    assert.equal(await proof.send('k', '+34611000001', { person: 'p1', ip: '198.51.100.1' }, text), false);
    assert.equal(sent.length, MOBILE_CODES_PER_PERSON_PER_HOUR);
  });

  it('limits the sends per address, whoever the person, sending nothing past it', async () => {
    const proof = proofOf();
    for (let i = 0; i < MOBILE_CODES_PER_IP_PER_HOUR; i++) assert.equal(await proof.send(`k${i}`, '+34611000001', { person: `p${i}`, ip: limits.ip }, text), true);
    assert.equal(await proof.send('k', '+34611000001', { person: 'fresh', ip: limits.ip }, text), false);
    assert.equal(sent.length, MOBILE_CODES_PER_IP_PER_HOUR);
  });
});
