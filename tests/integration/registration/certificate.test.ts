// Online registration with a qualified certificate → advanced (issue 9; seed 000 §1.2, §2.1), end
// to end over real client-certificate TLS: an unknown holder registers with contrast data, mobile,
// e-mail and conditions (one person per mobile refused with its explanation) and receives a
// Permanente activation code; a known basic person is raised; the level is checked in the LoA of
// a following PIN login; a ticket from another browser, a stale form and a refused certificate
// end on pages.
import assert from 'node:assert/strict';
import type { Agent } from 'supertest';
import { startCertificateWorld, getWithClientCertificate, issueQualifiedPerson, type CertificateWorld } from '../../helpers/certificate-world.js';
import { newAgent, sendAuthnRequest, statusOf, assertionText } from '../../helpers/sp-requests.js';
import { csrfOf, loginWithPin, txOf, type PinPerson } from '../../helpers/flow-driver.js';
import { SP1 } from '../../helpers/test-broker.js';
import type { TestCertificate } from '../../helpers/test-pki.js';
import { activationCodeMatches } from '../../../broker/identity/activation-code.js';

const SUBSTANTIAL = { comparison: 'minimum' as const, classRefs: ['http://eidas.europa.eu/LoA/substantial'] };
const FRANCISCO: PinPerson = { document: '99999999R', documentDate: '2032-02-02', mobile: '+34622000001' };
const GLORIA: PinPerson = { document: '10000000Z', documentDate: '2032-02-02', mobile: '+34622000002' };

