// core §3.4.1 (ForceAuthn, IsPassive, RequestedAuthnContext, NameIDPolicy) and the broker SSO
// session across SPs, as design.md "Data through one login" steps 1–2 describe.
import assert from 'node:assert/strict';
import { forEachStores, startTestBroker, SP1, SP2, type TestBroker } from '../../helpers/test-broker.js';
import { CARMEN, JAN, loginWithPin, readPostForm, txOf } from '../../helpers/flow-driver.js';
import { assertionText, newAgent, sendAuthnRequest, statusOf } from '../../helpers/sp-requests.js';

const E = 'http://eidas.europa.eu/LoA/';

forEachStores('AuthnRequest options and the SSO session (core §3.4.1)', (stores) => {
  let b: TestBroker;
  before(async () => {
    b = await startTestBroker({ stores });
  });
  after(async () => b.close());

  async function loggedInAgent(person = CARMEN) {
    const agent = newAgent(b);
    const start = await sendAuthnRequest(b, agent, { sp: SP1 }).expect(303);
    const done = await loginWithPin(agent, b.varDir, txOf(start.headers.location!), person);
    assert.equal(done.status, 200);
    return agent;
  }

  it('a second SP gets an assertion from the SSO session without a new login, with its own NameID', async () => {
    const agent = await loggedInAgent();
    const second = await sendAuthnRequest(b, agent, { sp: SP2, binding: 'post' }).expect(200);
    const form = readPostForm(second.text);
    assert.equal(form.action, 'https://sp2.test/acs');
    assert.equal(statusOf(second.text).top, 'Success');
    assert.equal(assertionText(second.text, 'AuthnContextClassRef'), `${E}substantial`);
  });

  it('the SSO session ends after 30 minutes idle', async () => {
    const agent = await loggedInAgent();
    b.clock.advance(29 * 60_000);
    await sendAuthnRequest(b, agent, { sp: SP2 }).expect(200);
    b.clock.advance(31 * 60_000);
    const res = await sendAuthnRequest(b, agent, { sp: SP2 }).expect(303);
    txOf(res.headers.location!);
  });

  it('the SSO session ends after 8 hours however often it is used', async () => {
    const agent = await loggedInAgent();
    for (let used = 0; used < 8 * 60; used += 20) {
      await sendAuthnRequest(b, agent, { sp: SP2 }).expect(200);
      b.clock.advance(20 * 60_000);
    }
    const res = await sendAuthnRequest(b, agent, { sp: SP2 }).expect(303);
    txOf(res.headers.location!);
  });

  it('ForceAuthn sends the person to the selector despite the SSO session', async () => {
    const agent = await loggedInAgent();
    const res = await sendAuthnRequest(b, agent, { sp: SP2, forceAuthn: true }).expect(303);
    txOf(res.headers.location!);
  });

  it('an SSO session below the requested level is not reused', async () => {
    const agent = await loggedInAgent(JAN);
    const res = await sendAuthnRequest(b, agent, { sp: SP2, requestedAuthnContext: { comparison: 'minimum', classRefs: [`${E}substantial`] } }).expect(303);
    txOf(res.headers.location!);
  });

  it('IsPassive without a session answers NoPassive; with one, Success', async () => {
    const fresh = await sendAuthnRequest(b, newAgent(b), { sp: SP2, isPassive: true }).expect(200);
    assert.deepEqual(statusOf(fresh.text), { top: 'Responder', sub: 'NoPassive', message: statusOf(fresh.text).message, hasAssertion: false });
    assert.ok(statusOf(fresh.text).message, 'a human-readable StatusMessage');
    const agent = await loggedInAgent();
    const ok = await sendAuthnRequest(b, agent, { sp: SP2, isPassive: true }).expect(200);
    assert.equal(statusOf(ok.text).top, 'Success');
  });

  describe('RequestedAuthnContext comparisons (design.md "Levels of assurance")', () => {
    it('exact low for an advanced person: asserts low (the highest satisfying rung)', async () => {
      const agent = await loggedInAgent();
      const res = await sendAuthnRequest(b, agent, { sp: SP2, requestedAuthnContext: { comparison: 'exact', classRefs: [`${E}low`] } }).expect(200);
      assert.equal(assertionText(res.text, 'AuthnContextClassRef'), `${E}low`);
    });
    it('maximum substantial: satisfied by substantial', async () => {
      const agent = await loggedInAgent();
      const res = await sendAuthnRequest(b, agent, { sp: SP2, requestedAuthnContext: { comparison: 'maximum', classRefs: [`${E}substantial`] } }).expect(200);
      assert.equal(assertionText(res.text, 'AuthnContextClassRef'), `${E}substantial`);
    });
    it('better substantial: no method reaches high → NoAuthnContext before any page', async () => {
      const res = await sendAuthnRequest(b, newAgent(b), { sp: SP2, requestedAuthnContext: { comparison: 'better', classRefs: [`${E}substantial`] } }).expect(200);
      assert.equal(statusOf(res.text).sub, 'NoAuthnContext');
    });
    it('minimum high → NoAuthnContext', async () => {
      const res = await sendAuthnRequest(b, newAgent(b), { sp: SP2, requestedAuthnContext: { comparison: 'minimum', classRefs: [`${E}high`] } }).expect(200);
      assert.equal(statusOf(res.text).sub, 'NoAuthnContext');
    });
    it('only unknown class references → NoAuthnContext', async () => {
      const res = await sendAuthnRequest(b, newAgent(b), { sp: SP2, requestedAuthnContext: { comparison: 'exact', classRefs: ['urn:example:unknown-class'] } }).expect(200);
      assert.equal(statusOf(res.text).sub, 'NoAuthnContext');
    });
    it('eHerkenning URIs are answered in the eHerkenning framework', async () => {
      const agent = await loggedInAgent();
      const res = await sendAuthnRequest(b, agent, { sp: SP2, requestedAuthnContext: { comparison: 'minimum', classRefs: ['urn:etoegang:core:assurance-class:loa2'] } }).expect(200);
      assert.equal(assertionText(res.text, 'AuthnContextClassRef'), 'urn:etoegang:core:assurance-class:loa3');
    });
  });

  it('a transient NameID is new on every assertion', async () => {
    const agent = await loggedInAgent();
    const t = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';
    const a = await sendAuthnRequest(b, agent, { sp: SP2, nameIDPolicy: { format: t } }).expect(200);
    const c = await sendAuthnRequest(b, agent, { sp: SP2, nameIDPolicy: { format: t } }).expect(200);
    assert.notEqual(assertionText(a.text, 'NameID'), assertionText(c.text, 'NameID'));
  });

  it('an unsupported NameID format → InvalidNameIDPolicy', async () => {
    const res = await sendAuthnRequest(b, newAgent(b), { sp: SP2, nameIDPolicy: { format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName' } }).expect(200);
    assert.equal(statusOf(res.text).sub, 'InvalidNameIDPolicy');
  });

  it('cancelling on the selector answers AuthnFailed with the RelayState', async () => {
    const agent = newAgent(b);
    const start = await sendAuthnRequest(b, agent, { sp: SP2, relayState: 'back-here' }).expect(303);
    const tx = txOf(start.headers.location!);
    const page = await agent.get(`/login/${tx}`).expect(200);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const res = await agent.post(`/login/${tx}/cancel`).type('form').send({ csrf }).expect(200);
    assert.equal(statusOf(res.text).sub, 'AuthnFailed');
    assert.equal(readPostForm(res.text).fields.RelayState, 'back-here');
    await agent.get(`/login/${tx}`).expect(400);
  });
});
