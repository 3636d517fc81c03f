// Operations: metadata as SPs import it, health, readiness, metrics, SIGHUP-style reload, and the
// Dockerfile's inputs.
import assert from 'node:assert/strict';
import { readFileSync, existsSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startTestBroker, type TestBroker } from '../../helpers/test-broker.js';
import { validateXsd } from '../../../broker/saml/xsd.js';
import { PROJECT_ROOT } from '../../../broker/config.js';
import { parseXml } from '../../helpers/flow-driver.js';
import { buildAuthnRequest, redirectQuery } from '../../helpers/sign-request.js';

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';

describe('operations', () => {
  let b: TestBroker;
  let extraDir: string;
  before(async () => {
    extraDir = mkdtempSync(path.join(tmpdir(), 'pasarela-md-'));
    b = await startTestBroker({ overrides: { sps: { metadataDirs: ['tests/fixtures/metadata', extraDir] }, keys: { nextSigningCertFile: 'tests/fixtures/keys/idp-next.crt' } } });
  });
  after(async () => b.close());

  it('GET /saml/metadata: schema-valid, signed, persistent NameID first, current and next signing keys, reachable LoAs', async () => {
    const res = await request(b.server).get('/saml/metadata').expect(200);
    assert.match(res.headers['content-type']!, /application\/samlmetadata\+xml/);
    const v = validateXsd(res.text, 'metadata');
    assert.ok(v.ok, v.errors.join('\n'));
    const doc = parseXml(res.text);
    const root = doc.documentElement;
    assert.equal(root.getAttribute('entityID'), `${b.url}/saml/metadata`);
    assert.ok(root.getAttribute('validUntil') && root.getAttribute('cacheDuration'));
    const formats = Array.from(doc.getElementsByTagNameNS(MD, 'NameIDFormat')).map((e) => e.textContent);
    assert.deepEqual(formats, ['urn:oasis:names:tc:SAML:2.0:nameid-format:persistent', 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient', 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified']);
    assert.equal(Array.from(doc.getElementsByTagNameNS(MD, 'KeyDescriptor')).filter((k) => k.getAttribute('use') === 'signing').length, 2);
    const sso = Array.from(doc.getElementsByTagNameNS(MD, 'SingleSignOnService')).map((e) => e.getAttribute('Location'));
    assert.deepEqual([...new Set(sso)], [`${b.url}/saml/sso`]);
    assert.match(res.text, /http:\/\/eidas\.europa\.eu\/LoA\/substantial/);
    assert.doesNotMatch(res.text, /LoA\/high/, 'only the LoAs the enabled connectors reach');
    assert.match(res.text, /<ds:Signature/);
  });

  it('/healthz, /readyz and /metrics answer', async () => {
    await request(b.server).get('/healthz').expect(200, { status: 'ok' });
    const ready = await request(b.server).get('/readyz').expect(200);
    assert.deepEqual(ready.body.checks, { database: true, ephemeral: true });
    const metrics = await request(b.server).get('/metrics').expect(200);
    assert.match(metrics.text, /pasarela_certificate_expiry_seconds\{use="signing"\}/);
    assert.match(metrics.text, /pasarela_http_request_duration_seconds/);
  });

  it('SAML errors are counted by kind', async () => {
    await request(b.server).get('/saml/sso?SAMLRequest=bad').expect(400);
    const metrics = await request(b.server).get('/metrics').expect(200);
    assert.match(metrics.text, /pasarela_saml_errors_total\{kind="request-malformed"\} [1-9]/);
  });

  it('reload picks up new SP metadata (what SIGHUP does)', async () => {
    const entityID = 'https://sp3.test/metadata';
    const xml = readFileSync(path.join(PROJECT_ROOT, 'tests/fixtures/metadata/sp2.xml'), 'utf8').replaceAll('https://sp2.test', 'https://sp3.test');
    const req = buildAuthnRequest({ issuer: entityID, destination: `${b.url}/saml/sso`, acsUrl: 'https://sp3.test/acs' });
    await request(b.server).get(`/saml/sso?${redirectQuery(req, undefined)}`).expect(400);
    writeFileSync(path.join(extraDir, 'sp3.xml'), xml);
    await b.broker.reload();
    const again = buildAuthnRequest({ issuer: entityID, destination: `${b.url}/saml/sso`, acsUrl: 'https://sp3.test/acs' });
    await request(b.server).get(`/saml/sso?${redirectQuery(again, undefined)}`).expect(303);
  });
});

describe('Dockerfile (no Docker engine here: check what it copies exists)', () => {
  it('every COPY source from the build context exists', () => {
    const lines = readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8').split('\n').filter((l) => /^COPY /.test(l) && !l.includes('--from='));
    assert.ok(lines.length > 3);
    for (const line of lines) {
      const parts = line.replace(/^COPY\s+/, '').trim().split(/\s+/);
      for (const src of parts.slice(0, -1)) assert.ok(existsSync(path.join(PROJECT_ROOT, src)), `${src} (from "${line}") exists`);
    }
  });
  it('the production stage runs as a non-root user with a health check on /healthz', () => {
    const text = readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
    const last = text.slice(text.lastIndexOf('\nFROM '));
    assert.match(last, /\nUSER node\n/);
    assert.match(last, /HEALTHCHECK[^\n]*\/healthz/);
    assert.match(text, /npm ci --omit=dev/);
  });
});
