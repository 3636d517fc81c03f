// The management module's administrator login through the broker's own IdP (issue 7: passport +
// @node-saml/passport-saml at rung 2+ or higher), its session (express-session over the ephemeral
// store: idle and absolute lifetimes, new id at login, cookie attributes), CSRF on changes, and
// JSON answers for everything under /admin/api. On the embedded stores and PostgreSQL + Redis.
import assert from 'node:assert/strict';
import { inflateRawSync } from 'node:zlib';
import { forEachStores, startTestBroker, type TestBroker } from '../../helpers/test-broker.js';
import { CARMEN, JAN, csrfOf, loginWithPin, readPostForm, samlResponseXml, txOf } from '../../helpers/flow-driver.js';
import { newAgent } from '../../helpers/sp-requests.js';
import { FAST_ARGON2 } from '../../helpers/permanente-login.js';
import { brokerPath, conforms, loginAdmin, postToAdminAcs, startAdminLogin } from '../../helpers/admin-session.js';
import { activatePermanente, personId } from '../../helpers/permanente.js';
import { selfRoutes } from '../../../broker/admin/api/routes/self.js';
import { buildSuccessResponse } from '../../../broker/saml/build-response.js';
import { NAMEID_FORMAT } from '../../../broker/saml/namespaces.js';
import { getOrCreatePseudonym } from '../../../broker/store/pseudonyms.js';
import { revokedSessionsFor } from '../../../broker/flow/revoked-sessions.js';

const sessionSchema = selfRoutes.find((r) => r.path === '/session')!.response as import('zod').ZodType;
const EH = 'urn:etoegang:core:assurance-class:';

function authnRequestOf(location: string): { xml: string; query: URLSearchParams } {
  const query = new URL(location).searchParams;
  return { xml: inflateRawSync(Buffer.from(query.get('SAMLRequest')!, 'base64')).toString('utf8'), query };
}

/** A Response our IdP signs for the management SP, for a request the SP really sent. */
function signedResponse(b: TestBroker, opts: { inResponseTo: string; nameID: string; classRef: string }): string {
  const { services } = b.broker;
  const now = b.clock.now();
  return buildSuccessResponse(
    {
      issuer: `${b.url}/saml/metadata`,
      spEntityID: services.adminSp.entityID,
      acsUrl: services.adminSp.acsUrl,
      inResponseTo: opts.inResponseTo,
      nameID: { format: NAMEID_FORMAT.persistent, value: opts.nameID },
      sessionIndex: '_s1',
      authnInstant: now,
      authnContextClassRef: opts.classRef,
      attributes: [],
      lifetimeSeconds: 300,
      now,
    },
    { keys: services.keys, algorithm: services.keys.algorithm, signAssertion: true, signResponse: true },
  );
}

