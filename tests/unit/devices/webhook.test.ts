// Pushes to a device's webhook (issue 4): one POST of JSON with a timeout; a redirect is not
// followed (it is a failure), nor is a 5xx or a silent endpoint a success.
import assert from 'node:assert/strict';
import http from 'node:http';
import { createWebhookPoster } from '../../../broker/notify/webhook.js';
import { NotifyError } from '../../../broker/notify/notifier.js';

describe('webhook push (issue 4)', () => {
  const hits: { path: string; body: string; type: string }[] = [];
  let url = '';
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hits.push({ path: req.url!, body, type: req.headers['content-type'] ?? '' });
      if (req.url === '/ok') res.writeHead(204).end();
      else if (req.url === '/redirect') res.writeHead(307, { Location: '/ok' }).end();
      else if (req.url === '/fail') res.writeHead(503).end();
      // /silent never answers
    });
  });
  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const poster = createWebhookPoster({ timeoutMs: 300 });

  it('POSTs the notice as JSON', async () => {
    await poster.post(`${url}/ok`, { kind: 'pin', messageId: 'm1' });
    const hit = hits.find((h) => h.path === '/ok')!;
    assert.equal(hit.type, 'application/json');
    assert.deepEqual(JSON.parse(hit.body), { kind: 'pin', messageId: 'm1' });
  });

  it('does not follow redirects, and refuses 5xx and silence', async () => {
    const before = hits.filter((h) => h.path === '/ok').length;
    await assert.rejects(poster.post(`${url}/redirect`, {}), (e: unknown) => e instanceof NotifyError && /307/.test((e as Error).message));
    assert.equal(hits.filter((h) => h.path === '/ok').length, before, 'the redirect target was not called');
    await assert.rejects(poster.post(`${url}/fail`, {}), /503/);
    await assert.rejects(poster.post(`${url}/silent`, {}), /no answer within 300 ms/);
  });
});
