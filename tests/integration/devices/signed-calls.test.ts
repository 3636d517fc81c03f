// Signed calls from the app (issue 4; the format of broker/identity/devices/model.ts): every
// refusal is a 401 JSON naming what was wrong, and a replay, a stale timestamp, another device's
// key or a changed body or path never passes.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { forEachStores, startTestBroker, type TestBroker } from '../../helpers/test-broker.js';
import { CARMEN, JAN } from '../../helpers/flow-driver.js';
import { APP, activateDevice, signedCall, type TestDevice } from '../../helpers/devices.js';

forEachStores('signed app calls (issue 4)', (stores) => {
  let b: TestBroker;
  let carmen: TestDevice;
  let jan: TestDevice;
  before(async () => {
    b = await startTestBroker({ stores });
    carmen = await activateDevice(b, CARMEN);
    jan = await activateDevice(b, JAN);
  });
  after(async () => b.close());

  const refused = async (res: request.Response, error: string) => {
    assert.equal(res.status, 401, JSON.stringify(res.body));
    assert.equal(res.body.error, error);
    assert.equal(typeof res.body.message, 'string');
  };

  it('accepts a well-signed call and records when the device was last seen', async () => {
    const res = await signedCall(b, carmen, 'GET', `${APP}/device`).expect(200);
    assert.equal(res.body.deviceId, carmen.id);
    const seen = await signedCall(b, carmen, 'GET', `${APP}/device`).expect(200);
    assert.ok(Math.abs(Date.parse(seen.body.lastSeenAt) - b.clock.now().getTime()) < 60_000);
  });

  it('refuses missing headers and a malformed or wrong signature', async () => {
    await refused(await request(b.url).get(`${APP}/device`), 'signature-missing');
    await refused(await signedCall(b, carmen, 'GET', `${APP}/device`).set('X-Signature', 'not-a-signature'), 'signature-invalid');
    await refused(await signedCall(b, carmen, 'GET', `${APP}/device`).set('X-Signature', Buffer.alloc(64, 1).toString('base64url')), 'signature-invalid');
    await refused(await signedCall(b, carmen, 'GET', `${APP}/device`).set('X-Nonce', 'short'), 'signature-invalid');
    await refused(await signedCall(b, carmen, 'GET', `${APP}/device`).set('X-Device-Id', 'not-a-uuid'), 'signature-invalid');
  });

  it('refuses a replayed nonce', async () => {
    const nonce = randomBytes(18).toString('base64url');
    await signedCall(b, carmen, 'GET', `${APP}/device`, undefined, { nonce }).expect(200);
    await refused(await signedCall(b, carmen, 'GET', `${APP}/device`, undefined, { nonce }), 'nonce-replayed');
    // the same nonce on another device is that device's business
    await signedCall(b, jan, 'GET', `${APP}/device`, undefined, { nonce }).expect(200);
  });

  it('refuses a timestamp outside the clock skew, old or future, and accepts one inside it', async () => {
    const skew = b.broker.services.config.devices.clockSkewSeconds * 1000;
    const now = b.clock.now().getTime();
    await refused(await signedCall(b, carmen, 'GET', `${APP}/device`, undefined, { now: new Date(now - skew - 2000) }), 'timestamp-stale');
    await refused(await signedCall(b, carmen, 'GET', `${APP}/device`, undefined, { now: new Date(now + skew + 2000) }), 'timestamp-stale');
    await signedCall(b, carmen, 'GET', `${APP}/device`, undefined, { now: new Date(now - skew + 5000) }).expect(200);
  });

  it("refuses another device's key, and a device id signed for with its own key but not its own", async () => {
    await refused(await signedCall(b, carmen, 'GET', `${APP}/device`, undefined, { key: jan.privateKey }), 'signature-invalid');
    await refused(await signedCall(b, { ...jan, id: carmen.id }, 'GET', `${APP}/inbox`), 'signature-invalid');
    await refused(await signedCall(b, { ...carmen, id: '00000000-0000-4000-8000-000000000000' }, 'GET', `${APP}/device`), 'device-unknown');
  });

  it('refuses a tampered body or path', async () => {
    await refused(await signedCall(b, carmen, 'GET', `${APP}/inbox`, undefined, { signedPath: `${APP}/device` }), 'signature-invalid');
    await refused(await signedCall(b, carmen, 'GET', `${APP}/device?x=1`, undefined, { signedPath: `${APP}/device` }), 'signature-invalid');
    await refused(await signedCall(b, carmen, 'DELETE', `${APP}/device`, { a: 2 }, { signedBody: Buffer.from(JSON.stringify({ a: 1 })) }), 'signature-invalid');
  });

  it('refuses a body over 16 kB with 413 JSON', async () => {
    const res = await signedCall(b, carmen, 'DELETE', `${APP}/device`, { big: 'x'.repeat(17 * 1024) });
    assert.equal(res.status, 413);
    assert.equal(res.body.error, 'invalid');
  });

  it('refuses a deactivated device', async () => {
    const extra = await activateDevice(b, { document: '87654321X', documentDate: '2031-06-30', mobile: '+34600000003' });
    await signedCall(b, extra, 'DELETE', `${APP}/device`).expect(200);
    await refused(await signedCall(b, extra, 'GET', `${APP}/inbox`), 'device-unknown');
  });
});
