// Cl@ve PIN rules (seed 000 §4): 3 characters from the seed's alphabet, valid 10 minutes, single
// use, 5 wrong entries void it, requests rate-limited, and answers that never reveal whether a
// person exists.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Agent } from 'supertest';
import { forEachStores, startTestBroker, type TestBroker } from '../../helpers/test-broker.js';
import { CARMEN, readPinFromOutbox } from '../../helpers/flow-driver.js';
import { openPinForm } from '../../helpers/sp-requests.js';
import { PIN_ALPHABET } from '../../../connectors/pin/pin-code.js';

forEachStores('Cl@ve PIN connector (seed 000 §4)', (stores) => {
  let b: TestBroker;
  before(async () => {
    b = await startTestBroker({ stores });
  });
  after(async () => b.close());

  const atPinForm = () => openPinForm(b);

  function requestPin(agent: Agent, tx: string, csrf: string, data: Record<string, string>) {
    return agent.post(`/connectors/pin/${tx}/request`).type('form').send({ csrf, ...data });
  }

  async function pinFor(ctx: { agent: Agent; tx: string; csrf: string }, extra: Record<string, string> = {}): Promise<string> {
    const since = Date.now();
    await requestPin(ctx.agent, ctx.tx, ctx.csrf, { document: CARMEN.document, documentDate: CARMEN.documentDate!, ...extra }).expect(303);
    return readPinFromOutbox(b.varDir, CARMEN.mobile, since);
  }

  const enter = (ctx: { agent: Agent; tx: string; csrf: string }, pin: string) => ctx.agent.post(`/connectors/pin/${ctx.tx}/code`).type('form').send({ csrf: ctx.csrf, pin });

  it('the PIN has 3 characters from letters without E and digits 2–7, and the outbox line has the design.md format', async () => {
    const ctx = await atPinForm();
    const pin = await pinFor(ctx);
    assert.match(pin, /^[A-DF-Z2-7]{3}$/);
    for (const c of pin) assert.ok(PIN_ALPHABET.includes(c));
    const lines = (await readFile(path.join(b.varDir, 'outbox', 'sms.jsonl'), 'utf8')).trim().split('\n');
    const last = JSON.parse(lines.at(-1)!) as Record<string, string>;
    assert.deepEqual(Object.keys(last).sort(), ['at', 'channel', 'code', 'text', 'to']);
    assert.equal(last.channel, 'sms');
    assert.match(last.at!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.ok(last.text!.includes(pin));
  });

  it('wrong identity data, an unknown person and a wrong PIN are answered alike', async () => {
    const known = await atPinForm();
    const a = await requestPin(known.agent, known.tx, known.csrf, { document: CARMEN.document, documentDate: CARMEN.documentDate! });
    const wrongDate = await atPinForm();
    const c = await requestPin(wrongDate.agent, wrongDate.tx, wrongDate.csrf, { document: CARMEN.document, documentDate: '2031-02-02' });
    const unknown = await atPinForm();
    const d = await requestPin(unknown.agent, unknown.tx, unknown.csrf, { document: '00000000T', documentDate: '2030-01-01' });
    for (const r of [a, c, d]) assert.equal(r.status, 303);
    const pages = await Promise.all([known, wrongDate, unknown].map((x) => x.agent.get(`/connectors/pin/${x.tx}/code`).expect(200)));
    const strip = (t: string) => t.replace(/[A-Za-z0-9_-]{22}/g, 'X');
    assert.equal(strip(pages[1]!.text), strip(pages[2]!.text));
    assert.equal(strip(pages[0]!.text), strip(pages[2]!.text));
    const wrong = await Promise.all([wrongDate, unknown].map((x) => enter(x, 'AAA')));
    assert.equal(wrong[0]!.status, 422);
    assert.equal(strip(wrong[0]!.text), strip(wrong[1]!.text));
  });

  it('is case-insensitive and single use: of two concurrent correct entries exactly one logs in', async () => {
    const ctx = await atPinForm();
    const pin = await pinFor(ctx);
    const [r1, r2] = await Promise.all([enter(ctx, pin.toLowerCase()), enter(ctx, pin)]);
    const wins = [r1, r2].filter((r) => r.status === 200 && r.text.includes('SAMLResponse'));
    assert.equal(wins.length, 1, `statuses ${r1.status} ${r2.status}`);
  });

  it('5 wrong entries void the PIN, even the right one afterwards', async () => {
    const ctx = await atPinForm();
    const pin = await pinFor(ctx);
    const wrongPin = pin === 'AAA' ? 'BBB' : 'AAA';
    for (let i = 0; i < 4; i++) assert.equal((await enter(ctx, wrongPin)).status, 422);
    const fifth = await enter(ctx, wrongPin);
    assert.match(fifth.text, /no longer valid|ya no es válido/);
    const after = await enter(ctx, pin);
    assert.doesNotMatch(after.text, /SAMLResponse/);
  });

  it('expires after 10 minutes', async () => {
    const ctx = await atPinForm();
    const pin = await pinFor(ctx);
    b.clock.advance(10 * 60_000 + 1000);
    try {
      const res = await enter(ctx, pin);
      assert.doesNotMatch(res.text, /SAMLResponse/);
    } finally {
      b.clock.advance(-(10 * 60_000 + 1000));
    }
  });

  it('a personal code is typed in front of the PIN', async () => {
    const ctx = await atPinForm();
    const pin = await pinFor(ctx, { personalise: '1', personalCode: 'k9x2' });
    assert.equal((await enter(ctx, pin)).status, 422, 'the PIN alone is not enough');
    const ok = await enter(ctx, `K9X2${pin}`);
    assert.match(ok.text, /SAMLResponse/);
  });

  it('PIN requests are rate-limited per person', async () => {
    const ctx = await atPinForm();
    const statuses: number[] = [];
    const limit = b.broker.services.config.connectors.pin.requestsPerPersonPerHour;
    for (let i = 0; i <= limit; i++) statuses.push((await requestPin(ctx.agent, ctx.tx, ctx.csrf, { document: '99999999R', documentDate: '2030-01-01' })).status);
    assert.deepEqual(statuses.slice(0, limit), Array(limit).fill(303));
    assert.equal(statuses[limit], 429);
  });

  it('malformed input is refused with a readable message, not a crash', async () => {
    const ctx = await atPinForm();
    const res = await requestPin(ctx.agent, ctx.tx, ctx.csrf, { document: '12345678A', documentDate: '2030-01-01' });
    assert.equal(res.status, 422);
    assert.match(res.text, /role="alert"/);
  });
});
