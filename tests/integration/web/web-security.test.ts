// design.md "Web security": CSRF on every form, the transaction bound to its browser, a new SSO
// session id after authentication, CSP with frame-ancestors 'none', no-store, and error pages
// (never a redirect) for requests that cannot be trusted.
import assert from 'node:assert/strict';
import { startTestBroker, SP2, type TestBroker } from '../../helpers/test-broker.js';
import { CARMEN, csrfOf, loginWithPin, txOf } from '../../helpers/flow-driver.js';
import { newAgent, sendAuthnRequest } from '../../helpers/sp-requests.js';
import { buildAuthnRequest, redirectQuery } from '../../helpers/sign-request.js';

describe('web security (design.md "Web security")', () => {
  let b: TestBroker;
  before(async () => {
    b = await startTestBroker();
  });
  after(async () => b.close());

  async function selector() {
    const agent = newAgent(b);
    const start = await sendAuthnRequest(b, agent, { sp: SP2 }).expect(303);
    const tx = txOf(start.headers.location!);
    const page = await agent.get(`/login/${tx}`).expect(200);
    return { agent, tx, page };
  }

  it('pages carry CSP with frame-ancestors none, no-store, nosniff', async () => {
    const { page } = await selector();
    assert.match(page.headers['content-security-policy']!, /frame-ancestors 'none'/);
    assert.match(page.headers['content-security-policy']!, /default-src 'none'/);
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
  });

  it('the selector is accessible markup: lang, one h1, labelled buttons, no script', async () => {
    const { page } = await selector();
    assert.match(page.text, /<html lang="es">/);
    assert.equal(page.text.match(/<h1/g)?.length, 1);
    assert.doesNotMatch(page.text, /<script/);
    assert.match(page.text, /data-method="pin" data-state="offered"/);
  });

  it('the page language follows ?lang= and Accept-Language', async () => {
    const { agent, tx } = await selector();
    const en = await agent.get(`/login/${tx}?lang=en`).expect(200);
    assert.match(en.text, /<html lang="en">/);
    assert.match(en.text, /Choose how to identify yourself/);
    const again = await agent.get(`/login/${tx}`).expect(200);
    assert.match(again.text, /<html lang="en">/, 'remembered in a cookie');
  });

  it('a form without the CSRF token is refused', async () => {
    const { agent, tx } = await selector();
    await agent.post(`/login/${tx}/choose`).type('form').send({ method: 'pin' }).expect(403);
    await agent.post(`/login/${tx}/choose`).type('form').send({ method: 'pin', csrf: 'x'.repeat(22) }).expect(403);
  });

  it('a transaction cannot be continued from another browser', async () => {
    const { tx, page } = await selector();
    const other = newAgent(b);
    await other.get(`/login/${tx}`).expect(400);
    await other.post(`/login/${tx}/choose`).type('form').send({ method: 'pin', csrf: csrfOf(page.text) }).expect(400);
  });

  it('the connector page is unreachable for a method the login does not offer', async () => {
    const { agent, tx } = await selector();
    await agent.get(`/connectors/nosuch/${tx}`).expect(404);
  });

  it('the SSO-session id is new after every authentication', async () => {
    const agent = newAgent(b);
    const start = await sendAuthnRequest(b, agent, { sp: SP2 }).expect(303);
    const first = await loginWithPin(agent, b.varDir, txOf(start.headers.location!), CARMEN);
    const id1 = /pasarela_sso=([^;]+)/.exec(first.headers['set-cookie']!.toString())?.[1];
    const again = await sendAuthnRequest(b, agent, { sp: SP2, forceAuthn: true }).expect(303);
    const second = await loginWithPin(agent, b.varDir, txOf(again.headers.location!), CARMEN);
    const id2 = /pasarela_sso=([^;]+)/.exec(second.headers['set-cookie']!.toString())?.[1];
    assert.ok(id1 && id2 && id1 !== id2);
    assert.match(second.headers['set-cookie']!.toString(), /HttpOnly/);
  });

  it('the auto-submitting form allows exactly its own script and the SP origin', async () => {
    const agent = newAgent(b);
    const start = await sendAuthnRequest(b, agent, { sp: SP2 }).expect(303);
    const done = await loginWithPin(agent, b.varDir, txOf(start.headers.location!), CARMEN);
    const csp = done.headers['content-security-policy']!;
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce);
    assert.match(csp, /form-action https:\/\/sp2\.test/);
    assert.ok(done.text.includes(`nonce="${nonce}"`));
  });

  describe('untrusted requests get a page, never a redirect (saml-attacks.md "ACS")', () => {
    it('an unknown SP', async () => {
      const xml = buildAuthnRequest({ issuer: 'https://evil.test/metadata', destination: `${b.url}/saml/sso`, acsUrl: 'https://evil.test/acs' });
      const res = await newAgent(b).get(`/saml/sso?${redirectQuery(xml, undefined)}`).expect(400);
      assert.equal(res.headers.location, undefined);
      assert.doesNotMatch(res.text, /evil\.test/);
    });
    it('an ACS URL not in the SP metadata', async () => {
      const res = await sendAuthnRequest(b, newAgent(b), { sp: SP2, acsUrl: 'https://evil.test/acs' }).expect(400);
      assert.doesNotMatch(res.text, /SAMLResponse|evil\.test/);
    });
    it('garbage in SAMLRequest', async () => {
      await newAgent(b).get('/saml/sso?SAMLRequest=%%%not-base64').expect(400);
      await newAgent(b).post('/saml/sso').type('form').send({ SAMLRequest: Buffer.from('<x/>').toString('base64') }).expect(400);
      await newAgent(b).get('/saml/sso').expect(400);
    });
    it('a DOCTYPE (billion laughs) over HTTP-POST is refused fast with a page', async () => {
      const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&lol3;</samlp:AuthnRequest>';
      const t = Date.now();
      const res = await newAgent(b).post('/saml/sso').type('form').send({ SAMLRequest: Buffer.from(bomb).toString('base64') }).expect(400);
      assert.ok(Date.now() - t < 500);
      assert.match(res.text, /role="alert"/);
    });
    it('an oversized POST body is refused with a page, not a crash', async () => {
      const res = await newAgent(b).post('/saml/sso').type('form').send({ SAMLRequest: 'A'.repeat(2 * 1024 * 1024) });
      assert.equal(res.status, 413);
      assert.match(res.text, /<h1/);
      await newAgent(b).get('/healthz').expect(200);
    });
    it('a replayed AuthnRequest ID is refused', async () => {
      const xml = buildAuthnRequest({ issuer: SP2, destination: `${b.url}/saml/sso`, acsUrl: 'https://sp2.test/acs' });
      await newAgent(b).get(`/saml/sso?${redirectQuery(xml, undefined)}`).expect(303);
      const again = await newAgent(b).get(`/saml/sso?${redirectQuery(xml, undefined)}`);
      assert.notEqual(again.status, 303);
      assert.doesNotMatch(again.text, /data-state="offered"/);
    });
  });

  it('unknown pages are a 404 page', async () => {
    const res = await newAgent(b).get('/nope').expect(404);
    assert.match(res.text, /<h1/);
  });
});
