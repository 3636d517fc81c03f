// keycloak-compat.md end to end: a Keycloak-shaped AuthnRequest (default-namespace root, Subject
// login hint before Extensions, kckey:KeyInfo, AttributeConsumingServiceIndex 0, RelayState
// {code}.{tabId}.{clientId} beyond 80 bytes, signed with the SECOND certificate of its metadata),
// and the Response checked point by point as Keycloak checks it ("What Keycloak checks", 1–11).
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../../helpers/test-broker.js';
import { CARMEN, loginWithPin, parseXml, readPostForm, samlResponseXml, txOf } from '../../helpers/flow-driver.js';
import { newAgent } from '../../helpers/sp-requests.js';
import { buildAuthnRequest, redirectQuery, testKey } from '../../helpers/sign-request.js';

const KC = 'http://kc.test/realms/demo';
const ACS = 'http://kc.test/realms/demo/broker/pasarela/endpoint';
const P = 'urn:oasis:names:tc:SAML:2.0:protocol';
const A = 'urn:oasis:names:tc:SAML:2.0:assertion';

describe('Keycloak as the service provider (keycloak-compat.md)', () => {
  let b: TestBroker;
  before(async () => {
    b = await startTestBroker({ overrides: { sps: { policies: { [KC]: { displayName: 'Keycloak realm demo', signResponse: false } } } } });
  });
  after(async () => b.close());

  it('accepts what Keycloak sends and answers what Keycloak checks', async () => {
    const agent = newAgent(b);
    const id = `ID_${crypto.randomUUID()}`;
    const xml = buildAuthnRequest({
      id,
      issuer: KC,
      destination: `${b.url}/saml/sso`,
      acsUrl: ACS,
      forceAuthn: false,
      attributeConsumingServiceIndex: 0,
      subjectNameID: 'carmen',
      kcKeyId: 'kid-2',
      requestedAuthnContext: { comparison: 'exact', classRefs: ['http://eidas.europa.eu/LoA/substantial'] },
    });
    const relayState = `${'c'.repeat(43)}.${'t'.repeat(11)}.${'demo-client-with-a-long-id'}`;
    assert.ok(Buffer.byteLength(relayState) > 80);
    // sp2 is the second signing certificate of the Keycloak metadata: rotation must work.
    const start = await agent.get(`/saml/sso?${redirectQuery(xml, relayState, testKey('sp2'))}`).expect(303);
    const done = await loginWithPin(agent, b.varDir, txOf(start.headers.location!), CARMEN);
    const form = readPostForm(done.text);
    assert.equal(form.action, ACS);
    assert.equal(form.fields.RelayState, relayState);
    const raw = samlResponseXml(form);
    const doc = parseXml(raw);
    const response = doc.documentElement;
    const assertion = doc.getElementsByTagNameNS(A, 'Assertion')[0]!;
    const issuers = Array.from(doc.getElementsByTagNameNS(A, 'Issuer')).map((e) => e.textContent);
    // 1. no DOCTYPE
    assert.doesNotMatch(raw, /<!DOCTYPE/i);
    // 2. Destination = ACS
    assert.equal(response.getAttribute('Destination'), ACS);
    // 3. the Assertion is signed (the Response not, per this SP's entry) with RSA-SHA256
    const sigs = Array.from(doc.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature'));
    assert.equal(sigs.length, 1);
    assert.equal(sigs[0]!.parentNode, assertion);
    assert.match(raw, /xmldsig-more#rsa-sha256/);
    // 4. Success
    assert.match(doc.getElementsByTagNameNS(P, 'StatusCode')[0]!.getAttribute('Value')!, /Success$/);
    // 6. Response and Assertion issuers both our entityID
    assert.deepEqual(issuers, [`${b.url}/saml/metadata`, `${b.url}/saml/metadata`]);
    // 7. InResponseTo on the Response and the SubjectConfirmationData
    const scd = doc.getElementsByTagNameNS(A, 'SubjectConfirmationData')[0]!;
    assert.equal(response.getAttribute('InResponseTo'), id);
    assert.equal(scd.getAttribute('InResponseTo'), id);
    // 9. Conditions: NotBefore < NotOnOrAfter, NotBefore not in the future, one Audience
    const conditions = doc.getElementsByTagNameNS(A, 'Conditions')[0]!;
    const nb = Date.parse(conditions.getAttribute('NotBefore')!);
    assert.ok(nb < Date.parse(conditions.getAttribute('NotOnOrAfter')!));
    assert.ok(nb <= Date.now() && Date.now() - nb <= 6000, 'back-dated by a few seconds at most');
    assert.equal(conditions.childNodes.length, 1);
    assert.deepEqual(Array.from(doc.getElementsByTagNameNS(A, 'Audience')).map((e) => e.textContent), [KC]);
    // 10. bearer confirmation: Recipient = ACS, NotOnOrAfter, no NotBefore
    assert.equal(doc.getElementsByTagNameNS(A, 'SubjectConfirmation')[0]!.getAttribute('Method'), 'urn:oasis:names:tc:SAML:2.0:cm:bearer');
    assert.equal(scd.getAttribute('Recipient'), ACS);
    assert.ok(scd.getAttribute('NotOnOrAfter'));
    assert.equal(scd.hasAttribute('NotBefore'), false);
    // 11. SessionIndex
    assert.ok(doc.getElementsByTagNameNS(A, 'AuthnStatement')[0]!.getAttribute('SessionIndex'));
    // attributes carry FriendlyNames (Keycloak mappers match on Name or FriendlyName)
    for (const attr of Array.from(doc.getElementsByTagNameNS(A, 'Attribute'))) assert.ok(attr.getAttribute('FriendlyName'), attr.getAttribute('Name')!);
    // persistent NameID first in our metadata is what Keycloak uses
    assert.equal(doc.getElementsByTagNameNS(A, 'NameID')[0]!.getAttribute('Format'), 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent');
  });

  it('error responses also echo RelayState byte for byte and carry a StatusMessage', async () => {
    const xml = buildAuthnRequest({ issuer: KC, destination: `${b.url}/saml/sso`, acsUrl: ACS, isPassive: true });
    const relayState = 'ä code.tab+/=.client';
    const res = await newAgent(b).get(`/saml/sso?${redirectQuery(xml, relayState, testKey('sp1'))}`).expect(200);
    const form = readPostForm(res.text);
    assert.equal(form.fields.RelayState, relayState);
    const doc = parseXml(samlResponseXml(form));
    assert.ok(doc.getElementsByTagNameNS(P, 'StatusMessage')[0]?.textContent);
  });
});
