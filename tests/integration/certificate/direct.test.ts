// The certificate connector in direct mode, end to end over real TLS: an SP's AuthnRequest, the
// selector, the connector's page, the broker's client-certificate listener presented a real
// client certificate by Node's https client, the way back to the main host with the ticket, and
// the SAML Response with the rung and method. Trust comes from a trusted list signed by xmlsec1,
// revocation from a real `openssl ocsp` responder and a CRL served over http. Every bad
// certificate of the test PKI ends on the one refusal page with its category, and the audit log
// has the precise reason.
import assert from 'node:assert/strict';
import https from 'node:https';
import { execFile } from 'node:child_process';
import type { TLSSocket } from 'node:tls';
import type { Agent } from 'supertest';
import { startCertificateWorld, getWithClientCertificate, issueQualifiedPerson, type CertificateWorld } from '../../helpers/certificate-world.js';
import { newAgent, sendAuthnRequest, statusOf, assertionText } from '../../helpers/sp-requests.js';
import { csrfOf, txOf } from '../../helpers/flow-driver.js';
import { SP2 } from '../../helpers/test-broker.js';
import type { TestCertificate } from '../../helpers/test-pki.js';

const REFUSED = 'The certificate provided is not valid';

describe('certificate connector, direct mode (client-certificate TLS)', function () {
  this.timeout(60_000);
  let world: CertificateWorld;
  let unknown: TestCertificate;

  before(async () => {
    world = await startCertificateWorld();
    // 12345678Z is a seeded test person; 11111111H (the non-qualified certificate's holder) is added
    const { identity } = world.broker.broker.services;
    assert.ok(await identity.findByDocument('12345678Z'));
    unknown = await issueQualifiedPerson(world, { serialNumber: 'IDCES-22222222J', givenName: 'ANA', surname: 'RUIZ SOTO' });
    await identity.add({ documentNumber: '11111111H', documentDate: '2030-01-01', givenName: 'LUIS', firstSurname: 'PÉREZ', registrationLevel: 'advanced' });
  });
  after(async () => {
    await world?.close();
  });

  /** a new login at the connector's page: the browser, the transaction and the link to the client-certificate host */
  async function openLogin(): Promise<{ agent: Agent; tx: string; presentUrl: string }> {
    const agent = newAgent(world.broker);
    const start = await sendAuthnRequest(world.broker, agent, { sp: SP2 }).expect(303);
    const tx = txOf(start.headers.location!);
    const csrf = csrfOf((await agent.get(`/login/${tx}`).expect(200)).text);
    await agent.post(`/login/${tx}/choose`).type('form').send({ csrf, method: 'certificate' }).expect(303);
    const page = await agent.get(`/connectors/certificate/${tx}`).set('Accept-Language', 'en').expect(200);
    const href = /id="present" href="([^"]+)"/.exec(page.text)?.[1]?.replace(/&amp;/g, '&');
    assert.ok(href?.startsWith(`${world.broker.clientHost!.url}/certificate/present?ticket=`), `link to the client-certificate host, got ${href}`);
    return { agent, tx, presentUrl: href! };
  }

  /** presents `leaf` at the client-certificate host; the path on the main host it sends the browser back to */
  async function present(presentUrl: string, leaf?: TestCertificate): Promise<string> {
    const answer = await getWithClientCertificate(presentUrl, leaf, leaf ? [world.pki.intermediate] : []);
    assert.equal(answer.status, 303, answer.body);
    const back = new URL(answer.location!);
    assert.equal(back.origin, world.broker.url);
    return back.pathname + back.search;
  }

  /** the detail of the newest audit entry of `action` */
  async function lastAudit(action: string): Promise<Record<string, unknown>> {
    const row = await world.broker.broker.services.db.selectFrom('audit_log').select(['detail']).where('action', '=', action).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    const detail: unknown = row.detail;
    return (typeof detail === 'string' ? JSON.parse(detail) : detail) as Record<string, unknown>;
  }
  const lastPresentation = () => lastAudit('certificate.presented');

  it('a qualified software certificate logs in at rung 3 (eIDAS substantial), method certificate', async () => {
    const { agent, presentUrl } = await openLogin();
    const done = await agent.get(await present(presentUrl, world.pki.qualifiedPerson)).expect(200);
    assert.equal(statusOf(done.text).top, 'Success');
    assert.equal(assertionText(done.text, 'AuthnContextClassRef'), 'http://eidas.europa.eu/LoA/substantial');
    assert.equal((await lastAudit('certificate.login')).method, 'certificate');
  });

  it('a DNIe-style certificate with QcSSCD logs in at rung 4 (eIDAS high), method certificate-qualified-device', async () => {
    const { agent, presentUrl } = await openLogin();
    const done = await agent.get(await present(presentUrl, world.pki.qualifiedPersonSscd)).expect(200);
    assert.equal(statusOf(done.text).top, 'Success');
    assert.equal(assertionText(done.text, 'AuthnContextClassRef'), 'http://eidas.europa.eu/LoA/high');
    assert.equal((await lastPresentation()).qualifiedDevice, true);
  });

  it('a public-employee certificate logs in its holder (Lucía, seeded)', async () => {
    const { agent, presentUrl } = await openLogin();
    const done = await agent.get(await present(presentUrl, world.pki.publicEmployee)).expect(200);
    assert.equal(statusOf(done.text).top, 'Success');
    assert.equal((await lastPresentation()).profile, 'public-employee');
  });

  const refusals: [string, (w: CertificateWorld) => TestCertificate | undefined, string, RegExp][] = [
    ['no certificate', () => undefined, 'Your browser presented no certificate', /no client certificate/],
    ['a non-qualified certificate', (w) => w.pki.nonQualified, 'Only qualified certificates', /neither QcCompliance/],
    ['an expired certificate', (w) => w.pki.expired, 'The certificate has expired', /^leaf '.*' \(serial [0-9A-F]+\) expired at \d{4}-/],
    ['a certificate not yet valid', (w) => w.pki.notYetValid, 'The certificate is not valid yet', /^leaf '.*' \(serial [0-9A-F]+\) is not valid before \d{4}-/],
    ['a certificate revoked (OCSP)', (w) => w.pki.revokedByOcsp, 'The certificate has been revoked', / revoked at \d{4}-.* according to OCSP$/],
    ['a certificate revoked (CRL only)', (w) => w.pki.revokedByCrl, 'The certificate has been revoked', / revoked at \d{4}-.* according to CRL$/],
    ['a certificate without digitalSignature', (w) => w.pki.wrongKeyUsage, 'cannot be used to identify yourself', /keyUsage \(bits \d+\) lacks digitalSignature/],
    ['a certificate of an unknown issuer', (w) => w.pki.unknownIssuer, 'not issued by a recognised trust service provider', /^no path from '.*' \(serial [0-9A-F]+\) to a trusted-list CA: no certificate that issued/],
  ];
  for (const [name, leafOf, sentence, detail] of refusals) {
    it(`${name}: the refusal page with its category, the precise reason only in the audit log`, async () => {
      const { agent, tx, presentUrl } = await openLogin();
      const leaf = leafOf(world);
      const page = await agent.get(await present(presentUrl, leaf)).set('Accept-Language', 'en').expect(403);
      assert.match(page.text, new RegExp(REFUSED));
      assert.match(page.text, new RegExp(sentence));
      assert.match(page.text, new RegExp(`href="/connectors/certificate/${tx}"`), 'try again');
      assert.match(page.text, new RegExp(`href="/login/${tx}"`), 'choose another method');
      const audited = await lastPresentation();
      assert.equal(audited.outcome, 'rejected');
      assert.match(String(audited.detail), detail as RegExp);
      assert.ok(!page.text.includes(String(audited.detail as string)), 'the detail never reaches the page');
    });
  }

  it('a ticket is single use: the same return again is refused', async () => {
    const { agent, presentUrl } = await openLogin();
    const back = await present(presentUrl, world.pki.qualifiedPerson);
    // presenting the same ticket again is refused on the client-certificate host
    assert.equal((await getWithClientCertificate(presentUrl, world.pki.qualifiedPerson, [world.pki.intermediate])).status, 400);
    await agent.get(back).expect(200);
    const again = await agent.get(back).set('Accept-Language', 'en');
    assert.notEqual(again.status, 200);
    assert.ok(!/SAMLResponse/.test(again.text));
  });

  it('the outcome only counts in the browser that started the login, and only with the proof of the redirect', async () => {
    const { agent, presentUrl } = await openLogin();
    const back = await present(presentUrl, world.pki.qualifiedPerson);
    // another browser (no binding cookie) gets the error page and does not spend the ticket
    const stranger = await newAgent(world.broker).get(back);
    assert.ok(stranger.status >= 400 && !/SAMLResponse/.test(stranger.text));
    // the right browser without the proof is refused, and the ticket is gone
    const url = new URL(back, world.broker.url);
    url.searchParams.set('proof', 'x'.repeat(32));
    await agent.get(url.pathname + url.search).expect(400);
    await agent.get(back).expect(400);
  });

  it('a person the registry does not know is refused (registerUnknownPersons is off)', async () => {
    const { agent, presentUrl } = await openLogin();
    const page = await agent.get(await present(presentUrl, unknown)).set('Accept-Language', 'en').expect(403);
    assert.match(page.text, /not registered/);
    assert.equal(await world.broker.broker.services.identity.findByDocument('22222222J'), undefined);
  });

  it('device activation with a certificate: the holder gets an app activation code, audited as certificate', async () => {
    const url = `${world.broker.clientHost!.url}/devices/activation/certificate`;
    const form = await getWithClientCertificate(url, world.pki.qualifiedPerson, [world.pki.intermediate]);
    assert.equal(form.status, 200, form.body);
    const token = /name="token" value="([^"]+)"/.exec(form.body)?.[1];
    assert.ok(token);
    // the form token is bound to the certificate: another holder cannot use it
    const other = await getWithClientCertificate(url, world.pki.nonQualified, [world.pki.intermediate], { method: 'POST', body: `token=${token}` });
    assert.equal(other.status, 403);
    const form2 = await getWithClientCertificate(url, world.pki.qualifiedPerson, [world.pki.intermediate]);
    const token2 = /name="token" value="([^"]+)"/.exec(form2.body)![1]!;
    const issued = await getWithClientCertificate(url, world.pki.qualifiedPerson, [world.pki.intermediate], { method: 'POST', body: `token=${token2}` });
    assert.equal(issued.status, 200, issued.body);
    assert.match(issued.body, /Your activation code is \d{6}\./);
    const person = await world.broker.broker.services.identity.findByDocument('12345678Z');
    const entries = await world.broker.broker.services.audit.forSubject(person!.id);
    assert.ok(entries.some((e) => e.action === 'device.activation-code.issued' && e.actor === 'certificate'));
    // a used token does not work twice
    const replay = await getWithClientCertificate(url, world.pki.qualifiedPerson, [world.pki.intermediate], { method: 'POST', body: `token=${token2}` });
    assert.equal(replay.status, 403);
  });

  it('the listener names the trusted lists\' CA/QC certificates as acceptable CAs (openssl s_client)', async () => {
    const { port } = new URL(world.broker.clientHost!.url);
    // asynchronous: the listener runs in this process
    const out = await new Promise<{ stdout: string }>((resolve, reject) => {
      const child = execFile('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_2'], { encoding: 'utf8', timeout: 10_000 }, (err, stdout) => (stdout ? resolve({ stdout }) : reject(err ?? new Error('no output'))));
      child.stdin?.end();
    });
    const names = /Acceptable client certificate CA names\n([\s\S]*?)\n(?:Requested|Client Certificate Types)/.exec(out.stdout)?.[1] ?? '';
    assert.match(names, /Pasarela TEST Qualified Issuing CA/, out.stdout);
  });

  it('the listener never resumes a TLS session (a resumed session would have lost the intermediates)', async () => {
    const agent = new https.Agent({ keepAlive: false });
    const resumed: boolean[] = [];
    for (let i = 0; i < 2; i++) {
      await new Promise<void>((resolve, reject) => {
        https.get(`${world.broker.clientHost!.url}/certificate/present?ticket=x`, { agent, rejectUnauthorized: false, key: world.pki.qualifiedPerson.keyPem, cert: world.pki.qualifiedPerson.pem + world.pki.intermediate.pem }, (res) => {
          resumed.push((res.socket as TLSSocket).isSessionReused());
          res.resume().on('end', resolve);
        }).on('error', reject);
      });
    }
    agent.destroy();
    assert.deepEqual(resumed, [false, false]);
  });

  // last: it moves the broker's clock past the trusted list's next update
  it('/readyz warns about a trusted list past its next update; the list is used for pki.trustedListGraceHours, then not', async () => {
    const HOUR = 3_600_000;
    const warnings = async () => ((await newAgent(world.broker).get('/readyz').expect(200)).body as { warnings: string[] }).warnings;
    const anchors = () => world.broker.broker.services.certificates.trustedLists.grantedCaServicesAt(world.broker.clock.now()).length;
    assert.ok(!(await warnings()).some((w) => w.includes('trusted list')));
    // the world's list has its NextUpdate 30 days on; the default grace is 24 hours
    world.broker.clock.advance(30 * 24 * HOUR + HOUR);
    assert.ok((await warnings()).some((w) => /trusted list .*ES\.xml is past its next update/.test(w)));
    assert.equal(anchors(), 1);
    world.broker.clock.advance(24 * HOUR);
    assert.ok((await warnings()).some((w) => /trusted list .*ES\.xml is past its next update/.test(w)));
    assert.equal(anchors(), 0);
  });
});
