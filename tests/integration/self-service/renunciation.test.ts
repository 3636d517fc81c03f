// Renunciation (issue 9; seed 000 §2.6.2): the data and conditions, a one-time code by SMS, then
// every credential, device and session of the person revoked at once — the Permanente account,
// the Cl@ve app device, the SSO sessions of every browser (no assertion from them any more) and
// the self-service session —, the PDF proof read back with pdftotext, and the registration data
// deleted once retention.renouncedPersonDays have passed.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Agent } from 'supertest';
import { startCertificateWorld, getWithClientCertificate, issueQualifiedPerson, type CertificateWorld } from '../../helpers/certificate-world.js';
import { newAgent, sendAuthnRequest, statusOf } from '../../helpers/sp-requests.js';
import { csrfOf, readCodeFromOutbox, readPinFromOutbox, readPostForm, txOf } from '../../helpers/flow-driver.js';
import { brokerPath } from '../../helpers/admin-session.js';
import { activateDevice, signedCall, APP, type TestDevice } from '../../helpers/devices.js';
import { activatePermanente, openPermanenteLogin, submitPassword } from '../../helpers/permanente.js';
import { SP1, SP2, forEachStores } from '../../helpers/test-broker.js';
import type { TestCertificate } from '../../helpers/test-pki.js';

const run = promisify(execFile);
const DAY = 86_400_000;
const ELENA = { document: '88888888Y', documentDate: '2031-01-01', mobile: '+34611000007' };

