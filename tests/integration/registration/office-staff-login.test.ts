// Staff login to the consoles through the broker's own IdP (issue 9): the staff SP asks for at
// least eIDAS substantial (rung 3), refuses a lower rung and a person without a staff role, keeps
// its own session (cookie on /staff, new id at login, CSRF on logout), reads the roles at each
// request (a revocation closes the console at once); the operator grants and revokes roles
// through the management API with its bearer token. On the embedded stores and PostgreSQL + Redis
// (the session and the InResponseTo cache live in the ephemeral store).
import assert from 'node:assert/strict';
import { inflateRawSync } from 'node:zlib';
import { forEachStores, startTestBroker, type TestBroker } from '../../helpers/test-broker.js';
import { CARMEN, JAN, csrfOf, loginWithPin, txOf } from '../../helpers/flow-driver.js';
import { brokerPath } from '../../helpers/admin-session.js';
import { newAgent } from '../../helpers/sp-requests.js';
import { staffRegistryOf } from '../../../broker/identity/staff/index.js';
import { OPERATOR_TOKEN, grantStaffRole, loginStaff, pinLoginToStaffSp, postToStaffAcs } from '../../helpers/staff-session.js';
import { personId } from '../../helpers/permanente.js';
import { buildSuccessResponse } from '../../../broker/saml/build-response.js';
import { NAMEID_FORMAT } from '../../../broker/saml/namespaces.js';
import { getOrCreatePseudonym } from '../../../broker/store/pseudonyms.js';
import { revokedSessionsFor } from '../../../broker/flow/revoked-sessions.js';

const LUCIA = { document: '87654321X', documentDate: '2031-06-30', mobile: '+34600000003' };

