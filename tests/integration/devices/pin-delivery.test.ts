// PINs through the Cl@ve app (seed 000 §4.1.1): with an active device the PIN goes to the app
// (a notice to its webhook or push token, the PIN itself only in the inbox), and by SMS as well
// when the app has not fetched it within the fallback delay (shortened here), when the push
// fails, or when the person asks on the page; without a device, by SMS at once.
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Agent } from 'supertest';
import { forEachStores, startTestBroker, type TestBroker } from '../../helpers/test-broker.js';
import { CARMEN, JAN, csrfOf } from '../../helpers/flow-driver.js';
import { openPinForm } from '../../helpers/sp-requests.js';
import { APP, activateDevice, signedCall, type TestDevice } from '../../helpers/devices.js';
import { translate } from '../../../broker/web/i18n/catalogue.js';

interface Receiver {
  readonly url: string;
  readonly notices: Record<string, string>[];
  close(): Promise<void>;
}

/** the app's own push endpoint: plain http on 127.0.0.1, which a broker on http accepts */
async function startReceiver(): Promise<Receiver> {
  const notices: Record<string, string>[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      notices.push(JSON.parse(body) as Record<string, string>);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/push`, notices, close: () => new Promise((r) => server.close(() => r())) };
}

async function sms(b: TestBroker, to: string, since: number): Promise<Record<string, string>[]> {
  const text = await readFile(path.join(b.varDir, 'outbox', 'sms.jsonl'), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>).filter((m) => m.to === to && Date.parse(m.at!) >= since);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(read: () => Promise<T | undefined>, ms = 3000): Promise<T> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(20)) {
    const v = await read();
    if (v !== undefined) return v;
  }
  throw new Error('never happened');
}

async function requestPin(ctx: { agent: Agent; tx: string; csrf: string }, person = CARMEN) {
  await ctx.agent.post(`/connectors/pin/${ctx.tx}/request`).type('form').send({ csrf: ctx.csrf, document: person.document, documentDate: person.documentDate ?? '', supportNumber: person.supportNumber ?? '' }).expect(303);
}

async function pinFromInbox(b: TestBroker, device: TestDevice): Promise<{ pin: string; service: string; expiresAt: string }> {
  return until(async () => {
    const { messages } = (await signedCall(b, device, 'GET', `${APP}/inbox`).expect(200)).body as { messages: { kind: string; data: { pin: string; service: string; expiresAt: string } }[] };
    return messages.find((m) => m.kind === 'pin')?.data;
  });
}

forEachStores('PIN delivery through the Cl@ve app (seed 000 §4.1.1)', (stores) => {
  const FALLBACK_S = 1;
  let b: TestBroker;
  let receiver: Receiver;
  let carmen: TestDevice;
  beforeEach(async () => {
    receiver = await startReceiver();
    b = await startTestBroker({ stores, overrides: { notify: { push: { smsFallbackSeconds: FALLBACK_S } } } });
    carmen = await activateDevice(b, CARMEN, { pushAddress: { kind: 'webhook', url: receiver.url } });
  });
  afterEach(async () => {
    await b.close();
    await receiver.close();
  });

  it('goes to the app: a notice without the PIN to the webhook, the PIN in the inbox, and no SMS once the app fetched it', async () => {
    const ctx = await openPinForm(b);
    const since = Date.now();
    await requestPin(ctx);
    const notice = await until(async () => receiver.notices.find((n) => n.kind === 'pin'));
    assert.deepEqual(Object.keys(notice).sort(), ['at', 'deviceId', 'kind', 'messageId', 'text']);
    assert.equal(notice.deviceId, carmen.id);
    const { pin, service, expiresAt } = await pinFromInbox(b, carmen);
    assert.match(pin, /^[A-DF-Z2-7]{3}$/);
    assert.equal(notice.text, translate('es', 'pin.push.text', { service: 'Test service two' }), 'the notice never carries the PIN');
    assert.equal(service, 'Test service two');
    assert.ok(Math.abs(Date.parse(expiresAt) - (b.clock.now().getTime() + 600_000)) < 5000);
    const page = await ctx.agent.get(`/connectors/pin/${ctx.tx}/code`).expect(200);
    assert.match(page.text, /action="\/connectors\/pin\/[^"]+\/sms"/);
    await sleep(FALLBACK_S * 1000 + 700);
    assert.deepEqual(await sms(b, CARMEN.mobile, since), []);
    const done = await ctx.agent.post(`/connectors/pin/${ctx.tx}/code`).type('form').send({ csrf: ctx.csrf, pin });
    assert.equal(done.status, 200);
    assert.match(done.text, /SAMLResponse/);
  });

  it('falls back to SMS, with the same PIN, when the app has not fetched it in time', async () => {
    const ctx = await openPinForm(b);
    const since = Date.now();
    await requestPin(ctx);
    await until(async () => receiver.notices.find((n) => n.kind === 'pin'));
    assert.deepEqual(await sms(b, CARMEN.mobile, since), [], 'no SMS before the delay');
    const [text] = await until(async () => {
      const got = await sms(b, CARMEN.mobile, since);
      return got.length ? got : undefined;
    });
    const { pin } = await pinFromInbox(b, carmen);
    assert.equal(text!.code, pin);
    await sleep(300);
    assert.equal((await sms(b, CARMEN.mobile, since)).length, 1, 'the SMS goes once');
  });

  it('sends it by SMS when the person asks on the page, once, and the answer is the same with or without a device', async () => {
    await b.close();
    b = await startTestBroker({ stores, overrides: { notify: { push: { smsFallbackSeconds: 600 } } } });
    carmen = await activateDevice(b, CARMEN, { pushAddress: { kind: 'webhook', url: receiver.url } });
    const ctx = await openPinForm(b);
    const since = Date.now();
    await requestPin(ctx);
    await until(async () => receiver.notices.find((n) => n.kind === 'pin'));
    const page = await ctx.agent.get(`/connectors/pin/${ctx.tx}/code`).expect(200);
    await ctx.agent.post(`/connectors/pin/${ctx.tx}/sms`).type('form').send({ csrf: 'wrong' }).expect((r) => assert.ok(r.status >= 400));
    const asked = await ctx.agent.post(`/connectors/pin/${ctx.tx}/sms`).type('form').send({ csrf: csrfOf(page.text) }).expect(200);
    const [text] = await until(async () => {
      const got = await sms(b, CARMEN.mobile, since);
      return got.length ? got : undefined;
    });
    const { pin } = await pinFromInbox(b, carmen);
    assert.equal(text!.code, pin);
    const again = await ctx.agent.post(`/connectors/pin/${ctx.tx}/sms`).type('form').send({ csrf: ctx.csrf }).expect(200);
    await sleep(200);
    assert.equal((await sms(b, CARMEN.mobile, since)).length, 1);

    const janCtx = await openPinForm(b);
    await requestPin(janCtx, JAN);
    const janAsked = await janCtx.agent.post(`/connectors/pin/${janCtx.tx}/sms`).type('form').send({ csrf: janCtx.csrf }).expect(200);
    const strip = (t: string) => t.replace(/[A-Za-z0-9_-]{22}/g, 'X');
    assert.equal(strip(asked.text), strip(janAsked.text));
    assert.equal(strip(again.text), strip(asked.text));
  });

  it('without a device the PIN goes by SMS at once, and nothing is pushed', async () => {
    const ctx = await openPinForm(b);
    const since = Date.now();
    await requestPin(ctx, JAN);
    const [text] = await until(async () => {
      const got = await sms(b, JAN.mobile, since);
      return got.length ? got : undefined;
    });
    assert.match(text!.code!, /^[A-DF-Z2-7]{3}$/);
    assert.equal(receiver.notices.filter((n) => n.kind === 'pin').length, 0);
  });

  it('goes by SMS at once when the push fails (the webhook is down)', async () => {
    await receiver.close();
    const ctx = await openPinForm(b);
    const since = Date.now();
    await requestPin(ctx);
    const [text] = await until(async () => {
      const got = await sms(b, CARMEN.mobile, since);
      return got.length ? got : undefined;
    }, FALLBACK_S * 1000 - 100);
    assert.ok(text!.code);
    receiver = await startReceiver();
  });

  it('a push token goes through the transport: the outbox line names the device, and a closing broker sends the pending SMS fallback at once', async () => {
    await b.close();
    b = await startTestBroker({ stores, overrides: { notify: { push: { smsFallbackSeconds: 600 } } } });
    const device = await activateDevice(b, CARMEN, { pushAddress: { kind: 'token', token: 'fcm-like-token-0123456789abcdef' } });
    const ctx = await openPinForm(b);
    const since = Date.now();
    await requestPin(ctx);
    const line = await until(async () => {
      const text = await readFile(path.join(b.varDir, 'outbox', 'push.jsonl'), 'utf8').catch(() => '');
      return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>).find((m) => Date.parse(m.at!) >= since);
    });
    assert.deepEqual(Object.keys(line).sort(), ['at', 'channel', 'code', 'text', 'to']);
    assert.equal(line.to, device.id);
    assert.deepEqual(await sms(b, CARMEN.mobile, since), []);
    const started = Date.now();
    await b.broker.services.notify.close(2000);
    assert.ok(Date.now() - started < 2000);
    const [text] = await sms(b, CARMEN.mobile, since);
    assert.equal(text?.code, line.code);
  });
});