forEachStores('management login through the broker (issue 7)', (stores) => {
  let b: TestBroker;
  before(async () => {
    b = await startTestBroker({ stores, overrides: { connectors: { permanente: { argon2: FAST_ARGON2 } } } });
  });
  after(async () => b.close());

  it('sends a signed AuthnRequest for at least eHerkenning loa2plus with a persistent NameID, from its own metadata', async () => {
    const res = await newAgent(b).get('/admin/login').expect(302);
    assert.ok(res.headers.location!.startsWith(`${b.url}/saml/sso?`));
    const { xml, query } = authnRequestOf(res.headers.location!);
    assert.ok(query.get('Signature') && query.get('SigAlg'), 'the Redirect binding carries a signature');
    assert.match(xml, new RegExp(`<saml:Issuer[^>]*>${b.url}/admin/saml/metadata</saml:Issuer>`));
    assert.match(xml, /Comparison="minimum"/);
    assert.match(xml, new RegExp(`<saml:AuthnContextClassRef[^>]*>${EH}loa2plus</saml:AuthnContextClassRef>`));
    assert.match(xml, /Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"/);
    assert.match(xml, new RegExp(`AssertionConsumerServiceURL="${b.url}/admin/saml/acs"`));
    const metadata = await newAgent(b).get('/admin/saml/metadata').expect(200);
    assert.match(metadata.text, new RegExp(`entityID="${b.url}/admin/saml/metadata"`));
    assert.ok(b.broker.services.spRegistry.get(`${b.url}/admin/saml/metadata`), 'the IdP knows the management SP');
  });

  it('a Permanente reinforced login through the selector ends in a session at rung 3 for the person, with the cookie attributes', async () => {
    const admin = await loginAdmin(b, CARMEN);
    assert.equal(admin.personId, await personId(b, CARMEN.document));
    assert.equal(admin.rung, '3');
    const session = await admin.agent.get('/admin/api/session').expect(200).expect('cache-control', 'no-store');
    const body = conforms(sessionSchema, session.body) as { csrfToken: string; authnInstant: string };
    assert.ok(body.csrfToken.length >= 40);
    assert.ok(Math.abs(Date.parse(body.authnInstant) - b.clock.now().getTime()) < 60_000);
  });

  it('gives a new session id and CSRF token at every login in the same browser', async () => {
    const agent = newAgent(b);
    const first = await loginAdmin(b, CARMEN, agent);
    // a second login in the same browser replaces the session id
    const jar = (agent as unknown as { jar: { getCookie(name: string, access: unknown): { value: string } | undefined } }).jar;
    const access = { domain: '127.0.0.1', path: '/admin', secure: false, script: false };
    const before = jar.getCookie('pasarela.admin', access)?.value;
    assert.ok(before);
    const second = await loginAdmin(b, CARMEN, agent);
    const after = jar.getCookie('pasarela.admin', access)?.value;
    assert.ok(after && after !== before, 'the session id changes at login');
    assert.notEqual(second.csrf, first.csrf);
  });

  it('the Set-Cookie header of the ACS has the attributes', async () => {
    await activatePermanente(b, CARMEN.document);
    const { agent, tx, csrf } = await startAdminLogin(b);
    await agent.post(`/login/${tx}/choose`).type('form').send({ csrf, method: 'permanente' }).expect(303);
    const { passwordThenSmsCode, submitCode } = await import('../../helpers/permanente.js');
    const code = await passwordThenSmsCode(b, agent, tx, csrf, CARMEN.document, CARMEN.mobile);
    const done = await submitCode(agent, tx, csrf, code).expect(200);
    const acs = await postToAdminAcs(b, agent, done.text).expect(303);
    const cookie = ([] as string[]).concat(acs.headers['set-cookie'] ?? []).find((c) => c.startsWith('pasarela.admin='));
    assert.ok(cookie, 'the ACS sets the session cookie');
    assert.match(cookie, /; Path=\/admin/);
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; SameSite=Lax/);
    assert.doesNotMatch(cookie, /; Secure/);
    assert.doesNotMatch(cookie, /Expires=|Max-Age=/, 'the cookie ends with the browser');
    // the same Response a second time: its request was answered already
    await postToAdminAcs(b, newAgent(b), done.text).expect(401).expect('content-type', /json/);
  });

  it('refuses an assertion below 2+ (loa2), and a NameID that names nobody, even when our IdP signed it', async () => {
    const carmen = await personId(b, CARMEN.document);
    const entityID = b.broker.services.adminSp.entityID;
    const nameID = await b.broker.services.nameIDs.nameIDFor('persistent', carmen, entityID);
    for (const [classRef, value, reason] of [
      [`${EH}loa2`, nameID.value, 'rung-too-low'],
      ['http://eidas.europa.eu/LoA/low', nameID.value, 'rung-too-low'],
      [`${EH}loa3`, 'not-a-pseudonym-of-anyone', 'unknown-person'],
    ] as const) {
      const agent = newAgent(b);
      const start = await agent.get('/admin/login').expect(302);
      const id = /ID="([^"]+)"/.exec(authnRequestOf(start.headers.location!).xml)![1]!;
      const xml = signedResponse(b, { inResponseTo: id, nameID: value, classRef });
      const res = await agent.post('/admin/saml/acs').type('form').send({ SAMLResponse: Buffer.from(xml).toString('base64') }).expect(403);
      assert.equal(res.body.error, 'login-refused');
      assert.equal(res.body.reason, reason);
      assert.ok(!([] as string[]).concat(res.headers['set-cookie'] ?? []).some((c) => c.startsWith('pasarela.admin=')), 'no session');
    }
    // the same forged answer at loa3 for a real pseudonym is what the IdP would say: admitted
    const agent = newAgent(b);
    const start = await agent.get('/admin/login').expect(302);
    const id = /ID="([^"]+)"/.exec(authnRequestOf(start.headers.location!).xml)![1]!;
    await getOrCreatePseudonym(b.broker.services.db, carmen, entityID, () => nameID.value, 1);
    const ok = signedResponse(b, { inResponseTo: id, nameID: nameID.value, classRef: `${EH}loa3` });
    await agent.post('/admin/saml/acs').type('form').send({ SAMLResponse: Buffer.from(ok).toString('base64') }).expect(303);
    await agent.get('/admin/api/session').expect(200);
  });

  it('refuses a Response for a request it never sent, and one signed by another key', async () => {
    const carmen = await personId(b, CARMEN.document);
    const nameID = await b.broker.services.nameIDs.nameIDFor('persistent', carmen, b.broker.services.adminSp.entityID);
    const unsolicited = signedResponse(b, { inResponseTo: '_never-sent', nameID: nameID.value, classRef: `${EH}loa3` });
    await newAgent(b).post('/admin/saml/acs').type('form').send({ SAMLResponse: Buffer.from(unsolicited).toString('base64') }).expect(401);
    const agent = newAgent(b);
    const start = await agent.get('/admin/login').expect(302);
    const id = /ID="([^"]+)"/.exec(authnRequestOf(start.headers.location!).xml)![1]!;
    const tampered = signedResponse(b, { inResponseTo: id, nameID: nameID.value, classRef: `${EH}loa3` }).replace(`${EH}loa3`, `${EH}loa4`);
    await agent.post('/admin/saml/acs').type('form').send({ SAMLResponse: Buffer.from(tampered).toString('base64') }).expect(401);
    await agent.get('/admin/api/session').expect(401);
  });

  it('a login below 2+ never gets a session: PIN with a basic registration is refused by the broker, and the AuthnFailed status it then sends is refused by the ACS', async () => {
    const agent = newAgent(b);
    const start = await agent.get('/admin/login').expect(302);
    const tx = txOf((await agent.get(brokerPath(b, start.headers.location!)).expect(303)).headers.location!);
    // the broker itself refuses PIN for a basic registration at 2+ and offers the methods again
    const refused = await loginWithPin(agent, b.varDir, tx, JAN);
    assert.equal(refused.status, 403);
    const csrf = csrfOf((await agent.get(`/login/${tx}`).expect(200)).text);
    const answer = await agent.post(`/login/${tx}/cancel`).type('form').send({ csrf }).expect(200);
    assert.doesNotMatch(samlResponseXml(readPostForm(answer.text)), /<saml:Assertion/);
    const acs = await postToAdminAcs(b, agent, answer.text).expect(401);
    assert.equal(acs.body.error, 'login-failed');
    await agent.get('/admin/api/session').expect(401);
  });

  // node-saml reads the real clock, the broker its test clock: once moved, no new login validates,
  // so each test here logs in on a broker of its own before moving time
  describe('session lifetimes (admin.sessionIdleSeconds 1800, sessionAbsoluteSeconds 28800)', () => {
    let b: TestBroker;
    beforeEach(async () => {
      b = await startTestBroker({ stores, overrides: { connectors: { permanente: { argon2: FAST_ARGON2 } } } });
    });
    afterEach(async () => b.close());

    it('ends after 30 minutes idle', async () => {
      const admin = await loginAdmin(b, CARMEN);
      b.clock.advance(29 * 60_000);
      await admin.agent.get('/admin/api/session').expect(200);
      b.clock.advance(29 * 60_000);
      await admin.agent.get('/admin/api/session').expect(200);
      b.clock.advance(30 * 60_000 + 1000);
      const gone = await admin.agent.get('/admin/api/session').expect(401);
      assert.equal(gone.body.error, 'unauthenticated');
    });

    it('ends 8 hours after the login however active', async () => {
      const admin = await loginAdmin(b, CARMEN);
      for (let h = 0; h < 16; h++) {
        b.clock.advance(29 * 60_000);
        await admin.agent.get('/admin/api/session').expect(200);
      }
      b.clock.advance(29 * 60_000);
      await admin.agent.get('/admin/api/session').expect(401);
    });

    it('ends when the person renounces (the per-person mark every session checks), on every node; a later login works again', async () => {
      const admin = await loginAdmin(b, CARMEN);
      await admin.agent.get('/admin/api/session').expect(200);
      b.clock.advance(1000);
      await revokedSessionsFor(b.broker.services.config, b.broker.services.ephemeral).revokeAllOf(admin.personId, b.clock.now());
      const gone = await admin.agent.get('/admin/api/session').expect(401);
      assert.equal(gone.body.error, 'unauthenticated');
      b.clock.advance(1000);
      const again = await loginAdmin(b, CARMEN);
      await again.agent.get('/admin/api/session').expect(200);
    });
  });

  describe('CSRF and media types on changes', () => {
    it('refuses a change without the header, with a wrong one, and a form body; /admin/logout ends the session', async () => {
      const admin = await loginAdmin(b, CARMEN);
      const none = await admin.agent.post('/admin/api/activations').set('Content-Type', 'application/json').send('{"token":"x"}').expect(403);
      assert.equal(none.body.error, 'csrf');
      const wrong = await admin.agent.post('/admin/api/activations').set('X-CSRF-Token', admin.csrf.slice(1) + 'A').set('Content-Type', 'application/json').send('{"token":"x"}').expect(403);
      assert.equal(wrong.body.error, 'csrf');
      const form = await admin.agent.post('/admin/api/activations').set('X-CSRF-Token', admin.csrf).type('form').send({ token: 'x' }).expect(415);
      assert.equal(form.body.error, 'unsupported-media-type');
      const invalid = await admin.agent.post('/admin/api/activations').set('X-CSRF-Token', admin.csrf).set('Content-Type', 'application/json').send('{"token":""}').expect(422);
      assert.equal(invalid.body.error, 'invalid-input');
      assert.equal(invalid.body.issues[0].path, 'token');
      const broken = await admin.agent.post('/admin/api/activations').set('X-CSRF-Token', admin.csrf).set('Content-Type', 'application/json').send('{"token":').expect(400);
      assert.equal(broken.body.error, 'bad-request');
      await admin.agent.post('/admin/logout').expect(403);
      await admin.agent.post('/admin/logout').set('X-CSRF-Token', admin.csrf).expect(204);
      await admin.agent.get('/admin/api/session').expect(401);
    });

    it('answers JSON for unknown API paths and unauthenticated calls, never the HTML page', async () => {
      const missing = await newAgent(b).get('/admin/api/no-such-thing').expect(404).expect('content-type', /json/);
      assert.deepEqual(Object.keys(missing.body).sort(), ['error', 'message']);
      const anon = await newAgent(b).get('/admin/api/me/memberships').expect(401).expect('content-type', /json/);
      assert.equal(anon.body.error, 'unauthenticated');
    });
  });
});
