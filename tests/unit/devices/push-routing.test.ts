// Where a push goes (issue 4): a device's webhook is POSTed directly; a push token goes through
// the configured transport, here the HTTP gateway, with the token and the notice beside `to`
// (the device id), never the message's content.
import assert from 'node:assert/strict';
import http from 'node:http';
import pino from 'pino';
import { createNotifier } from '../../../broker/notify/index.js';
import { testConfig } from '../../helpers/store-targets.js';

describe('push routing (issue 4)', () => {
  const received: { path: string; body: Record<string, unknown> }[] = [];
  let base = '';
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ path: req.url!, body: JSON.parse(body) as Record<string, unknown> });
      res.writeHead(204).end();
    });
  });
  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => server.close());

  const notice = { deviceId: 'd-1', messageId: 'm-1', kind: 'pin' as const, at: '2026-01-01T00:00:00.000Z', text: 'Your PIN is ready in the app.' };

  it('a token push reaches the HTTP gateway with {token, notice}; a webhook push bypasses it', async () => {
    const notifier = createNotifier(testConfig({ notify: { transport: 'http', http: { url: `${base}/gateway`, token: 'gw', timeoutMs: 1000, retries: 0 } } }), pino({ level: 'silent' }));
    await notifier.send({ channel: 'push', to: 'd-1', text: notice.text, code: 'ABC', push: { address: { kind: 'token', token: 'push-token-0123456789' }, notice } });
    await notifier.send({ channel: 'push', to: 'd-1', text: notice.text, push: { address: { kind: 'webhook', url: `${base}/phone` }, notice } });
    assert.deepEqual(received.map((r) => r.path), ['/gateway', '/phone']);
    assert.deepEqual(received[0]!.body, { channel: 'push', to: 'd-1', text: notice.text, token: 'push-token-0123456789', notice });
    assert.deepEqual(received[1]!.body, notice);
  });
});
