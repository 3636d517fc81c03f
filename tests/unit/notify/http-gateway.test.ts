// The HTTP gateway transport against a fake gateway on loopback (the outside world is the only
// thing we fake: design.md "Tests").
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createHttpGatewayNotifier } from '../../../broker/notify/http-gateway.js';
import { createNotifier } from '../../../broker/notify/index.js';
import { NotifyError } from '../../../broker/notify/notifier.js';
import { testConfig } from '../../helpers/store-targets.js';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: unknown;
}
type Behaviour = (n: number, req: http.IncomingMessage, res: http.ServerResponse) => void;

async function fakeGateway(behave: Behaviour): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(raw) });
      behave(received.length, req, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`,
    received,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const answer = (status: number) => (_n: number, _q: http.IncomingMessage, res: http.ServerResponse) => res.writeHead(status).end();
const message = { channel: 'sms' as const, to: '+34600000001', text: 'Su código Cl@ve PIN es 123456', code: '123456' };

function recordingLog() {
  const entries: unknown[] = [];
  return { entries, log: { warn: (...args: unknown[]) => void entries.push(args) } };
}

describe('notify HTTP gateway', () => {
  it('posts {channel,to,subject,text} with the bearer token, without a separate code', async () => {
    const gw = await fakeGateway(answer(202));
    try {
      await createHttpGatewayNotifier({ url: gw.url, token: 'gw-token', timeoutMs: 1000, retries: 0 }).send({ ...message, subject: 'PIN' });
      assert.equal(gw.received.length, 1);
      assert.equal(gw.received[0]!.headers.authorization, 'Bearer gw-token');
      assert.match(String(gw.received[0]!.headers['content-type']), /^application\/json/);
      assert.deepEqual(gw.received[0]!.body, { channel: 'sms', to: '+34600000001', subject: 'PIN', text: message.text });
    } finally {
      await gw.close();
    }
  });

  it('retries 5xx and succeeds when the gateway recovers, never logging the text or recipient', async () => {
    const gw = await fakeGateway((n, q, res) => answer(n <= 2 ? 503 : 200)(n, q, res));
    const { entries, log } = recordingLog();
    try {
      await createHttpGatewayNotifier({ url: gw.url, timeoutMs: 1000, retries: 2, backoffMs: 5, log }).send(message);
      assert.equal(gw.received.length, 3);
      assert.equal(entries.length, 2);
      const logged = JSON.stringify(entries);
      assert.ok(!logged.includes('123456') && !logged.includes('+34600000001'), logged);
    } finally {
      await gw.close();
    }
  });

  it('fails with NotifyError after the last attempt', async () => {
    const gw = await fakeGateway(answer(503));
    try {
      await assert.rejects(
        () => createHttpGatewayNotifier({ url: gw.url, timeoutMs: 1000, retries: 2, backoffMs: 5 }).send(message),
        (err: unknown) => err instanceof NotifyError && /after 3 attempts: gateway answered 503/.test(err.message) && !err.message.includes('123456'),
      );
      assert.equal(gw.received.length, 3);
    } finally {
      await gw.close();
    }
  });

  it('does not retry a 4xx', async () => {
    const gw = await fakeGateway(answer(400));
    try {
      await assert.rejects(() => createHttpGatewayNotifier({ url: gw.url, timeoutMs: 1000, retries: 3, backoffMs: 5 }).send(message), /refused the message: 400/);
      assert.equal(gw.received.length, 1);
    } finally {
      await gw.close();
    }
  });

  it('times out a hanging attempt and retries it', async () => {
    const gw = await fakeGateway((n, q, res) => (n === 1 ? undefined : answer(200)(n, q, res))); // the first never answers
    try {
      const started = Date.now();
      await createHttpGatewayNotifier({ url: gw.url, timeoutMs: 150, retries: 1, backoffMs: 5 }).send(message);
      assert.equal(gw.received.length, 2);
      assert.ok(Date.now() - started < 2000);
    } finally {
      await gw.close();
    }
  });

  it('gives up on a gateway that always hangs, within attempts x timeout', async () => {
    const gw = await fakeGateway(() => undefined);
    try {
      const started = Date.now();
      await assert.rejects(() => createHttpGatewayNotifier({ url: gw.url, timeoutMs: 100, retries: 1, backoffMs: 5 }).send(message), /no answer within 100 ms/);
      assert.ok(Date.now() - started < 1500);
    } finally {
      await gw.close();
    }
  });

  it('retries network errors (nothing listening)', async () => {
    const gw = await fakeGateway(answer(200));
    const url = gw.url;
    await gw.close();
    await assert.rejects(() => createHttpGatewayNotifier({ url, timeoutMs: 500, retries: 1, backoffMs: 5 }).send(message), /after 2 attempts: network error/);
  });

  it('createNotifier uses the gateway with the http transport', async () => {
    const gw = await fakeGateway(answer(200));
    try {
      const cfg = testConfig({ notify: { transport: 'http', http: { url: gw.url, token: 't', timeoutMs: 1000, retries: 0 } } });
      await createNotifier(cfg, pino({ level: 'silent' })).send(message);
      assert.equal(gw.received[0]!.headers.authorization, 'Bearer t');
    } finally {
      await gw.close();
    }
  });
});
