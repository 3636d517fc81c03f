// Cl@ve Móvil with DNI/NIE entry (seed 000 §3.2 step 3): the same identity data and validation as
// Cl@ve PIN, the request pushed to the person's active device, uniform answers for anybody else,
// and the limits against push-bombing (issue 4): one pending request per person, a cool-down
// after refusals, requests per DNI/NIE and per IP address.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { forEachStores, startTestBroker, type TestBroker } from '../../helpers/test-broker.js';
import { CARMEN, JAN } from '../../helpers/flow-driver.js';
import { statusOf } from '../../helpers/sp-requests.js';
import {
  MOVIL_ON, activateDevice, appCall, decide, inboxLoginRequests, openMovil, pressContinue, pushRequest, requestPath, verificationCodeOf,
  type FetchedRequest, type MovilBrowser, type TestDevice,
} from '../../helpers/movil.js';

const LUCIA = { document: '87654321X', documentDate: '2031-06-30' };

forEachStores('Cl@ve Móvil by DNI/NIE and push (seed 000 §3.2)', (stores) => {
  let b: TestBroker;
  let carmen: TestDevice;
  before(async function () {
    this.timeout(60_000);
    b = await startTestBroker({ stores, overrides: { ...MOVIL_ON, connectors: { ...MOVIL_ON.connectors, movil: { requestsPerPersonPerHour: 20 } } } });
    carmen = await activateDevice(b, CARMEN.document);
  });
  after(async () => b.close());

  async function waitingFor(person: { document: string; documentDate?: string; supportNumber?: string }): Promise<{ at: MovilBrowser; page: string }> {
    const at = await openMovil(b);
    await pushRequest(at, person).expect(303).expect('location', `/connectors/movil/${at.tx}/wait`);
    return { at, page: (await at.agent.get(`/connectors/movil/${at.tx}/wait`).expect(200)).text };
  }

  const fetch = async (device: TestDevice, requestId: string) => (await appCall(b, device, 'GET', requestPath(requestId)).expect(200)).body as FetchedRequest;

  it('the request reaches the device inbox (and a push notice the outbox); confirming logs the person in', async () => {
    await inboxLoginRequests(b, carmen);
    const { at, page } = await waitingFor(CARMEN);
    const [requestId] = await inboxLoginRequests(b, carmen);
    assert.ok(requestId, 'a login-request message in the inbox');
    const fetched = await fetch(carmen, requestId);
    assert.equal(fetched.verificationCode, verificationCodeOf(page));
    assert.equal(fetched.service, 'Test service two');
    const outbox = await readFile(path.join(b.varDir, 'outbox', 'push.jsonl'), 'utf8');
    assert.ok(outbox.split('\n').some((l) => l.includes(carmen.id) && l.includes('Test service two')));
    assert.doesNotMatch(outbox, new RegExp(requestId), 'the notice carries no request id');
    await decide(b, carmen, fetched, 'confirm').expect(200);
    assert.equal(statusOf((await pressContinue(at).expect(200)).text).top, 'Success');
  });

  it("only the person's own device may fetch a pushed request", async () => {
    const jan = await activateDevice(b, JAN.document);
    await waitingFor(CARMEN);
    const [requestId] = await inboxLoginRequests(b, carmen);
    const other = await appCall(b, jan, 'GET', requestPath(requestId!));
    assert.deepEqual([other.status, other.body.error], [404, 'not-found']);
  });

  it('wrong document data, an unknown person and a person without a device get the same waiting page and no push', async () => {
    await inboxLoginRequests(b, carmen);
    const strip = (t: string) => t.replace(/[A-Za-z0-9_-]{22}/g, 'X').replace(/id="movil-code">\d{3}</, '').replace(/data-remaining-ms="\d+">[\d:]+/, '');
    const known = await waitingFor(CARMEN);
    const wrongDate = await waitingFor({ document: CARMEN.document, documentDate: '2031-02-02' });
    const unknown = await waitingFor({ document: '00000000T', documentDate: '2030-01-01' });
    const noDevice = await waitingFor(LUCIA);
    for (const other of [wrongDate, unknown, noDevice]) assert.equal(strip(other.page), strip(known.page));
    assert.equal((await inboxLoginRequests(b, carmen)).length, 1, 'only the right data pushed');
  });

  it('malformed identity data is refused with a readable message', async () => {
    const at = await openMovil(b);
    const res = await pushRequest(at, { document: '12345678A', documentDate: '2030-01-01' });
    assert.equal(res.status, 422);
    assert.match(res.text, /role="alert"/);
  });

  it('one pending request per person: a newer request replaces the older, whose browser is told it expired', async () => {
    await inboxLoginRequests(b, carmen);
    const first = await waitingFor(CARMEN);
    const [firstId] = await inboxLoginRequests(b, carmen);
    const firstFetched = await fetch(carmen, firstId!);
    const second = await waitingFor(CARMEN);
    assert.equal((await first.at.agent.get(`/connectors/movil/${first.at.tx}/status`)).body.status, 'expired');
    const late = await decide(b, carmen, firstFetched, 'confirm');
    assert.deepEqual([late.status, late.body.error], [410, 'expired']);
    const [secondId] = await inboxLoginRequests(b, carmen);
    await decide(b, carmen, await fetch(carmen, secondId!), 'confirm').expect(200);
    assert.equal(statusOf((await pressContinue(second.at).expect(200)).text).top, 'Success');
  });

  it('a QR scanned by the device replaces the person\'s pending pushed request too', async () => {
    await inboxLoginRequests(b, carmen);
    const pushed = await waitingFor(CARMEN);
    const at = await openMovil(b);
    await at.agent.post(`/connectors/movil/${at.tx}/qr`).type('form').send({ csrf: at.csrf }).expect(303);
    const page = (await at.agent.get(`/connectors/movil/${at.tx}/wait`).expect(200)).text;
    const qrId = /data-login-request="[^"]*\/requests\/([A-Za-z0-9_-]{32})"/.exec(page)![1]!;
    await fetch(carmen, qrId);
    assert.equal((await pushed.at.agent.get(`/connectors/movil/${pushed.at.tx}/status`)).body.status, 'expired');
  });

  it('after two refusals the person gets no new request for the cool-down, with the rate-limit answer', async () => {
    const lucia = await activateDevice(b, LUCIA.document);
    for (let i = 0; i < 2; i++) {
      await waitingFor(LUCIA);
      const [id] = await inboxLoginRequests(b, lucia);
      await decide(b, lucia, await fetch(lucia, id!), 'refuse').expect(200);
    }
    const at = await openMovil(b);
    const blocked = await pushRequest(at, LUCIA);
    assert.equal(blocked.status, 429);
    assert.match(blocked.text, /role="alert"/);
    assert.deepEqual(await inboxLoginRequests(b, lucia), []);
    // nor through a QR code: the app is told why
    const qrAt = await openMovil(b);
    await qrAt.agent.post(`/connectors/movil/${qrAt.tx}/qr`).type('form').send({ csrf: qrAt.csrf }).expect(303);
    const page = (await qrAt.agent.get(`/connectors/movil/${qrAt.tx}/wait`).expect(200)).text;
    const qrId = /data-login-request="[^"]*\/requests\/([A-Za-z0-9_-]{32})"/.exec(page)![1]!;
    const scan = await appCall(b, lucia, 'GET', requestPath(qrId));
    assert.deepEqual([scan.status, scan.body.error], [429, 'cooling-down']);
  });
});

forEachStores('Cl@ve Móvil request limits', (stores) => {
  let b: TestBroker;
  before(async function () {
    this.timeout(60_000);
    b = await startTestBroker({ stores, overrides: { ...MOVIL_ON, connectors: { ...MOVIL_ON.connectors, movil: { requestsPerPersonPerHour: 3, requestsPerIpPerHour: 6 } } } });
  });
  after(async () => b.close());

  it('requests to one DNI/NIE are limited per hour, whether or not it belongs to anybody', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await pushRequest(await openMovil(b), { document: '99999999R', documentDate: '2030-01-01' })).status);
    assert.deepEqual(statuses, [303, 303, 303, 429]);
  });

  it('requests from one IP address are limited per hour, QR codes included', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const at = await openMovil(b);
      statuses.push((await at.agent.post(`/connectors/movil/${at.tx}/qr`).type('form').send({ csrf: at.csrf })).status);
    }
    assert.deepEqual(statuses, [303, 303, 429], 'the four push attempts of the test before count too');
  });
});
