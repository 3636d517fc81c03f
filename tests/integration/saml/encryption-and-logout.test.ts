// Encrypted assertions (AES-256-GCM + RSA-OAEP, checked by node-saml decrypting) and single logout
// across two SPs (profiles §4.4): signed LogoutRequest in, propagation to the other SP, signed
// LogoutResponse to the initiator with its RelayState, SSO session gone.
import assert from 'node:assert/strict';
import { createVerify } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { startTestBroker, SP1, SP2, type TestBroker } from '../../helpers/test-broker.js';
import { CARMEN, loginWithPin, parseXml, readPostForm, samlResponseXml, txOf } from '../../helpers/flow-driver.js';
import { assertionText, newAgent, sendAuthnRequest } from '../../helpers/sp-requests.js';
import { buildLogoutRequest, buildLogoutResponse, redirectQuery, testCert, testKey } from '../../helpers/sign-request.js';

const A = 'urn:oasis:names:tc:SAML:2.0:assertion';

describe('encrypted assertions', () => {
  let b: TestBroker;
  before(async () => {
    b = await startTestBroker({ overrides: { sps: { policies: { [SP1]: { encryptAssertion: true } } } } });
  });
  after(async () => b.close());

  it('encrypts the whole Assertion for an SP that asks, and node-saml decrypts and verifies it', async () => {
    const agent = newAgent(b);
    const start = await sendAuthnRequest(b, agent, { sp: SP1 }).expect(303);
    const done = await loginWithPin(agent, b.varDir, txOf(start.headers.location!), CARMEN);
    const xml = samlResponseXml(readPostForm(done.text));
    const doc = parseXml(xml);
    assert.equal(doc.getElementsByTagNameNS(A, 'Assertion').length, 0);
    assert.equal(doc.getElementsByTagNameNS(A, 'EncryptedAssertion').length, 1);
    assert.match(xml, /xmlenc11#aes256-gcm/);
    assert.doesNotMatch(xml, /12345678Z/);
    const sp = new SAML({
      issuer: SP1, callbackUrl: 'https://sp1.test/acs', idpCert: testCert('idp'), audience: SP1,
      decryptionPvk: testKey('sp1-enc'), wantAssertionsSigned: true, wantAuthnResponseSigned: true, validateInResponseTo: ValidateInResponseTo.never,
    });
    const { profile } = await sp.validatePostResponseAsync({ SAMLResponse: readPostForm(done.text).fields.SAMLResponse! });
    assert.equal(profile?.['http://eidas.europa.eu/attributes/naturalperson/PersonIdentifier'], 'ES/ES/12345678Z');
  });

  it('an SP without the policy gets a plain signed Assertion', async () => {
    const agent = newAgent(b);
    const start = await sendAuthnRequest(b, agent, { sp: SP2 }).expect(303);
    const done = await loginWithPin(agent, b.varDir, txOf(start.headers.location!), CARMEN);
    assert.ok(assertionText(done.text, 'NameID'));
  });
});

describe('single logout across two SPs (profiles §4.4)', () => {
  let b: TestBroker;
  before(async () => {
    b = await startTestBroker();
  });
  after(async () => b.close());

  function verifyRedirect(location: string, param: string): { xml: string; relayState: string | null } {
    const url = new URL(location);
    const raw = url.search.slice(1);
    const octets = raw.slice(0, raw.indexOf('&Signature='));
    const v = createVerify('RSA-SHA256');
    v.update(octets);
    assert.ok(v.verify(testCert('idp'), url.searchParams.get('Signature')!, 'base64'), 'signed by the broker over the raw octets');
    assert.equal(url.searchParams.get('SigAlg'), 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    return { xml: inflateRawSync(Buffer.from(url.searchParams.get(param)!, 'base64')).toString('utf8'), relayState: url.searchParams.get('RelayState') };
  }

  it('logs out of both SPs and answers the initiator', async () => {
    const agent = newAgent(b);
    const start = await sendAuthnRequest(b, agent, { sp: SP1 }).expect(303);
    const first = await loginWithPin(agent, b.varDir, txOf(start.headers.location!), CARMEN);
    const sp1Doc = parseXml(samlResponseXml(readPostForm(first.text)));
    const nameID = sp1Doc.getElementsByTagNameNS(A, 'NameID')[0]!.textContent!;
    const sessionIndex = sp1Doc.getElementsByTagNameNS(A, 'AuthnStatement')[0]!.getAttribute('SessionIndex')!;
    await sendAuthnRequest(b, agent, { sp: SP2 }).expect(200);

    const logout = buildLogoutRequest({ issuer: SP1, destination: `${b.url}/saml/slo`, nameID, sessionIndexes: [sessionIndex] });
    const toSp2 = await agent.get(`/saml/slo?${redirectQuery(logout, 'sp1-state', testKey('sp1'))}`).expect(303);
    assert.ok(toSp2.headers.location!.startsWith('https://sp2.test/slo?'));
    const propagated = verifyRedirect(toSp2.headers.location!, 'SAMLRequest');
    const reqDoc = parseXml(propagated.xml);
    const sp2RequestId = reqDoc.documentElement.getAttribute('ID')!;
    assert.equal(reqDoc.documentElement.localName, 'LogoutRequest');
    assert.ok(reqDoc.getElementsByTagNameNS(A, 'NameID')[0]!.textContent);

    // a LogoutResponse from an SP we did not ask (SP1, validly signed) is refused
    const forged = buildLogoutResponse({ issuer: SP1, destination: `${b.url}/saml/slo`, inResponseTo: sp2RequestId });
    await agent.get(`/saml/slo?${redirectQuery(forged, propagated.relayState!, testKey('sp1'), 'rsa-sha256', 'SAMLResponse')}`).expect(400);
    const answer = buildLogoutResponse({ issuer: SP2, destination: `${b.url}/saml/slo`, inResponseTo: sp2RequestId });
    const toSp1 = await agent.get(`/saml/slo?${redirectQuery(answer, propagated.relayState!, testKey('sp2'), 'rsa-sha256', 'SAMLResponse')}`).expect(303);
    assert.ok(toSp1.headers.location!.startsWith('https://sp1.test/slo'));
    const final = verifyRedirect(toSp1.headers.location!, 'SAMLResponse');
    assert.equal(final.relayState, 'sp1-state');
    const finalDoc = parseXml(final.xml);
    assert.equal(finalDoc.documentElement.getAttribute('InResponseTo'), parseXml(logout).documentElement.getAttribute('ID'));
    assert.match(final.xml, /status:Success/);

    const after = await sendAuthnRequest(b, agent, { sp: SP2 }).expect(303);
    txOf(after.headers.location!);
  });

  it('a LogoutRequest for a NameID the session does not have leaves the session alone', async () => {
    const agent = newAgent(b);
    const start = await sendAuthnRequest(b, agent, { sp: SP1 }).expect(303);
    await loginWithPin(agent, b.varDir, txOf(start.headers.location!), CARMEN);
    const logout = buildLogoutRequest({ issuer: SP1, destination: `${b.url}/saml/slo`, nameID: 'someone-else' });
    await agent.get(`/saml/slo?${redirectQuery(logout, undefined, testKey('sp1'))}`).expect(303);
    await sendAuthnRequest(b, agent, { sp: SP2 }).expect(200);
  });
});