forEachStores('seed 000 §2.6 renunciation: everything revoked at once', (stores) => {
  let world: CertificateWorld;
  let cert: TestCertificate;
  let device: TestDevice;
  let personId: string;
  let browserA: Agent;
  let browserB: Agent;
  let proofPdf: Buffer;
  let reference: string;

  /** an SP login with the certificate: leaves an SSO session in the browser */
  async function certificateLogin(agent: Agent, sp: string): Promise<void> {
    const start = await sendAuthnRequest(world.broker, agent, { sp }).expect(303);
    const tx = txOf(start.headers.location!);
    const csrf = csrfOf((await agent.get(`/login/${tx}`).expect(200)).text);
    await agent.post(`/login/${tx}/choose`).type('form').send({ csrf, method: 'certificate' }).expect(303);
    const page = await agent.get(`/connectors/certificate/${tx}`).expect(200);
    const href = /id="present" href="([^"]+)"/.exec(page.text)![1]!.replace(/&amp;/g, '&');
    const back = new URL((await getWithClientCertificate(href, cert, [world.pki.intermediate])).location!);
    assert.equal(statusOf((await agent.get(back.pathname + back.search).expect(200)).text).top, 'Success');
  }

  before(async function () {
    this.timeout(60_000);
    world = await startCertificateWorld({ broker: { stores }, overrides: { connectors: { enabled: ['pin', 'permanente', 'certificate'] } } });
    const b = world.broker;
    const person = await b.broker.services.identity.add({ documentNumber: ELENA.document, documentDate: ELENA.documentDate, givenName: 'ELENA', firstSurname: 'NÚÑEZ', secondSurname: 'GIL', mobile: ELENA.mobile, email: 'elena@example.es', registrationLevel: 'advanced' });
    personId = person.id;
    cert = await issueQualifiedPerson(world, { serialNumber: 'IDCES-88888888Y', givenName: 'ELENA', surname: 'NÚÑEZ GIL' });
    await activatePermanente(b, ELENA.document);
    device = await activateDevice(b, ELENA, { label: 'Elena phone' });
    browserA = newAgent(b);
    browserB = newAgent(b);
    await certificateLogin(browserA, SP1);
    await certificateLogin(browserB, SP2);
    // the self-service login rides on browser A's SSO session
    const login = await browserA.get('/account/login').expect(302);
    const answer = await browserA.get(brokerPath(b, login.headers.location!)).expect(200);
    await browserA.post('/account/saml/acs').type('form').send(readPostForm(answer.text).fields).expect(303);
  });
  after(async () => {
    await world?.close();
  });

  it('shows the data and the conditions, wants them accepted, sends a code by SMS and wants it right', async () => {
    const page = await browserA.get('/account/renounce').set('Accept-Language', 'en').expect(200);
    assert.match(page.text, /88888888Y/);
    assert.match(page.text, /ELENA NÚÑEZ GIL/);
    assert.match(page.text, /id="conditions"/);
    const csrf = csrfOf(page.text);
    await browserA.post('/account/renounce/code').type('form').send({ csrf }).expect(422);
    await browserA.post('/account/renounce/code').type('form').send({ accepted: 'yes' }).expect(403);
    const since = Date.now();
    await browserA.post('/account/renounce/code').type('form').send({ csrf, accepted: 'yes' }).expect(200).expect('cache-control', 'no-store');
    const code = await readCodeFromOutbox(world.broker.varDir, 'sms', ELENA.mobile, since);
    const wrong = code === '000000' ? '111111' : '000000';
    await browserA.post('/account/renounce').type('form').send({ csrf, code: wrong }).expect(422);
    assert.equal((await world.broker.broker.services.identity.findById(personId))?.status, 'active');
    const done = await browserA.post('/account/renounce').type('form').set('Accept-Language', 'en').send({ csrf, code }).expect(200);
    assert.match(done.text, /You renounced Cl@ve/);
    reference = /Reference: <strong>([A-Z0-9_-]+)</.exec(done.text)?.[1] ?? '';
    assert.ok(reference, done.text);
    const proofHref = /id="proof" href="([^"]+)"/.exec(done.text)?.[1];
    assert.ok(proofHref?.startsWith('/account/renunciation/'));
    // the download needs no session: the person has none any more
    const pdf = await newAgent(world.broker).get(proofHref!).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    }).expect(200).expect('content-type', 'application/pdf');
    proofPdf = pdf.body as Buffer;
    await newAgent(world.broker).get('/account/renunciation/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA').expect(404);
  });

  it('the PDF proof says who, when, what was revoked, how long the data are kept, and the reference (pdftotext)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'renunciation-'));
    try {
      await writeFile(path.join(dir, 'proof.pdf'), proofPdf);
      const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', path.join(dir, 'proof.pdf'), '-']);
      const text = stdout.replace(/\s+/g, ' ');
      assert.match(text, /Proof of renunciation of Cl@ve/);
      assert.match(text, /DNI\/NIE: 88888888Y/);
      assert.match(text, /ELENA NÚÑEZ GIL/);
      assert.match(text, /\+34611000007/);
      assert.match(text, new RegExp(`Reference: ${reference}`));
      assert.match(text, /Cl@ve PIN, Cl@ve Permanente .* app device and every open session/);
      assert.match(text, /kept 365 days from the renunciation/);
      assert.match(text, /Date and time of the renunciation: \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the person is renounced, the Permanente account cancelled and the device deactivated, in the audit log with the reference', async () => {
    const { services } = world.broker.broker;
    const person = await services.identity.findById(personId);
    assert.equal(person?.status, 'renounced');
    const account = await services.credentials.accounts.find(personId);
    assert.equal(account?.state, 'cancelled');
    assert.equal(account?.passwordHash, null);
    assert.equal(await services.devices.activeDeviceOf(personId), undefined);
    await signedCall(world.broker, device, 'GET', `${APP}/device`).expect(401);
    const entry = await services.db.selectFrom('audit_log').select(['detail']).where('action', '=', 'person.renounced').where('subject', '=', personId).executeTakeFirstOrThrow();
    const detail = (typeof entry.detail === 'string' ? JSON.parse(entry.detail) : entry.detail) as Record<string, unknown>;
    assert.equal(detail.reference, reference);
    assert.equal(detail.permanenteCancelled, true);
    assert.equal(detail.devicesDeactivated, 1);
  });

  it('every SSO session of the person is over: an SP asking again through either browser gets no assertion', async () => {
    for (const [agent, sp] of [[browserA, SP1], [browserB, SP2]] as const) {
      const again = await sendAuthnRequest(world.broker, agent, { sp });
      assert.equal(again.status, 303, 'the selector, not an auto-posted assertion');
      assert.match(again.headers.location!, /^\/login\//);
      const passive = await sendAuthnRequest(world.broker, agent, { sp, isPassive: true }).expect(200);
      assert.equal(statusOf(passive.text).sub, 'NoPassive');
      assert.equal(statusOf(passive.text).hasAssertion, false);
    }
    await browserA.get('/account/').expect(401);
  });

  it('a login right after fails with a clear page: Permanente with the old password, and the certificate', async () => {
    const { agent, tx, csrf } = await openPermanenteLogin(world.broker);
    const refused = await submitPassword(agent, tx, csrf, ELENA.document, (await import('../../helpers/permanente.js')).DEMO_PASSWORD).set('Accept-Language', 'en');
    // the uniform wrong-password page: a cancelled account is not told apart from a wrong password
    assert.equal(refused.status, 422, 'no second factor for a cancelled account');
    assert.match(refused.text, /role="alert">The DNI\/NIE or the password is not correct\./);
    assert.match(refused.text, /name="password"/);
    const viaCertificate = newAgent(world.broker);
    const start = await sendAuthnRequest(world.broker, viaCertificate, { sp: SP2 }).expect(303);
    const ctx = txOf(start.headers.location!);
    const ccsrf = csrfOf((await viaCertificate.get(`/login/${ctx}`).expect(200)).text);
    await viaCertificate.post(`/login/${ctx}/choose`).type('form').send({ csrf: ccsrf, method: 'certificate' }).expect(303);
    const page = await viaCertificate.get(`/connectors/certificate/${ctx}`).expect(200);
    const href = /id="present" href="([^"]+)"/.exec(page.text)![1]!.replace(/&amp;/g, '&');
    const back = new URL((await getWithClientCertificate(href, cert, [world.pki.intermediate])).location!);
    const answer = await viaCertificate.get(back.pathname + back.search).set('Accept-Language', 'en').expect(403);
    assert.match(answer.text, /registration of the certificate&#39;s holder is not active|registration of the certificate's holder is not active/);
    assert.doesNotMatch(answer.text, /SAMLResponse/);
  });

  it('a PIN login right after gets the uniform answer: the code page, no PIN sent, and no assertion for any PIN', async () => {
    const b = world.broker;
    /** the PIN request of a new login from sp1; the time just before it, for the outbox */
    async function requestPin(person: { document: string; documentDate: string }) {
      const agent = newAgent(b);
      const start = await sendAuthnRequest(b, agent, { sp: SP1 }).expect(303);
      const tx = txOf(start.headers.location!);
      const csrf = csrfOf((await agent.get(`/login/${tx}`).expect(200)).text);
      await agent.post(`/login/${tx}/choose`).type('form').send({ csrf, method: 'pin' }).expect(303);
      const since = Date.now();
      const requested = await agent.post(`/connectors/pin/${tx}/request`).type('form').send({ csrf, document: person.document, documentDate: person.documentDate });
      return { agent, tx, csrf, since, requested };
    }
    const renounced = await requestPin(ELENA);
    assert.equal(renounced.requested.status, 303, 'the same answer as for an active person');
    assert.equal(renounced.requested.headers.location, `/connectors/pin/${renounced.tx}/code`);
    const guessed = await renounced.agent.post(`/connectors/pin/${renounced.tx}/code`).type('form').send({ csrf: renounced.csrf, pin: '123456' }).set('Accept-Language', 'en').expect(422);
    assert.match(guessed.text, /role="alert">The data or the PIN are not correct/);
    assert.doesNotMatch(guessed.text, /SAMLResponse/);
    // an active person's PIN, requested after Elena's, is in the outbox: any PIN for Elena would be before it
    const active = { document: '99999999R', documentDate: '2031-01-01', mobile: '+34611000008' };
    await b.broker.services.identity.add({ documentNumber: active.document, documentDate: active.documentDate, givenName: 'FÉLIX', firstSurname: 'MAR', mobile: active.mobile, registrationLevel: 'basic' });
    const control = await requestPin(active);
    assert.equal(control.requested.status, 303);
    await readPinFromOutbox(b.varDir, active.mobile, control.since);
    const sms = (await readFile(path.join(b.varDir, 'outbox', 'sms.jsonl'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { to: string; at: string });
    assert.ok(sms.some((m) => m.to === active.mobile), 'the outbox was read after the control PIN');
    assert.deepEqual(sms.filter((m) => m.to === ELENA.mobile && Date.parse(m.at) >= renounced.since), [], 'no PIN was sent to the renounced person');
  });

  it('retention.renouncedPersonDays later the registration data are deleted (not a day before)', async () => {
    const b = world.broker;
    b.clock.advance(364 * DAY);
    await b.broker.retention.runNow();
    assert.ok(await b.broker.services.identity.findById(personId));
    b.clock.advance(2 * DAY);
    const result = await b.broker.retention.runNow();
    assert.ok(!result.skipped && result.deleted.persons === 1, JSON.stringify(result));
    assert.equal(await b.broker.services.identity.findById(personId), undefined);
    assert.equal(await b.broker.services.credentials.accounts.find(personId), undefined);
  });
});
