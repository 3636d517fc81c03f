// The certificate connector behind a TLS-terminating proxy: the client certificate arrives as a
// URL-encoded PEM header (nginx's $ssl_client_escaped_cert), believed only when the TCP peer is a
// configured proxy. Requests come from Node's http client bound to 127.0.0.1 (the trusted proxy)
// or 127.0.0.2 (anybody else), the person's address in X-Forwarded-For. This broker also registers unknown holders (registerUnknownPersons).
import assert from 'node:assert/strict';
import http from 'node:http';
import type { Agent } from 'supertest';
import { startCertificateWorld, issueQualifiedPerson, type CertificateWorld } from '../../helpers/certificate-world.js';
import { newAgent, sendAuthnRequest, statusOf } from '../../helpers/sp-requests.js';
import { csrfOf, txOf } from '../../helpers/flow-driver.js';
import { SP2 } from '../../helpers/test-broker.js';
import type { TestCertificate } from '../../helpers/test-pki.js';
import { certificateTicketsFor } from '../../../broker/pki/client-host/tickets.js';
import { ConfigError, loadConfig } from '../../../broker/config.js';

const HEADER = 'X-SSL-Client-Cert';

describe('certificate connector, proxy mode (client certificate in a header)', function () {
  this.timeout(60_000);
  let world: CertificateWorld;

  before(async () => {
    world = await startCertificateWorld({
      broker: { clientCertificates: false },
      // the proxy is trusted for X-Forwarded-For too (the configuration requires it), so req.ip is the person
      overrides: { trustProxy: ['127.0.0.1'], connectors: { certificate: { mode: 'proxy', proxyHeader: { name: HEADER, trustedProxies: ['127.0.0.1'] }, registerUnknownPersons: true, presentationsPerIpPerHour: 8, clientTls: { publicUrl: 'https://cert.broker.test' } } } },
    });
  });
  after(async () => {
    await world?.close();
  });

  async function openLogin(): Promise<{ agent: Agent; tx: string; presentPath: string }> {
    const agent = newAgent(world.broker);
    const start = await sendAuthnRequest(world.broker, agent, { sp: SP2 }).expect(303);
    const tx = txOf(start.headers.location!);
    const csrf = csrfOf((await agent.get(`/login/${tx}`).expect(200)).text);
    await agent.post(`/login/${tx}/choose`).type('form').send({ csrf, method: 'certificate' }).expect(303);
    const page = await agent.get(`/connectors/certificate/${tx}`).expect(200);
    const href = /id="present" href="([^"]+)"/.exec(page.text)?.[1]?.replace(/&amp;/g, '&');
    assert.ok(href?.startsWith('https://cert.broker.test/certificate/present?ticket='), `the proxy's client-certificate host, got ${href}`);
    const url = new URL(href!);
    return { agent, tx, presentPath: url.pathname + url.search };
  }

  /** what the proxy forwards: a GET with the header, from `from` */
  function proxied(pathAndQuery: string, from: string, headerValue?: string, forwardedFor?: string): Promise<{ status: number; location: string | undefined; body: string }> {
    const port = (world.broker.server.address() as { port: number }).port;
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: pathAndQuery, localAddress: from, headers: { 'accept-language': 'en', ...(headerValue !== undefined ? { [HEADER]: headerValue } : {}), ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  const escaped = (c: TestCertificate) => encodeURIComponent(c.pem);

  async function backPath(answer: { status: number; location: string | undefined; body: string }): Promise<string> {
    assert.equal(answer.status, 303, answer.body);
    const back = new URL(answer.location!);
    assert.equal(back.origin, world.broker.url);
    return back.pathname + back.search;
  }

  it('a header from the trusted proxy is the client certificate: the login succeeds', async () => {
    const { agent, presentPath } = await openLogin();
    const done = await agent.get(await backPath(await proxied(presentPath, '127.0.0.1', escaped(world.pki.qualifiedPerson)))).expect(200);
    assert.equal(statusOf(done.text).top, 'Success');
  });

  it('the same header from another address is ignored, as if no certificate had been presented', async () => {
    const { agent, presentPath } = await openLogin();
    const page = await agent.get(await backPath(await proxied(presentPath, '127.0.0.2', escaped(world.pki.qualifiedPerson)))).set('Accept-Language', 'en').expect(403);
    assert.match(page.text, /The certificate provided is not valid/);
    assert.match(page.text, /Your browser presented no certificate/);
  });

  it('a header that is not a certificate is malformed', async () => {
    const { agent, presentPath } = await openLogin();
    const page = await agent.get(await backPath(await proxied(presentPath, '127.0.0.1', encodeURIComponent('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')))).set('Accept-Language', 'en').expect(403);
    assert.match(page.text, /could not be read/);
  });

  it('an unknown holder registers at advanced level with the contrast data, then logs in', async () => {
    const stranger = await issueQualifiedPerson(world, { serialNumber: 'IDCES-33333333P', givenName: 'EVA', surname: 'DÍAZ MORA' });
    const { agent, tx, presentPath } = await openLogin();
    const form = await agent.get(await backPath(await proxied(presentPath, '127.0.0.1', escaped(stranger)))).set('Accept-Language', 'en').expect(200);
    assert.match(form.text, /EVA DÍAZ MORA — 33333333P/);
    const csrf = csrfOf(form.text);
    await agent.post(`/connectors/certificate/${tx}/register`).type('form').send({ csrf, documentDate: 'not a date' }).expect(422);
    await agent.post(`/connectors/certificate/${tx}/register`).type('form').send({ csrf, documentDate: '2031-02-30' }).expect(422);
    await agent.post(`/connectors/certificate/${tx}/register`).type('form').send({ documentDate: '2032-02-29' }).expect(403);
    const done = await agent.post(`/connectors/certificate/${tx}/register`).type('form').send({ csrf, documentDate: '2032-02-29' }).expect(200);
    assert.equal(statusOf(done.text).top, 'Success');
    const person = await world.broker.broker.services.identity.findByDocument('33333333P');
    assert.deepEqual([person?.registrationLevel, person?.givenName, person?.firstSurname, person?.secondSurname, person?.documentDate], ['advanced', 'EVA', 'DÍAZ', 'MORA', '2032-02-29']);
    const entries = await world.broker.broker.services.audit.forSubject(person!.id);
    assert.ok(entries.some((e) => e.action === 'person.registered' && e.actor === 'certificate'));
  });

  it('presentations are limited per person behind the proxy (X-Forwarded-For), not per proxy (connectors.certificate.presentationsPerIpPerHour)', async () => {
    const { services } = world.broker.broker;
    const tickets = certificateTicketsFor(services.config, services.ephemeral);
    const present = async (client: string): Promise<number> => {
      const id = await tickets.issue({ tx: 'x'.repeat(22), returnPath: '/connectors/certificate/x/return' });
      return (await proxied(`/certificate/present?ticket=${id}`, '127.0.0.1', escaped(world.pki.qualifiedPerson), client)).status;
    };
    const statuses: number[] = [];
    for (let i = 0; i < 10 && !statuses.includes(429); i++) statuses.push(await present('198.51.100.7'));
    assert.deepEqual(statuses, [...Array<number>(8).fill(303), 429]);
    // another person through the same proxy has a budget of their own
    assert.equal(await present('198.51.100.8'), 303);
  });

  it('proxy mode without trustProxy covering the proxy is a configuration error', () => {
    const proxy = { connectors: { certificate: { mode: 'proxy', proxyHeader: { name: HEADER, trustedProxies: ['10.0.0.5'] } } } };
    assert.throws(() => loadConfig({}, { ...proxy, trustProxy: ['127.0.0.1'] }), (e: unknown) => e instanceof ConfigError && /trustProxy: must trust every .*missing 10\.0\.0\.5/.test(e.message));
    assert.throws(() => loadConfig({}, { trustProxy: [], connectors: { certificate: { mode: 'proxy', proxyHeader: { name: HEADER, trustedProxies: [] } } } }), /trustedProxies: required/);
    assert.equal(loadConfig({}, { ...proxy, trustProxy: ['10.0.0.0/8'] }).connectors.certificate.mode, 'proxy');
    assert.equal(loadConfig({}, { ...proxy, trustProxy: ['uniquelocal'] }).connectors.certificate.mode, 'proxy');
  });
});
