// Cross-border logins end to end (issue 6): a domestic test SP → the broker → the independent
// Python eIDAS node over HTTP (tests/helpers/eidas-node/node.py, never our own code) → back to
// the SP. What the node received, what the SP receives, and every refusal on the way.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { pino } from 'pino';
import { eidasLogin, finishEidasLogin, LOA, startEidasLogin, startEidasWorld, type EidasWorld } from '../../helpers/eidas-world.js';
import { csrfOf, readPostForm, samlResponseXml, txOf } from '../../helpers/flow-driver.js';
import { newAgent, sendAuthnRequest, statusOf } from '../../helpers/sp-requests.js';
import { startTestBroker, type TestBroker } from '../../helpers/test-broker.js';
import { validateXsd } from '../../../broker/saml/xsd.js';
import { NS } from '../../../broker/saml/namespaces.js';

const PID = 'DE/ES/7f1c9a20-TEST';
const minimum = (level: 'low' | 'substantial' | 'high') => ({ requestedAuthnContext: { comparison: 'minimum' as const, classRefs: [LOA(level)] } });
const doc = (xml: string) => new DOMParser().parseFromString(xml, 'text/xml') as unknown as Document;
const texts = (d: Document, ns: string, name: string) => Array.from({ length: d.getElementsByTagNameNS(ns, name).length }, (_, i) => d.getElementsByTagNameNS(ns, name).item(i)!.textContent);

function assertionOf(html: string): Document {
  return doc(samlResponseXml(readPostForm(html)));
}

function attributeValue(d: Document, friendlyName: string): string | undefined {
  const attrs = d.getElementsByTagNameNS(NS.saml, 'Attribute');
  for (let i = 0; i < attrs.length; i++) if (attrs.item(i)!.getAttribute('FriendlyName') === friendlyName) return attrs.item(i)!.textContent ?? undefined;
  return undefined;
}

