// Two broker nodes of one deployment on one Redis and one PostgreSQL (issue 4): the browser waits
// on node 1 while the app's decision reaches node 2; the wake-up travels through Redis
// publish/subscribe. Needs TEST_DATABASE_URL and TEST_REDIS_URL (under CI their absence fails).
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { startTestBroker, type TestBroker } from '../../helpers/test-broker.js';
import { CARMEN } from '../../helpers/flow-driver.js';
import { statusOf } from '../../helpers/sp-requests.js';
import { MOVIL_ON, activateDevice, appCall, decide, openEvents, openMovil, pressContinue, requestPath, showQr, type FetchedRequest, type TestDevice } from '../../helpers/movil.js';

const missing = ['TEST_DATABASE_URL', 'TEST_REDIS_URL'].filter((v) => !process.env[v]);

describe('Cl@ve Móvil across two nodes on one Redis', function () {
  if (missing.length > 0) {
    if (process.env.CI) it('has real servers to run against', () => assert.fail(`${missing.join(' and ')} not set`));
    else it.skip(`needs ${missing.join(' and ')}`);
    return;
  }
  let node1: TestBroker;
  let node2: TestBroker;
  let carmen: TestDevice;
  before(async function () {
    this.timeout(60_000);
    node1 = await startTestBroker({ stores: 'real', overrides: MOVIL_ON });
    node2 = await startTestBroker({ stores: 'real', nodeOf: node1, overrides: MOVIL_ON });
    carmen = await activateDevice(node1, CARMEN.document);
  });
  after(async () => {
    await node2?.close();
    await node1?.close();
  });

  it('the browser waiting by server-sent events on node 1 hears the confirmation made on node 2, and finishes there', async () => {
    const at = await openMovil(node1);
    const { requestId } = await showQr(at);
    const events = openEvents(at);
    await events.subscribed;
    const fetched = (await appCall(node2, carmen, 'GET', requestPath(requestId)).expect(200)).body as FetchedRequest;
    await decide(node2, carmen, fetched, 'confirm').expect(200);
    assert.deepEqual(await events.statuses, ['pending', 'confirmed']);
    assert.equal(statusOf((await pressContinue(at).expect(200)).text).top, 'Success');
  });

  it('a refusal on node 2 reaches the browser on node 1, which answers AuthnFailed', async () => {
    const at = await openMovil(node1);
    const { requestId } = await showQr(at);
    const events = openEvents(at);
    await events.subscribed;
    const fetched = (await appCall(node2, carmen, 'GET', requestPath(requestId)).expect(200)).body as FetchedRequest;
    await decide(node2, carmen, fetched, 'refuse').expect(200);
    assert.deepEqual(await events.statuses, ['pending', 'refused']);
    assert.equal(statusOf((await pressContinue(at).expect(200)).text).sub, 'AuthnFailed');
  });

  it("a browser that leaves takes its node's Redis subscription with it", async () => {
    const at = await openMovil(node1);
    const { requestId } = await showQr(at);
    const channel = `${node1.broker.services.config.ephemeral.keyPrefix}movil:${requestId}`;
    const redis = new Redis(process.env.TEST_REDIS_URL!);
    try {
      const subscribers = async () => Number(((await redis.pubsub('NUMSUB', channel)) as [string, number])[1]);
      const events = openEvents(at);
      await events.subscribed;
      assert.equal(await subscribers(), 1);
      events.close();
      for (let i = 0; i < 100 && (await subscribers()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(await subscribers(), 0);
    } finally {
      redis.disconnect();
    }
  });

  it('the same decision sent to both nodes at once is taken once', async () => {
    const at = await openMovil(node1);
    const { requestId } = await showQr(at);
    const fetched = (await appCall(node1, carmen, 'GET', requestPath(requestId)).expect(200)).body as FetchedRequest;
    const [a, b] = await Promise.all([decide(node1, carmen, fetched, 'confirm'), decide(node2, carmen, fetched, 'confirm')]);
    assert.deepEqual([a.status, b.status].sort(), [200, 409]);
  });
});