forEachStores('staff login through the broker (issue 9)', (stores) => {
  let b: TestBroker;
  const operator = () => ({ Authorization: `Bearer ${OPERATOR_TOKEN}` });
  before(async () => {
    b = await startTestBroker({ stores, overrides: { api: { operatorToken: OPERATOR_TOKEN } } });
    await grantStaffRole(b, CARMEN.document, 'registrar');
    await grantStaffRole(b, JAN.document, 'registrar');
  });
  after(async () => b.close());

  it('sends a signed AuthnRequest for at least eIDAS substantial with a persistent NameID, from its own metadata', async () => {
    const res = await newAgent(b).get('/staff/login').expect(302);
    const query = new URL(res.headers.location!).searchParams;
    assert.ok(query.get('Signature') && query.get('SigAlg'), 'the Redirect binding carries a signature');
    const xml = inflateRawSync(Buffer.from(query.get('SAMLRequest')!, 'base64')).toString('utf8');
    assert.match(xml, new RegExp(`<saml:Issuer[^>]*>${b.url}/staff/saml/metadata</saml:Issuer>`));
    assert.match(xml, /Comparison="minimum"/);
    assert.match(xml, /<saml:AuthnContextClassRef[^>]*>http:\/\/eidas.europa.eu\/LoA\/substantial<\/saml:AuthnContextClassRef>/);
    assert.match(xml, new RegExp(`AssertionConsumerServiceURL="${b.url}/staff/saml/acs"`));
    const metadata = await newAgent(b).get('/staff/saml/metadata').expect(200);
    assert.match(metadata.text, new RegExp(`entityID="${b.url}/staff/saml/metadata"`));
    assert.equal(b.broker.services.spRegistry.get(`${b.url}/staff/saml/metadata`)?.entityID, `${b.url}/staff/saml/metadata`);
  });

  it('a PIN login of an advanced person holding a role opens a session at rung 3, audited', async () => {
    const agent = newAgent(b);
    const planted = await agent.get('/staff/').expect(303);
    assert.equal(planted.headers.location, '/staff/login');
    await loginStaff(b, CARMEN, { agent });
    const home = await agent.get('/staff/').expect(200).expect('cache-control', 'no-store');
    assert.match(home.text, /registrador/);
    const cookie = (await agent.get('/staff/').expect(200)).headers['set-cookie'];
    assert.equal(cookie, undefined, 'the session cookie is set once, at login');
    const entries = await b.broker.services.audit.forSubject(await personId(b, CARMEN.document), 5);
    assert.ok(entries.some((e) => e.action === 'staff.login' && e.detail?.rung === '3'));
  });

  it('sets the cookie HttpOnly, SameSite=Lax, on /staff, without expiry', async () => {
    const agent = newAgent(b);
    const page = await pinLoginToStaffSp(b, CARMEN, agent);
    const acs = await postToStaffAcs(b, agent, page).expect(303);
    const cookie = ([] as string[]).concat(acs.headers['set-cookie'] ?? []).find((c) => c.startsWith('pasarela.staff='));
    assert.ok(cookie, 'the staff cookie is set');
    assert.match(cookie, /Path=\/staff/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.doesNotMatch(cookie, /Expires|Max-Age/);
  });

  it('refuses a basic person: PIN reaches only rung 2, so the broker stops the login before any assertion', async () => {
    const agent = newAgent(b);
    const start = await agent.get('/staff/login').expect(302);
    const sso = await agent.get(brokerPath(b, start.headers.location!)).expect(303);
    const done = await loginWithPin(agent, b.varDir, txOf(sso.headers.location!), JAN);
    assert.equal(done.status, 403);
    assert.match(done.text, /nivel de registro es insuficiente/);
    await agent.get('/staff/').expect(303).expect('location', '/staff/login');
  });

  it('refuses an assertion below rung 3 even when signed by the IdP for a request the staff SP sent', async () => {
    const agent = newAgent(b);
    const start = await agent.get('/staff/login').expect(302);
    const xml = inflateRawSync(Buffer.from(new URL(start.headers.location!).searchParams.get('SAMLRequest')!, 'base64')).toString('utf8');
    const requestId = /ID="([^"]+)"/.exec(xml)![1]!;
    const { services } = b.broker;
    const nameID = await getOrCreatePseudonym(services.db, await personId(b, CARMEN.document), services.staffSp.entityID, () => 'staff-test-pseudonym', 1);
    const now = b.clock.now();
    const response = buildSuccessResponse(
      {
        issuer: `${b.url}/saml/metadata`,
        spEntityID: services.staffSp.entityID,
        acsUrl: services.staffSp.acsUrl,
        inResponseTo: requestId,
        nameID: { format: NAMEID_FORMAT.persistent, value: nameID },
        sessionIndex: '_s1',
        authnInstant: now,
        authnContextClassRef: 'http://eidas.europa.eu/LoA/low',
        attributes: [],
        lifetimeSeconds: 300,
        now,
      },
      { keys: services.keys, algorithm: services.keys.algorithm, signAssertion: true, signResponse: true },
    );
    const acs = await agent.post('/staff/saml/acs').type('form').send({ SAMLResponse: Buffer.from(response).toString('base64') }).expect(403);
    assert.match(acs.text, /nivel 3 o superior/);
  });

  it('refuses a person holding no staff role, and lets them in once the operator grants one', async () => {
    const agent = newAgent(b);
    const acs = await postToStaffAcs(b, agent, await pinLoginToStaffSp(b, LUCIA, agent)).expect(403);
    assert.match(acs.text, /ninguna función de personal/);
    const granted = await newAgent(b).post('/admin/api/operator/staff').set(operator()).send({ documentNumber: LUCIA.document, role: 'interviewer' }).expect(201);
    assert.equal(granted.body.role, 'interviewer');
    assert.equal(granted.body.revokedAt, null);
    await loginStaff(b, LUCIA, { agent });
    await agent.get('/staff/').expect(200);
  });

  it('closes the consoles at the next request once the last role is revoked', async () => {
    const agent = await loginStaff(b, LUCIA);
    await agent.get('/staff/').expect(200);
    await newAgent(b).delete(`/admin/api/operator/staff/${LUCIA.document}/interviewer`).set(operator()).expect(200);
    const refused = await agent.get('/staff/').expect(403);
    assert.match(refused.text, /Función necesaria/);
  });

  it('closes the consoles at the next request while the person is suspended, and opens them again on reactivation', async () => {
    const agent = await loginStaff(b, CARMEN);
    await agent.get('/staff/').expect(200);
    const id = await personId(b, CARMEN.document);
    const setStatus = (status: 'active' | 'suspended') => b.broker.services.db.updateTable('persons').set({ status }).where('id', '=', id).execute();
    await setStatus('suspended');
    try {
      const refused = await agent.get('/staff/').expect(403);
      assert.match(refused.text, /Función necesaria/);
      await agent.get('/staff/office/').expect(403);
      assert.deepEqual(await staffRegistryOf(b.broker.services).rolesOf(id), []);
    } finally {
      await setStatus('active');
    }
    await agent.get('/staff/').expect(200);
  });

  it('ends the console session when the person renounces (the per-person mark every session checks)', async () => {
    const agent = await loginStaff(b, CARMEN);
    await agent.get('/staff/').expect(200);
    b.clock.advance(1000);
    await revokedSessionsFor(b.broker.services.config, b.broker.services.ephemeral).revokeAllOf(await personId(b, CARMEN.document), b.clock.now());
    const gone = await agent.get('/staff/');
    assert.equal(gone.status, 303, 'no session any more: sent to the login');
    assert.match(gone.headers.location!, /^\/staff\/login/);
  });

  it('comes back to the console a login started from, and to nothing else', async () => {
    await newAgent(b).get('/staff/login?RelayState=https%3A%2F%2Fevil.test%2F').expect(400);
    await newAgent(b).get('/staff/login?RelayState=%2Fadmin%2F').expect(400);
    const agent = newAgent(b);
    const start = await agent.get('/staff/login?RelayState=%2Fstaff%2Foffice%2F').expect(302);
    assert.match(start.headers.location!, /RelayState=%2Fstaff%2Foffice%2F/);
  });

  it('ends the console session with the CSRF token only', async () => {
    const agent = await loginStaff(b, CARMEN);
    const home = await agent.get('/staff/').expect(200);
    await agent.post('/staff/logout').type('form').send({ csrf: 'wrong' }).expect(303);
    await agent.get('/staff/').expect(200);
    await agent.post('/staff/logout').type('form').send({ csrf: csrfOf(home.text) }).expect(200);
    await agent.get('/staff/').expect(303).expect('location', '/staff/login');
  });

  it('ends a session left idle for staff.sessionIdleSeconds, by the broker clock', async () => {
    const agent = await loginStaff(b, CARMEN);
    b.clock.advance(899_000);
    await agent.get('/staff/').expect(200);
    b.clock.advance(901_000);
    await agent.get('/staff/').expect(303).expect('location', '/staff/login');
  });

  describe('operator API', () => {
    it('grants once, lists, refuses a second grant and unknown persons, revokes with history kept', async () => {
      const api = newAgent(b);
      await api.post('/admin/api/operator/staff').set(operator()).send({ documentNumber: LUCIA.document, role: 'official' }).expect(201);
      const again = await api.post('/admin/api/operator/staff').set(operator()).send({ documentNumber: LUCIA.document, role: 'official' }).expect(409);
      assert.equal(again.body.error, 'already-granted');
      const unknown = await api.post('/admin/api/operator/staff').set(operator()).send({ documentNumber: '00000000T', role: 'official' }).expect(404);
      assert.equal(unknown.body.error, 'not-found');
      await api.post('/admin/api/operator/staff').set(operator()).send({ documentNumber: LUCIA.document, role: 'boss' }).expect(422);
      const list = await api.get(`/admin/api/operator/staff?documentNumber=${LUCIA.document}`).set(operator()).expect(200);
      assert.deepEqual(list.body.map((g: { role: string }) => g.role), ['official']);
      await api.delete(`/admin/api/operator/staff/${LUCIA.document}/official`).set(operator()).expect(200);
      const gone = await api.delete(`/admin/api/operator/staff/${LUCIA.document}/official`).set(operator()).expect(404);
      assert.equal(gone.body.error, 'not-granted');
      const history = await api.get(`/admin/api/operator/staff?documentNumber=${LUCIA.document}&history=true`).set(operator()).expect(200);
      const officials = history.body.filter((g: { role: string }) => g.role === 'official');
      assert.equal(officials.length, 1);
      assert.equal(officials[0].revokedBy, 'operator');
      await api.get('/admin/api/operator/staff').expect(401);
      const audit = await b.broker.services.audit.forSubject(await personId(b, LUCIA.document), 20);
      assert.ok(audit.some((e) => e.action === 'staff.role.revoked' && e.actor === 'operator' && e.detail?.role === 'official'));
    });
  });
});