describe('eIDAS connector: logins through the independent test node', function () {
  this.timeout(60_000);
  let w: EidasWorld;
  // the broker's warnings, to assert why an answer was refused (the page says no more than "refused")
  const warnings: { msg: string; err?: string }[] = [];
  before(async () => {
    const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line) as { msg: string; err?: string }) });
    // assertions read the registry every time: a test changes the person between two logins
    w = await startEidasWorld({ personCacheSeconds: 0, log });
  });
  after(async () => w?.close());
  afterEach(async () => w.node.control({}));

  for (const [level, rung, answer] of [
    ['low', '2', LOA('low')],
    ['substantial', '3', LOA('substantial')],
    ['high', '4', LOA('high')],
  ] as const) {
    it(`a ${level} login: the SP receives the foreign person at rung ${rung}, AuthenticatingAuthority = the node`, async () => {
      const { final } = await eidasLogin(w, minimum(level));
      assert.equal(final.status, 200, final.text);
      assert.deepEqual(statusOf(final.text), { top: 'Success', sub: undefined, message: undefined, hasAssertion: true });
      const d = assertionOf(final.text);
      assert.deepEqual(texts(d, NS.saml, 'AuthnContextClassRef'), [answer]);
      assert.deepEqual(texts(d, NS.saml, 'AuthenticatingAuthority'), [w.node.entityID]);
      assert.equal(attributeValue(d, 'PersonIdentifier'), PID);
      const last = await w.node.lastRequest();
      assert.equal(last!.loa, LOA(level));
    });
  }

  it('the AuthnRequest as the node received it: protocol XSD, eIDAS extensions, one LoA with Comparison minimum, RSASSA-PSS', async () => {
    await eidasLogin(w, minimum('substantial'));
    const last = (await w.node.lastRequest())!;
    assert.deepEqual(validateXsd(last.xml, 'protocol').errors, []);
    const d = doc(last.xml);
    const rac = d.getElementsByTagNameNS(NS.samlp, 'RequestedAuthnContext').item(0)!;
    assert.equal(rac.getAttribute('Comparison'), 'minimum');
    assert.deepEqual(texts(d, NS.saml, 'AuthnContextClassRef'), [LOA('substantial')]);
    assert.equal(d.getElementsByTagNameNS(NS.ds, 'SignatureMethod').item(0)!.getAttribute('Algorithm'), 'http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1');
    assert.equal(d.documentElement!.getAttribute('ForceAuthn'), 'true');
    for (const a of ['PersonIdentifier', 'CurrentFamilyName', 'CurrentGivenName', 'DateOfBirth']) assert.ok(last.requested.includes(`http://eidas.europa.eu/attributes/naturalperson/${a}`), a);
    assert.equal(d.getElementsByTagNameNS(NS.eidas, 'SPType').length, 0, 'SPType is stated in our metadata (the default)');
  });

  it('a level lower than requested is refused: an explanation, then NoAuthnContext to the SP', async () => {
    await w.node.control({ loa: LOA('low') });
    const { final } = await eidasLogin(w, minimum('substantial'));
    assert.match(final.text, /lower level of assurance|nivel de seguridad inferior/);
    const status = statusOf(final.text);
    assert.deepEqual([status.top, status.sub, status.hasAssertion], ['Responder', 'NoAuthnContext', false]);
    assert.match(status.message ?? '', /lower level of assurance|nivel de seguridad inferior/);
  });

  it('a higher level than requested is accepted and stated', async () => {
    await w.node.control({ loa: LOA('high') });
    const { final } = await eidasLogin(w, minimum('low'));
    assert.deepEqual(texts(assertionOf(final.text), NS.saml, 'AuthnContextClassRef'), [LOA('high')]);
  });

  it('a non-notified level is refused even when the node sends one', async () => {
    await w.node.control({ loa: 'http://eidas.europa.eu/NotNotified/LoA/high' });
    const { final } = await eidasLogin(w, minimum('low'));
    assert.equal(statusOf(final.text).sub, 'NoAuthnContext');
  });

  for (const [nodeStatus, spStatus, explained] of [
    ['AuthnFailed', 'AuthnFailed', /reported that the authentication failed|indica que la autenticación ha fallado/],
    ['RequestDenied', 'RequestDenied', /refused the identification request|ha rechazado la solicitud de identificación/],
    ['NoAuthnContext', 'NoAuthnContext', /lower level of assurance|nivel de seguridad inferior/],
  ] as const) {
    it(`the node's ${nodeStatus} reaches the SP as ${spStatus} after an explanation`, async () => {
      await w.node.control({ status: nodeStatus, statusMessage: 'TEST refusal' });
      const { final } = await eidasLogin(w, minimum('low'));
      assert.match(final.text, explained);
      const status = statusOf(final.text);
      assert.equal(status.top, 'Responder');
      assert.equal(status.sub, spStatus);
      assert.match(status.message ?? '', explained);
      assert.doesNotMatch(status.message ?? '', /TEST refusal/, "the node's own text is logged, not passed on");
      assert.equal(status.hasAssertion, false);
    });
  }

  // Through the whole flow (the receiver's own suite goes through the attack catalogue):
  for (const [what, control] of [
    ['a flipped GCM tag', { mutations: ['gcm-tag-flipped'] }],
    ['a signer the metadata does not name', { mutations: ['untrusted-signer'] }],
    ['another Audience', { audience: 'https://evil.test/metadata' }],
    ['a plain (unencrypted) Assertion', { encryptTo: null }],
  ] as const) {
    it(`an answer with ${what} ends on a clear page; nothing reaches the SP`, async () => {
      await w.node.control(control as Parameters<typeof w.node.control>[0]);
      const { final } = await eidasLogin(w, minimum('low'));
      assert.equal(final.status, 400);
      assert.match(final.text, /role="alert"/);
      assert.doesNotMatch(final.text, /SAMLResponse/);
    });
  }

  it('a second login of the same foreign person finds the same person (same persistent NameID)', async () => {
    const first = await eidasLogin(w, minimum('low'));
    const second = await eidasLogin(w, minimum('low'));
    const nameID = (html: string) => texts(assertionOf(html), NS.saml, 'NameID')[0];
    assert.ok(nameID(first.final.text));
    assert.equal(nameID(first.final.text), nameID(second.final.text));
    const person = await w.broker.broker.services.identity.findByEidasIdentifier(PID);
    assert.equal(person?.registrationLevel, 'basic', 'created at the first login, without prior registration');
  });

  it("the node's legal person reaches an SP that requested it, and no other", async () => {
    const LP = 'http://eidas.europa.eu/attributes/legalperson/';
    await w.node.control({ legalPerson: true });
    const asked = await eidasLogin(w, { ...minimum('low'), requestedAttributes: [{ name: `${LP}LegalPersonIdentifier` }, { name: `${LP}LegalName` }] });
    const d = assertionOf(asked.final.text);
    assert.equal(attributeValue(d, 'LegalPersonIdentifier'), 'DE/ES/HRB-123456-TEST');
    assert.equal(attributeValue(d, 'LegalName'), 'Musterfirma TEST GmbH');
    assert.ok((await w.node.lastRequest())!.requested.includes(`${LP}LegalName`), 'asked of the node');
    const notAsked = await eidasLogin(w, minimum('low'));
    assert.equal(attributeValue(assertionOf(notAsked.final.text), 'LegalName'), undefined);
  });

  it('optional and representative attributes the node sends reach an SP that requested them, under their own names, and no other', async () => {
    const NP = 'http://eidas.europa.eu/attributes/naturalperson/';
    const REP = `${NP}representative/`;
    await w.node.control({
      extraAttributes: [
        { name: `${NP}Gender`, friendlyName: 'Gender', values: ['Female'] },
        { name: `${NP}PlaceOfBirth`, friendlyName: 'PlaceOfBirth', values: ['Bonn'] },
        { name: `${REP}PersonIdentifier`, friendlyName: 'RepresentativePersonIdentifier', values: ['DE/ES/REP-77-TEST'] },
      ],
    });
    const asked = await eidasLogin(w, { ...minimum('low'), requestedAttributes: [{ name: `${NP}Gender` }, { name: `${REP}PersonIdentifier` }] });
    const d = assertionOf(asked.final.text);
    assert.equal(attributeValue(d, 'Gender'), 'Female');
    assert.equal(attributeValue(d, 'RepresentativePersonIdentifier'), 'DE/ES/REP-77-TEST');
    assert.equal(attributeValue(d, 'PlaceOfBirth'), undefined, 'sent by the node, not requested by the SP');
    const requested = (await w.node.lastRequest())!.requested;
    assert.ok(requested.includes(`${NP}Gender`) && requested.includes(`${REP}PersonIdentifier`), 'asked of the node');
    const notAsked = assertionOf((await eidasLogin(w, minimum('low'))).final.text);
    assert.equal(attributeValue(notAsked, 'Gender'), undefined);
    assert.equal(attributeValue(notAsked, 'RepresentativePersonIdentifier'), undefined);
  });

  it("a later login takes the names and date of birth the node asserts now; the Latin transliteration wins", async () => {
    await eidasLogin(w, minimum('low'));
    await w.node.control({ citizen: { familyName: [{ value: 'Παπαδοπούλου', latinScript: false }, { value: 'Papadopoulou', latinScript: true }], firstName: [{ value: 'Erika' }], dateOfBirth: '1971-02-03' } });
    const { final } = await eidasLogin(w, minimum('low'));
    const d = assertionOf(final.text);
    assert.equal(attributeValue(d, 'FamilyName'), 'Papadopoulou');
    assert.equal(attributeValue(d, 'FirstName'), 'Erika');
    assert.equal(attributeValue(d, 'DateOfBirth'), '1971-02-03');
  });

  /** The node's answer to `login`, through our ACS hop: the form the browser posts to /<tx>/response. */
  async function nodeAnswerFor(login: { toNode: { action: string; fields: Record<string, string> } }): Promise<Record<string, string>> {
    const nodePage = await (await fetch(login.toNode.action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(login.toNode.fields).toString() })).text();
    return readPostForm((await newAgent(w.broker).post('/connectors/eidas/acs').type('form').send(readPostForm(nodePage).fields).expect(200)).text).fields;
  }

  it('an answer is single use', async () => {
    const login = await startEidasLogin(w, minimum('low'));
    const answer = await nodeAnswerFor(login);
    await login.agent.post(`/connectors/eidas/${login.tx}/response`).type('form').send(answer).expect(200);
    await login.agent.post(`/connectors/eidas/${login.tx}/response`).type('form').send(answer).expect(400);
  });

  it("a fresh answer made for login A is refused in login B by the InResponseTo binding (and closes B), and still serves A", async () => {
    const a = await startEidasLogin(w, minimum('low'));
    const answerForA = await nodeAnswerFor(a);
    const b = await startEidasLogin(w, minimum('low'));
    warnings.length = 0;
    const crossed = await b.agent.post(`/connectors/eidas/${b.tx}/response`).type('form').send(answerForA);
    assert.equal(crossed.status, 400);
    assert.match(crossed.text, /role="alert"/);
    const refusal = warnings.find((l) => l.msg === 'eIDAS Response refused');
    assert.match(refusal?.err ?? '', /InResponseTo \S+ is not this login's request/, JSON.stringify(warnings));
    await finishEidasLogin(w, b).then((l) => assert.equal(l.final.status, 400, 'login B was closed by the refused answer'));
    // the refusal consumed nothing: A's own answer is still accepted by A
    const ok = await a.agent.post(`/connectors/eidas/${a.tx}/response`).type('form').send(answerForA);
    assert.equal(statusOf(ok.text).top, 'Success');
  });

  it('the ACS refuses a malformed form with a page, and an answer to a login that sent no request', async () => {
    const acs = (fields: Record<string, string>) => newAgent(w.broker).post('/connectors/eidas/acs').type('form').send(fields);
    const b64 = Buffer.from('<samlp:Response/>').toString('base64');
    assert.match((await acs({ SAMLResponse: b64 }).expect(400)).text, /role="alert"/);
    await acs({ SAMLResponse: b64, RelayState: '../../login/x' }).expect(400);
    await acs({ SAMLResponse: '%%%not base64', RelayState: 'AAAAAAAAAAAAAAAAAAAAAA' }).expect(400);
    await acs({ SAMLResponse: Buffer.from([0xff, 0xfe, 0x3c]).toString('base64'), RelayState: 'AAAAAAAAAAAAAAAAAAAAAA' }).expect(400);
    const agent = newAgent(w.broker);
    const tx = txOf((await sendAuthnRequest(w.broker, agent, minimum('low')).expect(303)).headers.location!);
    const csrf = csrfOf((await agent.get(`/login/${tx}`).expect(200)).text);
    await agent.post(`/login/${tx}/choose`).type('form').send({ csrf, method: 'eidas' }).expect(303);
    const stale = await agent.post(`/connectors/eidas/${tx}/response`).type('form').send({ SAMLResponse: b64 }).expect(400);
    assert.match(stale.text, /role="alert"/);
  });

  it('the node answer for another browser is refused: the transaction is bound to the browser that started it', async () => {
    const login = await startEidasLogin(w, minimum('low'));
    const nodePage = await (await fetch(login.toNode.action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(login.toNode.fields).toString() })).text();
    const back = readPostForm((await newAgent(w.broker).post('/connectors/eidas/acs').type('form').send(readPostForm(nodePage).fields).expect(200)).text);
    await newAgent(w.broker).post(`/connectors/eidas/${login.tx}/response`).type('form').send(back.fields).expect(400);
  });

  it('our connector metadata at /eidas/metadata: XSD, signature verified by xmlsec1, validUntil 24 h, SPType exactly once', async () => {
    const res = await newAgent(w.broker).get('/eidas/metadata').expect(200).expect('content-type', /samlmetadata\+xml/);
    assert.deepEqual(validateXsd(res.text, 'metadata').errors, []);
    const dir = mkdtempSync(path.join(tmpdir(), 'eidas-md-'));
    try {
      writeFileSync(path.join(dir, 'md.xml'), res.text);
      writeFileSync(path.join(dir, 'cert.pem'), w.metadataCertPem);
      execFileSync('xmlsec1', ['--verify', '--enabled-reference-uris', 'same-doc', '--pubkey-cert-pem', path.join(dir, 'cert.pem'), '--id-attr:ID', 'urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor', path.join(dir, 'md.xml')], { stdio: 'pipe' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const d = doc(res.text);
    // built at the first request (cached for a quarter of its validity): now + 24 h, give or take this suite's age
    const ahead = Date.parse(d.documentElement!.getAttribute('validUntil')!) - w.broker.clock.now().getTime();
    assert.ok(ahead <= 24 * 3_600_000 && ahead > 24 * 3_600_000 - 60_000, `validUntil is ${ahead} ms ahead`);
    assert.equal(d.getElementsByTagNameNS(NS.eidas, 'SPType').length, 1);
  });

  describe('with an ECDSA request key (P-256)', () => {
    let ec: EidasWorld;
    before(async () => {
      ec = await startEidasWorld({ requestKey: 'ec' });
    });
    after(async () => ec?.close());

    it('the node verifies our ECDSA-signed AuthnRequest (schema-valid) and the login succeeds', async () => {
      const { final } = await eidasLogin(ec, minimum('substantial'));
      assert.equal(statusOf(final.text).top, 'Success');
      const last = (await ec.node.lastRequest())!;
      assert.deepEqual(validateXsd(last.xml, 'protocol').errors, []);
      assert.equal(doc(last.xml).getElementsByTagNameNS(NS.ds, 'SignatureMethod').item(0)!.getAttribute('Algorithm'), 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256');
    });
  });

  describe('an encryption key rollover', () => {
    let rolled: EidasWorld;
    let dir: string;
    before(async () => {
      const cfg = w.broker.broker.services.config.connectors.eidas;
      const previous = cfg.encryptionKeyFile;
      assert.ok(previous, 'the world configures our encryption key');
      dir = mkdtempSync(path.join(tmpdir(), 'eidas-rollover-'));
      const key = path.join(dir, 'new-enc.key');
      const cert = path.join(dir, 'new-enc.crt');
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:3072', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=TEST eidas new encryption'], { stdio: 'pipe' });
      // the node still encrypts to the old certificate (its cached copy of our metadata)
      const broker = await startTestBroker({
        overrides: { connectors: { enabled: ['pin', 'eidas'], eidas: { ...cfg, encryptionKeyFile: key, encryptionCertFile: cert, previousEncryptionKeyFile: previous } } },
      });
      rolled = { ...w, broker, close: () => broker.close() };
    });
    after(async () => {
      await rolled?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('an answer encrypted to the previous key is still read', async () => {
      const { final } = await eidasLogin(rolled, minimum('low'));
      assert.equal(statusOf(final.text).top, 'Success', final.text);
    });
  });

  describe('a country whose metadata cannot be trusted', () => {
    let b: TestBroker;
    before(async () => {
      const cfg = w.broker.broker.services.config.connectors.eidas;
      const dir = mkdtempSync(path.join(tmpdir(), 'eidas-bad-'));
      writeFileSync(path.join(dir, 'wrong.crt'), w.node.certs.attacker);
      b = await startTestBroker({ overrides: { connectors: { enabled: ['pin', 'eidas'], eidas: { ...cfg, countries: [{ ...cfg.countries[0]!, metadataSigningCertFile: path.join(dir, 'wrong.crt') }] } } } });
    });
    after(async () => b?.close());

    it('is shown unavailable, cannot be chosen, and /readyz warns', async () => {
      const agent = newAgent(b);
      const tx = txOf((await sendAuthnRequest(b, agent, minimum('low')).expect(303)).headers.location!);
      const csrf = csrfOf((await agent.get(`/login/${tx}`).expect(200)).text);
      await agent.post(`/login/${tx}/choose`).type('form').send({ csrf, method: 'eidas' }).expect(303);
      const page = await agent.get(`/connectors/eidas/${tx}`).expect(200);
      assert.match(page.text, /disabled/);
      assert.doesNotMatch(page.text, /name="country" value="DE"/);
      await agent.post(`/connectors/eidas/${tx}/country`).type('form').send({ csrf, country: 'DE' }).expect(503);
      const ready = await newAgent(b).get('/readyz');
      assert.ok((ready.body as { warnings: string[] }).warnings.some((x) => /eIDAS node DE unavailable: signature/.test(x)), JSON.stringify(ready.body));
    });
  });
});
