// Deliveries not awaited by the answer still leave before the broker closes.
import assert from 'node:assert/strict';
import { trackInFlight } from '../../../broker/notify/in-flight.js';
import { NotifyError, type Notifier, type OutgoingMessage } from '../../../broker/notify/notifier.js';

function slowNotifier(ms: number, fail = false): Notifier & { delivered: OutgoingMessage[] } {
  const delivered: OutgoingMessage[] = [];
  return {
    delivered,
    send: (m) =>
      new Promise((resolve, reject) =>
        setTimeout(() => {
          if (fail) return reject(new NotifyError('gateway down'));
          delivered.push(m);
          resolve();
        }, ms),
      ),
  };
}

const sms: OutgoingMessage = { channel: 'sms', to: '+34600000001', text: 'code', code: 'ABC' };

describe('notify: sends in flight at close', () => {
  it('drain waits for a send nobody awaited', async () => {
    const inner = slowNotifier(80);
    const n = trackInFlight(inner);
    void n.send(sms);
    await n.drain(2000);
    assert.equal(inner.delivered.length, 1);
  });

  it('a failed send settles the drain too, and the caller still sees the failure', async () => {
    const n = trackInFlight(slowNotifier(20, true));
    const sending = n.send(sms);
    await n.drain(2000);
    await assert.rejects(sending, NotifyError);
  });

  it('drain gives up at its deadline', async () => {
    const inner = slowNotifier(5000);
    const n = trackInFlight(inner);
    void n.send(sms);
    const started = Date.now();
    await n.drain(100);
    assert.ok(Date.now() - started < 1000);
    assert.equal(inner.delivered.length, 0);
  });

  it('drain with nothing in flight returns at once', async () => {
    const started = Date.now();
    await trackInFlight(slowNotifier(10)).drain(5000);
    assert.ok(Date.now() - started < 100);
  });
});
