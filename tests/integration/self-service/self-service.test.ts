// Citizen self-service end to end (issue 9; seed 000 §2.3–2.6): the login through the broker's own
// IdP as a local SP (method and rung known to the pages), the e-mail changed only after a Cl@ve PIN
// login, the mobile changed and the level raised only with a qualified certificate presented over
// real client-certificate TLS (the old number told; one person per mobile), a new Permanente
// activation code, the active device and the login history.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Agent } from 'supertest';
import { startCertificateWorld, getWithClientCertificate, issueQualifiedPerson, type CertificateWorld } from '../../helpers/certificate-world.js';
import { newAgent, sendAuthnRequest, statusOf, assertionText } from '../../helpers/sp-requests.js';
import { csrfOf, loginWithPin, readPostForm, txOf, type PinPerson } from '../../helpers/flow-driver.js';
import { brokerPath } from '../../helpers/admin-session.js';
import { activateDevice } from '../../helpers/devices.js';
import { SP1 } from '../../helpers/test-broker.js';
import type { TestCertificate } from '../../helpers/test-pki.js';
import { activationCodeMatches } from '../../../broker/identity/activation-code.js';

export const EIDAS_SUBSTANTIAL = { comparison: 'minimum' as const, classRefs: ['http://eidas.europa.eu/LoA/substantial'] };

/** the newest outbox line on `channel` to `to`, or undefined */
export async function lastOutbox(varDir: string, channel: 'sms' | 'email', to: string): Promise<{ text: string; code?: string } | undefined> {
  const text = await readFile(path.join(varDir, 'outbox', `${channel}.jsonl`), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { to: string; text: string; code?: string }).filter((l) => l.to === to).at(-1);
}

/** /account/login (or /account/login/pin) through the broker with Cl@ve PIN; the agent then holds a self-service session */
export async function accountLoginWithPin(world: CertificateWorld, agent: Agent, person: PinPerson, start = '/account/login'): Promise<void> {
  const b = world.broker;
  const login = await agent.get(start).expect(302);
  const sso = await agent.get(brokerPath(b, login.headers.location!)).expect(303);
  const done = await loginWithPin(agent, b.varDir, txOf(sso.headers.location!), person);
  assert.equal(done.status, 200, done.text.slice(0, 800));
  const form = readPostForm(done.text);
  assert.equal(form.action, `${b.url}/account/saml/acs`);
  await agent.post('/account/saml/acs').type('form').send(form.fields).expect(303);
}

/** /account/certificate/<purpose>: presents `leaf` on the client-certificate host and follows the way back */
export async function presentForAccount(world: CertificateWorld, agent: Agent, purpose: 'mobile' | 'upgrade', leaf: TestCertificate) {
  const page = await agent.get(`/account/certificate/${purpose}`).set('Accept-Language', 'en').expect(200);
  const href = /id="present" href="([^"]+)"/.exec(page.text)?.[1]?.replace(/&amp;/g, '&');
  assert.ok(href?.startsWith(`${world.broker.clientHost!.url}/certificate/present?ticket=`), href);
  const answer = await getWithClientCertificate(href!, leaf, [world.pki.intermediate]);
  assert.equal(answer.status, 303, answer.body);
  const back = new URL(answer.location!);
  assert.equal(back.pathname, `/account/certificate/${purpose}/return`);
  return agent.get(back.pathname + back.search).set('Accept-Language', 'en');
}

const ANDREA: PinPerson = { document: '44444444A', documentDate: '2031-01-01', mobile: '+34611000001' };
const BRUNO: PinPerson = { document: '55555555K', documentDate: '2031-01-01', mobile: '+34611000002' };
const CARLA: PinPerson = { document: '66666666Q', documentDate: '2031-01-01', mobile: '+34611000004' };
const DIEGO: PinPerson = { document: '77777777B', documentDate: '2031-01-01', mobile: '+34611000005' };

