// Cl@ve Móvil (seed 000 §3.2, issue 4): the browser shows a QR code or sends the request to the
// person's device, both screens show the service and a 3-digit verification code, the app answers
// with a decision signed by the device key, and the browser learns the outcome by server-sent
// events, by polling or by pressing "continue".
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { forEachStores, startTestBroker, type TestBroker } from '../../helpers/test-broker.js';
import { CARMEN } from '../../helpers/flow-driver.js';
import { assertionText, newAgent, statusOf } from '../../helpers/sp-requests.js';
import {
  MOVIL_ON, activateDevice, appCall, decide, openEvents, openMovil, pressContinue, requestPath, showQr, signedDecision,
  type FetchedRequest, type TestDevice,
} from '../../helpers/movil.js';

forEachStores('Cl@ve Móvil connector (seed 000 §3.2)', (stores) => {
  let b: TestBroker;
  let carmen: TestDevice;
  before(async function () {
    this.timeout(60_000);
    b = await startTestBroker({ stores, overrides: MOVIL_ON });
    carmen = await activateDevice(b, CARMEN.document);
  });
  after(async () => b.close());

  async function fetchAs(device: TestDevice, requestId: string): Promise<FetchedRequest> {
    const res = await appCall(b, device, "GET", requestPath(requestId));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as FetchedRequest;
  }

  it('QR: the app fetches service and code, confirms, and the SP receives an assertion at the rung of the method table', async () => {
    const at = await openMovil(b);
    const { page, requestId, code } = await showQr(at);
    assert.match(page, /<svg[^>]*viewBox/);
    assert.match(page, /Test service two/);
    assert.match(page, /id="movil-countdown" data-remaining-ms="(29\d{4}|300000)"/);
    const fetched = await fetchAs(carmen, requestId);
    assert.deepEqual({ service: fetched.service, code: fetched.verificationCode }, { service: 'Test service two', code });
    const answer = await decide(b, carmen, fetched, 'confirm').expect(200);
    assert.equal(answer.body.status, 'confirmed');
    const done = await pressContinue(at).expect(200);
    assert.equal(statusOf(done.text).top, 'Success');
    // Carmen's registration is advanced: Móvil gives her rung 3, eIDAS substantial
    assert.equal(assertionText(done.text, 'AuthnContextClassRef'), 'http://eidas.europa.eu/LoA/substantial');
  });

  it('a confirmation is single use: a replayed decision is refused and the browser finishes once', async () => {
    const at = await openMovil(b);
    const { requestId } = await showQr(at);
    const fetched = await fetchAs(carmen, requestId);
    const body = signedDecision(b, fetched, 'confirm', carmen.privateKey);
    await appCall(b, carmen, 'POST', `${requestPath(requestId)}/decision`, body).expect(200);
    const replay = await appCall(b, carmen, 'POST', `${requestPath(requestId)}/decision`, body);
    assert.equal(replay.status, 409);
    assert.equal(replay.body.error, 'decided');
    const refuseAfter = await decide(b, carmen, fetched, 'refuse');
    assert.equal(refuseAfter.status, 409);
    assert.equal(statusOf((await pressContinue(at).expect(200)).text).top, 'Success');
  });

  it('the browser that pressed continue twice at once finishes one login', async () => {
    const at = await openMovil(b);
    const { requestId } = await showQr(at);
    await decide(b, carmen, await fetchAs(carmen, requestId), 'confirm').expect(200);
    const [r1, r2] = await Promise.all([pressContinue(at), pressContinue(at)]);
    assert.equal([r1, r2].filter((r) => r.status === 200 && r.text.includes('SAMLResponse')).length, 1, `statuses ${r1.status} ${r2.status}`);
  });

  it('a refusal in the app ends the login with AuthnFailed to the SP', async () => {
    const at = await openMovil(b);
    const { requestId } = await showQr(at);
    const answer = await decide(b, carmen, await fetchAs(carmen, requestId), 'refuse').expect(200);
    assert.equal(answer.body.status, 'refused');
    const done = await pressContinue(at).expect(200);
    assert.deepEqual([statusOf(done.text).top, statusOf(done.text).sub, statusOf(done.text).hasAssertion], ['Responder', 'AuthnFailed', false]);
  });

  it('a verification code or service that differs from the request is refused and the request stays pending', async () => {
    const at = await openMovil(b);
    const { requestId, code } = await showQr(at);
    const fetched = await fetchAs(carmen, requestId);
    const other = String((Number(code) + 1) % 1000).padStart(3, '0');
    const wrongCode = await decide(b, carmen, fetched, 'confirm', { verificationCode: other });
    assert.deepEqual([wrongCode.status, wrongCode.body.error], [422, 'mismatch']);
    const wrongService = await decide(b, carmen, fetched, 'confirm', { service: 'Another agency' });
    assert.deepEqual([wrongService.status, wrongService.body.error], [422, 'mismatch']);
    const status = await at.agent.get(`/connectors/movil/${at.tx}/status`).expect(200);
    assert.equal(status.body.status, 'pending');
    await decide(b, carmen, fetched, 'confirm').expect(200);
  });

  it('a confirmation without the device unlock is refused', async () => {
    const at = await openMovil(b);
    const { requestId } = await showQr(at);
    const res = await decide(b, carmen, await fetchAs(carmen, requestId), 'confirm', { unlocked: false });
    assert.deepEqual([res.status, res.body.error], [422, 'not-unlocked']);
  });

  it("a decision signed with another device's key is refused; another person's device cannot fetch a scanned request", async () => {
    const at = await openMovil(b);
    const { requestId } = await showQr(at);
    const fetched = await fetchAs(carmen, requestId);
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const forged = await appCall(b, carmen, 'POST', `${requestPath(requestId)}/decision`, signedDecision(b, fetched, 'confirm', stranger));
    assert.deepEqual([forged.status, forged.body.error], [401, 'decision-signature-invalid']);
    const jan = await activateDevice(b, 'X1234567L');
    const theirs = await appCall(b, jan, 'GET', requestPath(requestId));
    assert.deepEqual([theirs.status, theirs.body.error], [404, 'not-found']);
    const janDecides = await appCall(b, jan, 'POST', `${requestPath(requestId)}/decision`, signedDecision(b, fetched, 'confirm', jan.privateKey));
    assert.equal(janDecides.status, 404);
    assert.equal((await at.agent.get(`/connectors/movil/${at.tx}/status`)).body.status, 'pending');
  });

  it('expires at 5 minutes: the app is told so, and the page offers to retry or choose another method', async () => {
    const at = await openMovil(b);
    const { requestId } = await showQr(at);
    const fetched = await fetchAs(carmen, requestId);
    b.clock.advance(5 * 60_000);
    try {
      const late = await decide(b, carmen, fetched, 'confirm');
      assert.deepEqual([late.status, late.body.error], [410, 'expired']);
      assert.equal((await at.agent.get(`/connectors/movil/${at.tx}/status`)).body.status, 'expired');
      const page = await pressContinue(at).expect(200);
      assert.match(page.text, new RegExp(`href="/connectors/movil/${at.tx}"`));
      assert.match(page.text, new RegExp(`href="/login/${at.tx}"`));
      assert.doesNotMatch(page.text, /SAMLResponse/);
    } finally {
      b.clock.advance(-5 * 60_000);
    }
  });

  it('one second before 5 minutes the request is still good', async () => {
    const at = await openMovil(b);
    const { requestId } = await showQr(at);
    const fetched = await fetchAs(carmen, requestId);
    b.clock.advance(5 * 60_000 - 1000);
    try {
      await decide(b, carmen, fetched, 'confirm').expect(200);
    } finally {
      b.clock.advance(-(5 * 60_000 - 1000));
    }
  });

  it('without JavaScript: continue before the app answered shows the waiting page again', async () => {
    const at = await openMovil(b);
    const { requestId, code } = await showQr(at);
    const early = await pressContinue(at).expect(200);
    assert.match(early.text, /role="status"/);
    assert.match(early.text, new RegExp(`id="movil-code">${code}<`));
    assert.match(early.text, /<noscript>/);
    await decide(b, carmen, await fetchAs(carmen, requestId), 'confirm').expect(200);
    assert.equal(statusOf((await pressContinue(at).expect(200)).text).top, 'Success');
  });

  it('polling: the status address says pending, then confirmed', async () => {
    const at = await openMovil(b);
    const { requestId } = await showQr(at);
    const before = await at.agent.get(`/connectors/movil/${at.tx}/status`).expect(200).expect('content-type', /json/);
    assert.equal(before.body.status, 'pending');
    assert.ok(before.body.remainingMs > 0 && before.body.remainingMs <= 300_000);
    await decide(b, carmen, await fetchAs(carmen, requestId), 'confirm').expect(200);
    assert.equal((await at.agent.get(`/connectors/movil/${at.tx}/status`)).body.status, 'confirmed');
  });

  it('server-sent events: the waiting browser hears the confirmation', async () => {
    const at = await openMovil(b);
    const { requestId } = await showQr(at);
    const events = openEvents(at);
    await events.subscribed;
    await decide(b, carmen, await fetchAs(carmen, requestId), 'confirm').expect(200);
    assert.deepEqual(await events.statuses, ['pending', 'confirmed']);
    assert.equal(statusOf((await pressContinue(at).expect(200)).text).top, 'Success');
  });

  it('server-sent events after the decision still deliver it (status read after subscribing)', async () => {
    const at = await openMovil(b);
    const { requestId } = await showQr(at);
    await decide(b, carmen, await fetchAs(carmen, requestId), 'refuse').expect(200);
    assert.deepEqual(await openEvents(at).statuses, ['refused']);
  });

  it('the waiting page allows its one script and connections to its own origin only', async () => {
    const at = await openMovil(b);
    await showQr(at);
    const res = await at.agent.get(`/connectors/movil/${at.tx}/wait`).expect(200);
    assert.match(res.headers['content-security-policy']!, /script-src 'self'; connect-src 'self'/);
    assert.match(res.text, /<script src="\/static\/movil-wait.js" defer><\/script>/);
    assert.doesNotMatch(res.text, /<script>/);
    await at.agent.get('/static/movil-wait.js').expect(200).expect('content-type', /javascript/);
  });

  it("the app API's OpenAPI document describes the two routes and the decision's canonical bytes", async () => {
    const doc = (await newAgent(b).get('/api/app/v1/openapi.json').expect(200)).body as { paths: Record<string, Record<string, { description?: string; servers?: unknown }>> };
    const item = doc.paths['/connectors/movil/app/requests/{id}/decision']!;
    assert.ok(doc.paths['/connectors/movil/app/requests/{id}']?.get);
    assert.deepEqual(item.servers, [{ url: b.url }]);
    assert.match((item as unknown as { post: { description: string } }).post.description, /"requestId":…,"verificationCode":…,"service":…,"decision":"confirm"\|"refuse","unlocked":true\|false,"at":…/);
  });

  it('bad input to the app API gets a clear JSON refusal', async () => {
    const at = await openMovil(b);
    const { requestId } = await showQr(at);
    const unknown = await appCall(b, carmen, 'GET', requestPath('A'.repeat(32)));
    assert.deepEqual([unknown.status, unknown.body.error], [404, 'not-found']);
    const junk = await appCall(b, carmen, 'POST', `${requestPath(requestId)}/decision`, { decision: 'yes' });
    assert.deepEqual([junk.status, junk.body.error], [400, 'invalid']);
    const unsigned = await at.agent.get(requestPath(requestId));
    assert.equal(unsigned.status, 401);
  });
});

describe('Cl@ve Móvil: browsers waiting by server-sent events are bounded per node', () => {
  let b: TestBroker;
  before(async function () {
    this.timeout(60_000);
    b = await startTestBroker({ overrides: { ...MOVIL_ON, connectors: { ...MOVIL_ON.connectors, movil: { maxWaitingBrowsers: 1 } } } });
  });
  after(async () => b.close());

  it('beyond the bound the node answers 503, and a browser that leaves frees its place', async () => {
    const first = await openMovil(b);
    await showQr(first);
    const second = await openMovil(b);
    await showQr(second);
    const waiting = openEvents(first);
    await waiting.subscribed;
    const refused = openEvents(second);
    assert.equal(await refused.httpStatus, 503);
    waiting.close();
    for (let i = 0; i < 50; i++) {
      const again = openEvents(second);
      const status = await Promise.race([again.subscribed.then(() => 200), again.httpStatus]);
      again.close();
      if (status === 200) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.fail('the place of the browser that left was never freed');
  });
});
