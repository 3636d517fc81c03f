// core §3.4 AuthnRequest processing and the whole login through the Cl@ve PIN connector, on both
// bindings, validated on the SP side by @node-saml/node-saml (an implementation we did not write).
import assert from 'node:assert/strict';
import request from 'supertest';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { forEachStores, startTestBroker, SP1, SP2, type TestBroker } from '../../helpers/test-broker.js';
import { CARMEN, JAN, loginWithPin, parseXml, readPostForm, samlResponseXml, txOf } from '../../helpers/flow-driver.js';
import { buildAuthnRequest, postBody, redirectQuery, signPost, testCert, testKey } from '../../helpers/sign-request.js';

const SAML_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';

function spClient(b: TestBroker, entityID: string, acs: string) {
  return new SAML({
    issuer: entityID,
    callbackUrl: acs,
    entryPoint: `${b.url}/saml/sso`,
    idpCert: testCert('idp'),
    idpIssuer: `${b.url}/saml/metadata`,
    audience: entityID,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: true,
    validateInResponseTo: ValidateInResponseTo.never,
  });
}

function text(doc: Document, local: string): string | undefined {
  return doc.getElementsByTagNameNS(SAML_NS, local)[0]?.textContent ?? undefined;
}

function attributeValue(doc: Document, name: string): string | undefined {
  const attrs = Array.from(doc.getElementsByTagNameNS(SAML_NS, 'Attribute'));
  const a = attrs.find((x) => x.getAttribute('Name') === name);
  return a?.getElementsByTagNameNS(SAML_NS, 'AttributeValue')[0]?.textContent ?? undefined;
}

forEachStores('login with Cl@ve PIN (core §3.4, bindings §3.4/§3.5)', (stores) => {
  let b: TestBroker;
  before(async () => {
    b = await startTestBroker({ stores });
  });
  after(async () => b.close());

  it('HTTP-Redirect, signed request: selector → PIN → signed Response the SP library accepts', async () => {
    const agent = request.agent(b.server);
    const xml = buildAuthnRequest({ issuer: SP1, destination: `${b.url}/saml/sso`, acsUrl: 'https://sp1.test/acs', requestedAuthnContext: { comparison: 'minimum', classRefs: ['http://eidas.europa.eu/LoA/substantial'] } });
    const relayState = 'kc-code.tab-id.client-id.' + 'x'.repeat(120);
    const start = await agent.get(`/saml/sso?${redirectQuery(xml, relayState, testKey('sp1'))}`).expect(303);
    const tx = txOf(start.headers.location!);
    const done = await loginWithPin(agent, b.varDir, tx, CARMEN);
    assert.equal(done.status, 200, done.text.slice(0, 500));
    const form = readPostForm(done.text);
    assert.equal(form.action, 'https://sp1.test/acs');
    assert.equal(form.fields.RelayState, relayState, 'RelayState echoed byte for byte, never truncated');
    const { profile } = await spClient(b, SP1, 'https://sp1.test/acs').validatePostResponseAsync({ SAMLResponse: form.fields.SAMLResponse! });
    assert.ok(profile);
    assert.equal(profile.nameIDFormat, 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent');
    const doc = parseXml(samlResponseXml(form));
    assert.equal(text(doc, 'AuthnContextClassRef'), 'http://eidas.europa.eu/LoA/substantial', 'advanced registration: PIN reaches rung 3');
    assert.equal(attributeValue(doc, 'http://eidas.europa.eu/attributes/naturalperson/PersonIdentifier'), 'ES/ES/12345678Z');
    assert.equal(attributeValue(doc, 'http://es.minhafp.clave/SelectedIdP'), 'PIN24H');
  });

  it('HTTP-POST, unsigned request from an SP that allows it; basic registration caps PIN at low', async () => {
    const agent = request.agent(b.server);
    const xml = buildAuthnRequest({ issuer: SP2, destination: `${b.url}/saml/sso`, acsUrl: 'https://sp2.test/acs' });
    const start = await agent.post('/saml/sso').type('form').send(postBody(xml, 'rs-2')).expect(303);
    const done = await loginWithPin(agent, b.varDir, txOf(start.headers.location!), JAN);
    assert.equal(done.status, 200);
    const form = readPostForm(done.text);
    const doc = parseXml(samlResponseXml(form));
    assert.equal(text(doc, 'AuthnContextClassRef'), 'http://eidas.europa.eu/LoA/low');
    const { profile } = await spClient(b, SP2, 'https://sp2.test/acs').validatePostResponseAsync({ SAMLResponse: form.fields.SAMLResponse! });
    assert.ok(profile?.nameID);
  });

  it('a basic-registration person cannot reach substantial: told why, no assertion', async () => {
    const agent = request.agent(b.server);
    const xml = buildAuthnRequest({ issuer: SP2, destination: `${b.url}/saml/sso`, acsUrl: 'https://sp2.test/acs', requestedAuthnContext: { comparison: 'minimum', classRefs: ['http://eidas.europa.eu/LoA/substantial'] } });
    const start = await agent.post('/saml/sso').type('form').send(postBody(xml)).expect(303);
    const done = await loginWithPin(agent, b.varDir, txOf(start.headers.location!), JAN);
    assert.equal(done.status, 403);
    assert.doesNotMatch(done.text, /SAMLResponse/);
  });

  it('the persistent NameID is stable per SP and differs between SPs (pairwise)', async () => {
    const ids: string[] = [];
    for (const [sp, acs] of [[SP1, 'https://sp1.test/acs'], [SP1, 'https://sp1.test/acs'], [SP2, 'https://sp2.test/acs']] as const) {
      const agent = request.agent(b.server);
      const xml = buildAuthnRequest({ issuer: sp, destination: `${b.url}/saml/sso`, acsUrl: acs });
      const signed = sp === SP1 ? signPost(xml, testKey('sp1'), testCert('sp1')) : xml;
      const start = await agent.post('/saml/sso').type('form').send(postBody(signed)).expect(303);
      const done = await loginWithPin(agent, b.varDir, txOf(start.headers.location!), CARMEN);
      ids.push(text(parseXml(samlResponseXml(readPostForm(done.text))), 'NameID')!);
    }
    assert.equal(ids[0], ids[1]);
    assert.notEqual(ids[0], ids[2]);
  });
});
