// Foreign node metadata, made and signed by the independent Python node (tests/helpers/eidas-node):
// read only when its signature verifies with the configured certificate and validUntil lies ahead.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startForeignNodeWorker, type ForeignNodeWorker } from '../../helpers/foreign-node.js';
import { createForeignNodes, readForeignNode, ForeignMetadataError, acceptedAlgorithmUris } from '../../../connectors/eidas/foreign-metadata.js';
import { loadConfig } from '../../../broker/config.js';
import { ALG } from '../../../broker/saml/namespaces.js';

const SSO = 'https://eidas-node.de.test/sso';
const DE = { code: 'DE', metadata: 'x', metadataSigningCertFile: 'x', refreshMinutes: 60 };

describe('eidas foreign-metadata: node metadata verified, validUntil honoured', function () {
  this.timeout(30_000);
  let node: ForeignNodeWorker;
  let dir: string;
  before(async () => {
    node = await startForeignNodeWorker();
    dir = mkdtempSync(path.join(tmpdir(), 'eidas-md-'));
  });
  after(async () => {
    await node.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads entityID, the HTTP-POST SSO, signing certificates and the country allowlist', async () => {
    const { xml } = await node.makeMetadata({ ssoUrl: SSO });
    const read = readForeignNode(xml, DE, node.certs.metadata, new Date());
    assert.equal(read.entityID, node.entityID);
    assert.equal(read.ssoPostUrl, SSO);
    assert.equal(read.country, 'DE');
    assert.ok(read.signingCertificates.length >= 1);
    const published = read.signingCertificates.map((c) => c.replace(/\s+/g, ''));
    assert.ok(published.includes(node.certs.rsa.replace(/\s+/g, '')), 'the node RSA signing certificate is published');
    assert.ok(read.validUntil.getTime() > Date.now());
    assert.deepEqual(acceptedAlgorithmUris({ ...DE, signatureAlgorithms: ['rsa-pss-sha256'] }), [ALG.rsaPssSha256]);
  });

  it('refuses a node publishing a signing key weaker than the eIDAS rule (RSA-2048 beside RSA-3072), accepts RSA-3072 with P-256 and P-384', async () => {
    const strong = await node.makeMetadata({ ssoUrl: SSO, signingKeys: ['rsa', 'ec256', 'ec384'] });
    assert.equal(readForeignNode(strong.xml, DE, node.certs.metadata, new Date()).signingCertificates.length, 3);
    const weak = await node.makeMetadata({ ssoUrl: SSO, signingKeys: ['rsa', 'attacker'] });
    assert.throws(
      () => readForeignNode(weak.xml, DE, node.certs.metadata, new Date()),
      (e: Error) => e instanceof ForeignMetadataError && /signing certificate too weak: RSA keys need at least 3072 bits, this one has 2048/.test(e.message),
    );
  });

  it('accepts RSA-PSS and ECDSA by default, RSA PKCS#1 v1.5 only when the country lists it; we never sign with it', () => {
    const byDefault = acceptedAlgorithmUris(DE);
    assert.deepEqual(new Set(byDefault), new Set([ALG.rsaPssSha256, ALG.rsaPssSha512, ALG.ecdsaSha256, ALG.ecdsaSha384]));
    assert.ok(!byDefault.includes(ALG.rsaSha256) && !byDefault.includes(ALG.rsaSha512));
    assert.ok(acceptedAlgorithmUris({ ...DE, signatureAlgorithms: ['rsa-pss-sha256', 'rsa-sha512'] }).includes(ALG.rsaSha512));
    for (const ours of ['rsa-sha256', 'rsa-sha512'])
      assert.throws(() => loadConfig({}, { connectors: { eidas: { requestSignatureAlgorithm: ours } } }), /requestSignatureAlgorithm/);
    assert.equal(loadConfig({}, { connectors: { eidas: { requestSignatureAlgorithm: 'ecdsa-sha256' } } }).connectors.eidas.requestSignatureAlgorithm, 'ecdsa-sha256');
  });

  it('refuses a document signed by another key, an edited document and an expired one', async () => {
    const { xml } = await node.makeMetadata({ ssoUrl: SSO });
    assert.throws(() => readForeignNode(xml, DE, node.certs.attacker, new Date()), (e: Error) => e instanceof ForeignMetadataError && /signature/.test(e.message));
    const edited = xml.replace(SSO, 'https://evil.test/sso');
    assert.throws(() => readForeignNode(edited, DE, node.certs.metadata, new Date()), /signature/);
    const expired = await node.makeMetadata({ ssoUrl: SSO, validUntil: new Date(Date.now() - 60_000).toISOString() });
    assert.throws(() => readForeignNode(expired.xml, DE, node.certs.metadata, new Date()), /expired/);
    const endless = await node.makeMetadata({ ssoUrl: SSO, validUntil: null });
    assert.throws(() => readForeignNode(endless.xml, DE, node.certs.metadata, new Date()), /no validUntil/);
  });

  it('a country whose metadata is bad, expired or unreadable is unavailable, the others are not', async () => {
    const good = await node.makeMetadata({ ssoUrl: SSO });
    const soon = await node.makeMetadata({ ssoUrl: SSO, validUntil: new Date(Date.now() + 60_000).toISOString() });
    writeFileSync(path.join(dir, 'de.xml'), good.xml);
    writeFileSync(path.join(dir, 'fr.xml'), soon.xml);
    writeFileSync(path.join(dir, 'it.xml'), good.xml);
    writeFileSync(path.join(dir, 'md.crt'), node.certs.metadata);
    writeFileSync(path.join(dir, 'other.crt'), node.certs.attacker);
    const country = (code: string, file: string, cert = 'md.crt') => ({ code, metadata: path.join(dir, file), metadataSigningCertFile: path.join(dir, cert) });
    const cfg = loadConfig({}, { connectors: { eidas: { countries: [country('DE', 'de.xml'), country('FR', 'fr.xml'), country('IT', 'it.xml', 'other.crt'), country('PT', 'missing.xml')] } } });
    let now = new Date();
    const nodes = createForeignNodes(cfg, pino({ level: 'silent' }), { now: () => now, timers: false });
    await nodes.refreshAll();
    assert.equal(nodes.availability('DE').available, true);
    assert.equal(nodes.availability('FR').available, true);
    assert.deepEqual(nodes.unavailable().map((u) => u.country), ['IT', 'PT']);
    assert.match(nodes.unavailable()[0]!.reason, /signature/);
    now = new Date(Date.now() + 120_000); // FR's document expires while cached
    assert.deepEqual(nodes.unavailable().map((u) => u.country), ['FR', 'IT', 'PT']);
    assert.match(nodes.unavailable()[0]!.reason, /expired/);
  });

  describe('refresh', () => {
    const URL_DE = 'https://node.test/metadata';
    let served: () => Promise<Response>;
    const nodesFor = (timeoutMs = 5000) => {
      writeFileSync(path.join(dir, 'md.crt'), node.certs.metadata);
      const cfg = loadConfig({}, { connectors: { eidas: { metadataFetchTimeoutMs: timeoutMs, countries: [{ code: 'DE', metadata: URL_DE, metadataSigningCertFile: path.join(dir, 'md.crt') }] } } });
      const fetchFn = (async (url: string | URL | Request, init?: RequestInit) => {
        assert.equal(String(url), URL_DE);
        return Promise.race([served(), new Promise<never>((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)))]);
      }) as typeof fetch;
      return createForeignNodes(cfg, pino({ level: 'silent' }), { now: () => new Date(), fetch: fetchFn, timers: false });
    };
    const ssoOf = (nodes: ReturnType<typeof createForeignNodes>) => {
      const a = nodes.availability('DE');
      return a.available ? a.node.ssoPostUrl : `unavailable: ${a.reason}`;
    };

    it('a new read replaces the document', async () => {
      const first = await node.makeMetadata({ ssoUrl: SSO });
      const second = await node.makeMetadata({ ssoUrl: 'https://eidas-node.de.test/sso-moved' });
      served = async () => new Response(first.xml);
      const nodes = nodesFor();
      await nodes.refreshAll();
      assert.equal(ssoOf(nodes), SSO);
      served = async () => new Response(second.xml);
      await nodes.refreshAll();
      assert.equal(ssoOf(nodes), 'https://eidas-node.de.test/sso-moved');
    });

    it('a failed refresh (bad signature, HTTP error) keeps the last good document', async () => {
      const good = await node.makeMetadata({ ssoUrl: SSO });
      served = async () => new Response(good.xml);
      const nodes = nodesFor();
      await nodes.refreshAll();
      served = async () => new Response(good.xml.replace(SSO, 'https://evil.test/sso'));
      await nodes.refreshAll();
      assert.equal(ssoOf(nodes), SSO, 'an edited document does not replace the good one');
      served = async () => new Response('down', { status: 503 });
      await nodes.refreshAll();
      assert.equal(ssoOf(nodes), SSO, 'nor does an HTTP error');
    });

    it('a fetch that does not answer within metadataFetchTimeoutMs makes a never-read country unavailable', async () => {
      served = () => new Promise<never>(() => undefined);
      const nodes = nodesFor(100);
      const started = Date.now();
      await nodes.refreshAll();
      assert.ok(Date.now() - started < 5000, 'the timeout ended the read');
      assert.match(ssoOf(nodes), /unavailable: unreadable: .*(timeout|aborted)/i);
    });
  });

  it('a metadata URL larger than the cap is refused without reading it all', async () => {
    const { xml } = await node.makeMetadata({ ssoUrl: SSO });
    writeFileSync(path.join(dir, 'md.crt'), node.certs.metadata);
    const cfg = loadConfig({}, { connectors: { eidas: { metadataMaxBytes: 2048, countries: [{ code: 'DE', metadata: 'https://node.test/metadata', metadataSigningCertFile: path.join(dir, 'md.crt') }] } } });
    const fakeFetch = (async () => new Response(xml, { status: 200 })) as typeof fetch;
    const nodes = createForeignNodes(cfg, pino({ level: 'silent' }), { now: () => new Date(), fetch: fakeFetch, timers: false });
    await nodes.refreshAll();
    assert.match(nodes.unavailable()[0]!.reason, /larger than 2048/);
  });
});