describe('registration online with a certificate or eID card → advanced', function () {
  this.timeout(60_000);
  let world: CertificateWorld;
  let franciscoCert: TestCertificate;
  let gloriaCert: TestCertificate;

  before(async () => {
    world = await startCertificateWorld();
    franciscoCert = await issueQualifiedPerson(world, { serialNumber: 'IDCES-99999999R', givenName: 'FRANCISCO', surname: 'PAZ LEÓN' });
    gloriaCert = await issueQualifiedPerson(world, { serialNumber: 'IDCES-10000000Z', givenName: 'GLORIA', surname: 'VEGA' });
    await world.broker.broker.services.identity.add({ documentNumber: GLORIA.document, documentDate: GLORIA.documentDate, givenName: 'GLORIA', firstSurname: 'VEGA', mobile: GLORIA.mobile, email: 'gloria@example.es', registrationLevel: 'basic' });
  });
  after(async () => {
    await world?.close();
  });

  /** the start page's link, the presentation on the client-certificate host, the way back */
  async function present(agent: Agent, leaf: TestCertificate | undefined): Promise<{ back: string; answer: Awaited<ReturnType<Agent['get']>> }> {
    const start = await agent.get('/register/certificate/').set('Accept-Language', 'en').expect(200);
    const href = /id="present" href="([^"]+)"/.exec(start.text)?.[1]?.replace(/&amp;/g, '&');
    assert.ok(href?.startsWith(`${world.broker.clientHost!.url}/certificate/present?ticket=`), href);
    const presented = await getWithClientCertificate(href!, leaf, leaf ? [world.pki.intermediate] : []);
    assert.equal(presented.status, 303, presented.body);
    const url = new URL(presented.location!);
    assert.equal(url.pathname, '/register/certificate/return');
    const back = url.pathname + url.search;
    return { back, answer: await agent.get(back).set('Accept-Language', 'en') };
  }

  async function pinLoginReaches(person: PinPerson): Promise<string | undefined> {
    const agent = newAgent(world.broker);
    const start = await sendAuthnRequest(world.broker, agent, { sp: SP1, requestedAuthnContext: SUBSTANTIAL }).expect(303);
    const done = await loginWithPin(agent, world.broker.varDir, txOf(start.headers.location!), person);
    return done.status === 200 && statusOf(done.text).top === 'Success' ? assertionText(done.text, 'AuthnContextClassRef') : undefined;
  }

  it('an unknown holder registers at advanced: contrast data, mobile (one person per mobile), e-mail, conditions; an activation code once', async () => {
    const agent = newAgent(world.broker);
    const { answer } = await present(agent, franciscoCert);
    assert.equal(answer.status, 200, answer.text);
    assert.match(answer.text, /id="holder">FRANCISCO PAZ LEÓN — 99999999R</);
    const csrf = csrfOf(answer.text);
    const fields = { csrf, documentDate: FRANCISCO.documentDate!, mobile: FRANCISCO.mobile, email: 'francisco@example.es', accepted: 'yes' };
    await agent.post('/register/certificate/complete').type('form').send({ ...fields, csrf: 'wrong' }).expect(403);
    await agent.post('/register/certificate/complete').type('form').send({ ...fields, documentDate: '2032-02-31' }).expect(422);
    await agent.post('/register/certificate/complete').type('form').send({ ...fields, accepted: '' }).expect(422);
    const taken = await agent.post('/register/certificate/complete').type('form').set('Accept-Language', 'en').send({ ...fields, mobile: GLORIA.mobile }).expect(409);
    assert.match(taken.text, /Only one DNI\/NIE can be linked to the same mobile number/);
    assert.equal(await world.broker.broker.services.identity.findByDocument(FRANCISCO.document), undefined);
    const done = await agent.post('/register/certificate/complete').type('form').set('Accept-Language', 'en').send(fields).expect(200).expect('cache-control', 'no-store');
    assert.match(done.text, /registered with Cl@ve at advanced level/);
    const code = /id="activation-code">([A-Z0-9-]+)</.exec(done.text)?.[1];
    const person = await world.broker.broker.services.identity.findByDocument(FRANCISCO.document);
    assert.equal(person?.registrationLevel, 'advanced');
    assert.equal(person?.givenName, 'FRANCISCO');
    assert.equal(person?.firstSurname, 'PAZ');
    assert.equal(person?.mobile, FRANCISCO.mobile);
    const account = await world.broker.broker.services.credentials.accounts.find(person!.id);
    assert.ok(code && account && activationCodeMatches(code, account.activationCodeHash));
    // the visit ended with the registration: the form cannot be posted again
    await agent.post('/register/certificate/complete').type('form').send(fields).expect(403);
    const audit = await world.broker.broker.services.audit.forSubject(person!.id);
    assert.ok(audit.some((e) => e.action === 'person.registered' && e.detail?.channel === 'certificate' && e.detail?.level === 'advanced'));
    assert.equal(await pinLoginReaches(FRANCISCO), 'http://eidas.europa.eu/LoA/substantial');
  });

  it('a known basic person is raised to advanced, and the next PIN login reaches substantial', async () => {
    assert.equal(await pinLoginReaches(GLORIA), undefined, 'basic registration: PIN stays below substantial');
    const { answer } = await present(newAgent(world.broker), gloriaCert);
    assert.equal(answer.status, 200, answer.text);
    assert.match(answer.text, /now advanced/);
    assert.equal((await world.broker.broker.services.identity.findByDocument(GLORIA.document))?.registrationLevel, 'advanced');
    assert.equal(await pinLoginReaches(GLORIA), 'http://eidas.europa.eu/LoA/substantial');
    const again = await present(newAgent(world.broker), gloriaCert);
    assert.match(again.answer.text, /advanced level already/);
  });

  it('a ticket brought back by another browser, or twice, is refused; a refused certificate ends on the refusal page', async () => {
    const agent = newAgent(world.broker);
    const start = await agent.get('/register/certificate/').expect(200);
    const href = /id="present" href="([^"]+)"/.exec(start.text)![1]!.replace(/&amp;/g, '&');
    const presented = await getWithClientCertificate(href, franciscoCert, [world.pki.intermediate]);
    const url = new URL(presented.location!);
    const thief = newAgent(world.broker);
    await thief.get('/register/certificate/').expect(200);
    await thief.get(url.pathname + url.search).expect(400);
    const expired = await present(newAgent(world.broker), world.pki.expired);
    assert.equal(expired.answer.status, 403);
    assert.match(expired.answer.text, /The certificate provided is not valid/);
    const none = await present(newAgent(world.broker), undefined);
    assert.equal(none.answer.status, 403);
  });

  it('starts are limited per address (connectors.certificate.presentationsPerIpPerHour)', async () => {
    const limit = world.broker.broker.services.config.connectors.certificate.presentationsPerIpPerHour;
    const agent = newAgent(world.broker);
    let status = 200;
    for (let i = 0; i <= limit && status === 200; i++) status = (await agent.get('/register/certificate/')).status;
    assert.equal(status, 429);
  });
});
