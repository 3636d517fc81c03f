// Activating the Cl@ve app (issue 4, seed 000 §3.3.2): an SMS code after DNI/NIE + contrast data,
// or a registrar's code; the proof of key possession; 5 wrong codes void the code; one active
// device per person, the person told when it changes; the person sees and removes the device.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { forEachStores, startTestBroker, type TestBroker } from '../../helpers/test-broker.js';
import { CARMEN, JAN } from '../../helpers/flow-driver.js';
import { APP, activateDevice, newKeyPair, postActivation, signedCall, smsActivationCode } from '../../helpers/devices.js';

const REGISTRAR_TOKEN = 'registrar-token-for-the-devices-tests';

async function outbox(b: TestBroker, channel: 'sms' | 'email' | 'push'): Promise<Record<string, string>[]> {
  const text = await readFile(path.join(b.varDir, 'outbox', `${channel}.jsonl`), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>);
}

async function eventually<T>(read: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = await read();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('never happened');
}

forEachStores('Cl@ve app activation (issue 4, seed 000 §3.3.2)', (stores) => {
  let b: TestBroker;
  beforeEach(async () => {
    b = await startTestBroker({ stores, overrides: { api: { registrarToken: REGISTRAR_TOKEN } } });
  });
  afterEach(async () => b.close());

  it('by an SMS code: the answer is the same for an unknown person or wrong contrast data, and only the registered mobile gets a code', async () => {
    const answers = [];
    for (const body of [{ document: CARMEN.document, documentDate: CARMEN.documentDate }, { document: CARMEN.document, documentDate: '2031-01-01' }, { document: '00000000T', documentDate: '2030-01-01' }]) {
      answers.push((await request(b.url).post(`${APP}/activation/sms-code`).send(body).expect(202)).body);
    }
    assert.deepEqual(answers[0], answers[1]);
    assert.deepEqual(answers[0], answers[2]);
    const sms = await eventually(async () => ((await outbox(b, 'sms')).length ? outbox(b, 'sms') : undefined));
    assert.equal(sms.length, 1);
    assert.equal(sms[0]!.to, CARMEN.mobile);
    assert.match(sms[0]!.code!, /^\d{6}$/);
    assert.ok(sms[0]!.text!.includes(sms[0]!.code!));

    const { res } = await postActivation(b, CARMEN.document, sms[0]!.code!, { label: 'Pixel de Carmen' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.label, 'Pixel de Carmen');
    assert.equal(res.body.status, 'active');
    const device = await b.broker.services.devices.get(res.body.deviceId as string);
    assert.equal(device?.status, 'active');
  });

  it('works for a NIE with its support number', async () => {
    const device = await activateDevice(b, JAN);
    const view = await signedCall(b, device, 'GET', `${APP}/device`).expect(200);
    assert.equal(view.body.deviceId, device.id);
  });

  it('by a registrar code (pasarela registrar device-activation), used by the app like an SMS code', async () => {
    await request(b.url).post(`/api/registrar/persons/${CARMEN.document}/device-activation`).expect(401);
    const issued = await request(b.url).post(`/api/registrar/persons/${CARMEN.document}/device-activation`).set('Authorization', `Bearer ${REGISTRAR_TOKEN}`).expect(201);
    assert.match(issued.body.activationCode, /^\d{6}$/);
    assert.ok(Date.parse(issued.body.expiresAt) > Date.now() + 24 * 3_600_000);
    await request(b.url).post('/api/registrar/persons/00000000T/device-activation').set('Authorization', `Bearer ${REGISTRAR_TOKEN}`).expect(404);
    const { res } = await postActivation(b, CARMEN.document, issued.body.activationCode as string);
    assert.equal(res.status, 201);
    const listed = await request(b.url).get(`/api/registrar/persons/${CARMEN.document}/device`).set('Authorization', `Bearer ${REGISTRAR_TOKEN}`).expect(200);
    assert.equal(listed.body.deviceId, res.body.deviceId);
  });

  it('a code is single use, and 5 wrong codes void it, even the right one afterwards', async () => {
    const code = await smsActivationCode(b, CARMEN);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      const { res } = await postActivation(b, CARMEN.document, wrong);
      assert.equal(res.status, 403);
      assert.equal(res.body.error, 'code-invalid');
    }
    assert.equal((await postActivation(b, CARMEN.document, code)).res.status, 403);

    const fresh = await smsActivationCode(b, CARMEN);
    assert.equal((await postActivation(b, CARMEN.document, fresh)).res.status, 201);
    assert.equal((await postActivation(b, CARMEN.document, fresh)).res.status, 403);
  });

  it('expires after 10 minutes', async () => {
    const code = await smsActivationCode(b, CARMEN);
    b.clock.advance(10 * 60_000 + 1000);
    assert.equal((await postActivation(b, CARMEN.document, code)).res.status, 403);
  });

  it('refuses a proof of possession made with another key, without spending the code; a challenge is single use', async () => {
    const code = await smsActivationCode(b, CARMEN);
    const other = newKeyPair();
    const { res } = await postActivation(b, CARMEN.document, code, { proofKey: other.privateKey });
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'proof-invalid');

    const keys = newKeyPair();
    const first = await postActivation(b, CARMEN.document, code, { keys });
    assert.equal(first.res.status, 201);
    const again = await request(b.url).post(`${APP}/activation`).send({
      document: CARMEN.document, code, challenge: first.challenge, publicKeyPem: keys.publicKeyPem, pushAddress: { kind: 'token', token: 'test-push-token-0123456789' }, label: 'x',
      proof: (await import('../../../broker/identity/devices/activation-proof.js')).signActivationProof(keys.privateKey, CARMEN.document, code, first.challenge),
    });
    assert.equal(again.status, 400);
    assert.equal(again.body.error, 'challenge-unknown');
  });

  it('refuses keys that are not P-256 and push addresses that are not https, with a clear message, before spending the code', async () => {
    const code = await smsActivationCode(b, CARMEN);
    const { generateKeyPairSync } = await import('node:crypto');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsaPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const bad = await postActivation(b, CARMEN.document, code, { keys: { privateKey: newKeyPair().privateKey, publicKeyPem: rsaPem } });
    assert.equal(bad.res.status, 400);
    assert.equal(bad.res.body.error, 'invalid-key');
    assert.match(bad.res.body.message, /P-256/);
    const plain = await postActivation(b, CARMEN.document, code, { pushAddress: { kind: 'webhook', url: 'http://phone.example/push' } });
    assert.equal(plain.res.status, 400);
    assert.equal(plain.res.body.error, 'invalid-push-address');
    assert.equal((await postActivation(b, CARMEN.document, code)).res.status, 201);
  });

  it('one active device per person: a new one deactivates the old one, which hears of it, and the person is told by SMS and e-mail', async () => {
    const old = await activateDevice(b, CARMEN, { label: 'Old phone' });
    const since = Date.now();
    const fresh = await activateDevice(b, CARMEN, { label: 'New phone' });
    await signedCall(b, old, 'GET', `${APP}/device`).expect(401);
    await signedCall(b, fresh, 'GET', `${APP}/device`).expect(200);
    const sms = await eventually(async () => (await outbox(b, 'sms')).find((m) => Date.parse(m.at!) >= since && m.text!.includes('New phone')));
    assert.equal(sms.to, CARMEN.mobile);
    const email = await eventually(async () => (await outbox(b, 'email')).find((m) => m.to === 'carmen@example.es'));
    assert.ok(email.text!.includes('Old phone'));
    const push = await eventually(async () => (await outbox(b, 'push')).find((m) => m.to === old.id));
    assert.ok(push.text);
    assert.equal(push.code, undefined);
    const active = await b.broker.services.devices.activeDeviceOf((await b.broker.services.identity.findByDocument(CARMEN.document))!.id);
    assert.equal(active?.id, fresh.id);
  });

  it('the person sees and removes their device from the app; the registrar can remove it too', async () => {
    const device = await activateDevice(b, CARMEN, { label: 'Mine' });
    const seen = await signedCall(b, device, 'GET', `${APP}/device`).expect(200);
    assert.equal(seen.body.label, 'Mine');
    assert.equal(seen.body.pushKind, 'token');
    assert.equal((await signedCall(b, device, 'DELETE', `${APP}/device`).expect(200)).body.status, 'deactivated');
    await signedCall(b, device, 'GET', `${APP}/device`).expect(401);

    const second = await activateDevice(b, CARMEN);
    const auth = { Authorization: `Bearer ${REGISTRAR_TOKEN}` };
    assert.equal((await request(b.url).delete(`/api/registrar/persons/${CARMEN.document}/device`).set(auth).expect(200)).body.deviceId, second.id);
    await request(b.url).get(`/api/registrar/persons/${CARMEN.document}/device`).set(auth).expect(404);
    await signedCall(b, second, 'GET', `${APP}/device`).expect(401);
  });

  it('SMS code requests are limited per person; malformed input is a 400 JSON, not a crash', async () => {
    const limit = b.broker.services.config.devices.activationRequestsPerPersonPerHour;
    for (let i = 0; i < limit; i++) await request(b.url).post(`${APP}/activation/sms-code`).send({ document: CARMEN.document, documentDate: CARMEN.documentDate }).expect(202);
    const limited = await request(b.url).post(`${APP}/activation/sms-code`).send({ document: CARMEN.document, documentDate: CARMEN.documentDate }).expect(429);
    assert.equal(limited.body.error, 'rate-limited');
    for (const body of ['{not json', JSON.stringify({ document: 'nope', documentDate: '2030-01-01' }), JSON.stringify({ document: CARMEN.document }), JSON.stringify([1, 2])]) {
      const res = await request(b.url).post(`${APP}/activation/sms-code`).set('Content-Type', 'application/json').send(body);
      assert.equal(res.status, 400, body);
      assert.equal(typeof res.body.message, 'string');
    }
    const res = await request(b.url).post(`${APP}/activation`).send({ document: CARMEN.document });
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'invalid');
  });

  it('publishes its OpenAPI 3.1 document, with the signed-call scheme', async () => {
    const doc = (await request(b.url).get(`${APP}/openapi.json`).expect(200)).body;
    assert.equal(doc.openapi, '3.1.0');
    for (const p of ['/activation/sms-code', '/activation/challenge', '/activation', '/device', '/inbox']) assert.ok(doc.paths[p], p);
    assert.deepEqual(doc.paths['/inbox'].get.security, [{ deviceSignature: [] }]);
    assert.deepEqual(doc.paths['/activation'].post.security, []);
    assert.match(doc.components.securitySchemes.deviceSignature.description, /X-Nonce/);
    assert.equal(doc.paths['/activation'].post.requestBody.content['application/json'].schema.properties.pushAddress.oneOf.length, 2);
  });
});