describe('citizen self-service (/account)', function () {
  this.timeout(60_000);
  let world: CertificateWorld;
  let andreaCert: TestCertificate;
  let brunoCert: TestCertificate;
  let diegoCert: TestCertificate;

  before(async () => {
    world = await startCertificateWorld();
    const { identity } = world.broker.broker.services;
    await identity.add({ documentNumber: ANDREA.document, documentDate: ANDREA.documentDate, givenName: 'ANDREA', firstSurname: 'LUNA', mobile: ANDREA.mobile, email: 'andrea@example.es', registrationLevel: 'advanced' });
    await identity.add({ documentNumber: BRUNO.document, documentDate: BRUNO.documentDate, givenName: 'BRUNO', firstSurname: 'SOL', mobile: BRUNO.mobile, email: 'bruno@example.es', registrationLevel: 'basic' });
    await identity.add({ documentNumber: CARLA.document, documentDate: CARLA.documentDate, givenName: 'CARLA', firstSurname: 'MAR', mobile: CARLA.mobile, email: 'carla@example.es', registrationLevel: 'advanced' });
    await identity.add({ documentNumber: DIEGO.document, documentDate: DIEGO.documentDate, givenName: 'DIEGO', firstSurname: 'RÍO', mobile: DIEGO.mobile, email: 'diego@example.es', registrationLevel: 'basic' });
    diegoCert = await issueQualifiedPerson(world, { serialNumber: 'IDCES-77777777B', givenName: 'DIEGO', surname: 'RÍO' });
    andreaCert = await issueQualifiedPerson(world, { serialNumber: 'IDCES-44444444A', givenName: 'ANDREA', surname: 'LUNA' });
    brunoCert = await issueQualifiedPerson(world, { serialNumber: 'IDCES-55555555K', givenName: 'BRUNO', surname: 'SOL' });
  });
  after(async () => {
    await world?.close();
  });

  it('every page but the login needs a session; the login page comes back to the page asked for', async () => {
    const page = await newAgent(world.broker).get('/account/mobile').set('Accept-Language', 'en').expect(401);
    assert.match(page.text, /href="\/account\/login\?RelayState=%2Faccount%2Fmobile"/);
    await newAgent(world.broker).get('/account/login?RelayState=https%3A%2F%2Fevil.test%2F').expect(400);
  });

  it('a PIN login opens the overview: method and rung, level, masked contacts, the device and the login history', async () => {
    const agent = newAgent(world.broker);
    await accountLoginWithPin(world, agent, CARLA);
    const first = await agent.get('/account/').set('Accept-Language', 'en').expect(200);
    assert.match(first.text, /id="device">You have no active device/);
    // the login a moment ago is written behind in a batch: the page must show it at once
    assert.match(first.text, /<td>Cl@ve: my registration<\/td><td>Cl@ve PIN<\/td><td>3<\/td>/);
    await activateDevice(world.broker, CARLA, { label: 'Carla phone' });
    const page = await agent.get('/account/').set('Accept-Language', 'en').expect(200);
    assert.match(page.text, /You logged in with Cl@ve PIN \(level 3\)/);
    assert.match(page.text, /id="level">advanced</);
    assert.match(page.text, /id="mobile">\+346\*{6}04</);
    assert.match(page.text, /id="email">c\*\*\*@example\.es</);
    assert.match(page.text, /id="device">Carla phone, active since/);
    assert.match(page.text, /<td>Cl@ve: my registration<\/td><td>Cl@ve PIN<\/td><td>3<\/td>/);
  });

  describe('seed 000 §2.4 the e-mail, after a Cl@ve PIN login', () => {
    it('changes it and tells the previous address', async () => {
      const agent = newAgent(world.broker);
      await accountLoginWithPin(world, agent, ANDREA);
      const form = await agent.get('/account/email').expect(200);
      const csrf = csrfOf(form.text);
      await agent.post('/account/email').type('form').send({ csrf, email: 'not an address' }).expect(422);
      await agent.post('/account/email').type('form').send({ email: 'x@example.es' }).expect(403);
      await agent.post('/account/email').type('form').send({ csrf, email: 'andrea.luna@example.org' }).expect(200);
      assert.equal((await world.broker.broker.services.identity.findByDocument(ANDREA.document))?.email, 'andrea.luna@example.org');
      assert.match((await lastOutbox(world.broker.varDir, 'email', 'andrea@example.es'))?.text ?? '', /se ha cambiado/);
    });

    it('a session opened with a certificate is sent through a fresh PIN login (ForceAuthn over the SSO session) first', async () => {
      const agent = newAgent(world.broker);
      // an SSO session with the certificate, then the self-service login reuses it
      const start = await sendAuthnRequest(world.broker, agent, { sp: SP1 }).expect(303);
      const tx = txOf(start.headers.location!);
      const csrf = csrfOf((await agent.get(`/login/${tx}`).expect(200)).text);
      await agent.post(`/login/${tx}/choose`).type('form').send({ csrf, method: 'certificate' }).expect(303);
      const certPage = await agent.get(`/connectors/certificate/${tx}`).expect(200);
      const href = /id="present" href="([^"]+)"/.exec(certPage.text)![1]!.replace(/&amp;/g, '&');
      const back = new URL((await getWithClientCertificate(href, brunoCert, [world.pki.intermediate])).location!);
      assert.equal(statusOf((await agent.get(back.pathname + back.search).expect(200)).text).top, 'Success');
      const login = await agent.get('/account/login').expect(302);
      const answer = await agent.get(brokerPath(world.broker, login.headers.location!)).expect(200);
      const form = readPostForm(answer.text);
      await agent.post('/account/saml/acs').type('form').send(form.fields).expect(303);
      const page = await agent.get('/account/email').set('Accept-Language', 'en').expect(403);
      assert.match(page.text, /only be changed after logging in with Cl@ve PIN/);
      await agent.post('/account/email').type('form').send({ csrf: 'x', email: 'b@example.es' }).expect(403);
      // the PIN login: ForceAuthn shows the selector although the SSO session lives
      await accountLoginWithPin(world, agent, BRUNO, '/account/login/pin?RelayState=%2Faccount%2Femail');
      await agent.get('/account/email').expect(200);
    });
  });

  describe('seed 000 §2.3.1 the mobile, only with a certificate or DNIe', () => {
    it('asks for the certificate, refuses another person\'s, changes the number and tells the old one by SMS', async () => {
      const agent = newAgent(world.broker);
      await accountLoginWithPin(world, agent, DIEGO);
      const first = await agent.get('/account/mobile').set('Accept-Language', 'en').expect(200);
      assert.match(first.text, /specially protected/);
      assert.doesNotMatch(first.text, /name="mobile"/);
      const other = await presentForAccount(world, agent, 'mobile', andreaCert);
      assert.equal(other.status, 403);
      assert.match(other.text, /does not belong to the person logged in/);
      await agent.get('/account/mobile').expect(200).expect((r) => assert.doesNotMatch(r.text, /name="mobile"/));
      const form = await presentForAccount(world, agent, 'mobile', diegoCert);
      assert.equal(form.status, 200, form.text);
      assert.match(form.text, /name="mobile"/);
      const csrf = csrfOf(form.text);
      await agent.post('/account/mobile').type('form').send({ csrf, mobile: '+34611000006' }).expect(422);
      const taken = await agent.post('/account/mobile').type('form').set('Accept-Language', 'en').send({ csrf, mobile: ANDREA.mobile, accepted: 'yes' }).expect(409);
      assert.match(taken.text, /Only one DNI\/NIE can be linked to the same mobile number/);
      await agent.post('/account/mobile').type('form').send({ csrf, mobile: '+34611000006', accepted: 'yes' }).expect(200);
      assert.equal((await world.broker.broker.services.identity.findByDocument(DIEGO.document))?.mobile, '+34611000006');
      assert.match((await lastOutbox(world.broker.varDir, 'sms', DIEGO.mobile))?.text ?? '', /cambiado a otro número/);
      assert.match((await lastOutbox(world.broker.varDir, 'sms', '+34611000006'))?.text ?? '', /es ahora el teléfono móvil de su registro/);
      // the proof was spent: another change needs the certificate again
      await agent.get('/account/mobile').expect(200).expect((r) => assert.doesNotMatch(r.text, /name="mobile"/));
      await world.broker.broker.services.identity.changeContact((await world.broker.broker.services.identity.findByDocument(DIEGO.document))!.id, { mobile: DIEGO.mobile });
    });

    it('a ticket brought back by another browser is refused', async () => {
      const agent = newAgent(world.broker);
      await accountLoginWithPin(world, agent, DIEGO);
      const page = await agent.get('/account/certificate/mobile').expect(200);
      const href = /id="present" href="([^"]+)"/.exec(page.text)![1]!.replace(/&amp;/g, '&');
      const back = new URL((await getWithClientCertificate(href, diegoCert, [world.pki.intermediate])).location!);
      const thief = newAgent(world.broker);
      await accountLoginWithPin(world, thief, DIEGO);
      await thief.get(back.pathname + back.search).expect(400);
    });
  });

  it('seed 000 §2.5 a basic person becomes advanced with a certificate, and the next PIN login reaches substantial', async () => {
    const agent = newAgent(world.broker);
    const before = await sendAuthnRequest(world.broker, agent, { sp: SP1, requestedAuthnContext: EIDAS_SUBSTANTIAL }).expect(303);
    const refused = await loginWithPin(agent, world.broker.varDir, txOf(before.headers.location!), BRUNO);
    assert.equal(refused.status, 403, 'a basic PIN login cannot reach substantial');
    await accountLoginWithPin(world, agent, BRUNO);
    const done = await presentForAccount(world, agent, 'upgrade', brunoCert);
    assert.equal(done.status, 200, done.text);
    assert.match(done.text, /now advanced/);
    assert.equal((await world.broker.broker.services.identity.findByDocument(BRUNO.document))?.registrationLevel, 'advanced');
    const next = newAgent(world.broker);
    const start = await sendAuthnRequest(world.broker, next, { sp: SP1, requestedAuthnContext: EIDAS_SUBSTANTIAL }).expect(303);
    const answer = await loginWithPin(next, world.broker.varDir, txOf(start.headers.location!), BRUNO);
    assert.equal(statusOf(answer.text).top, 'Success');
    assert.equal(assertionText(answer.text, 'AuthnContextClassRef'), 'http://eidas.europa.eu/LoA/substantial');
  });

  it('seed 000 §2.5 a new Permanente activation code, shown once and stored as a hash', async () => {
    const agent = newAgent(world.broker);
    await accountLoginWithPin(world, agent, ANDREA);
    const form = await agent.get('/account/activation-code').expect(200);
    await agent.post('/account/activation-code').type('form').send({}).expect(403);
    const done = await agent.post('/account/activation-code').type('form').send({ csrf: csrfOf(form.text) }).expect(200).expect('cache-control', 'no-store');
    const code = /id="activation-code">([A-Z0-9-]+)</.exec(done.text)?.[1];
    assert.ok(code && /^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/.test(code), done.text);
    const person = await world.broker.broker.services.identity.findByDocument(ANDREA.document);
    const account = await world.broker.broker.services.credentials.accounts.find(person!.id);
    assert.ok(account && activationCodeMatches(code, account.activationCodeHash));
    const [issued] = (await world.broker.broker.services.audit.forSubject(person!.id)).filter((e) => e.action === 'permanente.activation-code.issued');
    assert.equal(issued?.actor, `person:${person!.id}`);
  });

  it('limits new activation codes to 3 a day per person, so a blocked code is not unblocked at will', async () => {
    const agent = newAgent(world.broker);
    await accountLoginWithPin(world, agent, DIEGO);
    const csrf = csrfOf((await agent.get('/account/activation-code').expect(200)).text);
    const renew = () => agent.post('/account/activation-code').type('form').send({ csrf });
    for (let i = 0; i < 3; i++) await renew().expect(200);
    const person = (await world.broker.broker.services.identity.findByDocument(DIEGO.document))!;
    const third = (await world.broker.broker.services.credentials.accounts.find(person.id))!.activationCodeHash;
    const refused = await renew().set('Accept-Language', 'en').expect(429);
    assert.match(refused.text, /role="alert">You have generated 3 activation codes in the last 24 hours/);
    assert.doesNotMatch(refused.text, /id="activation-code"/);
    assert.equal((await world.broker.broker.services.credentials.accounts.find(person.id))!.activationCodeHash, third, 'the code in force is kept');
    assert.ok((await world.broker.broker.services.audit.forSubject(person.id)).some((e) => e.action === 'permanente.activation-code.limited'));
  });
});
