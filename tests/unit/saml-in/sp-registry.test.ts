import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SignedXml } from 'xml-crypto';
import { ALG } from '../../../broker/saml/namespaces.js';
import { createSpRegistry } from '../../../broker/saml/sp-registry.js';
import { testCert, testKey } from '../../helpers/sign-request.js';
import { KC, silentLog, SP1, SP2, testConfig } from './harness.js';

const fixture = (f: string) => readFileSync(`tests/fixtures/metadata/${f}.xml`, 'utf8');

function signMetadata(xml: string, key: string): string {
  const withId = xml.replace('<md:EntityDescriptor ', '<md:EntityDescriptor ID="_md1" ');
  const sig = new SignedXml({ privateKey: key });
  sig.signatureAlgorithm = ALG.rsaSha256 as SignedXml['signatureAlgorithm'];
  sig.canonicalizationAlgorithm = ALG.excC14n;
  sig.addReference({ xpath: '/*', transforms: [ALG.envelopedSignature, ALG.excC14n], digestAlgorithm: ALG.sha256 });
  sig.computeSignature(withId, { prefix: 'ds', location: { reference: '/*', action: 'prepend' } });
  return sig.getSignedXml();
}

function collectingLog() {
  const warnings: string[] = [];
  return { warnings, log: { warn: (_o: object, m: string) => warnings.push(m), info: () => {} } };
}

describe('sp-registry', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sp-registry-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads every fixture of the metadata directory', async () => {
    const reg = await createSpRegistry(testConfig(), silentLog);
    assert.deepEqual(reg.all().map((e) => e.entityID).sort(), [KC, SP1, SP2].sort());
    assert.equal(reg.get(SP1)?.authnRequestsSigned, true);
    assert.equal(reg.get('https://nobody.test'), undefined);
    reg.close();
  });

  it('skips a broken file with a warning, drops expired entries, reload() picks up changes', async () => {
    writeFileSync(path.join(dir, 'a.xml'), fixture('sp1'));
    writeFileSync(path.join(dir, 'broken.xml'), '<md:EntityDescriptor');
    writeFileSync(path.join(dir, 'old.xml'), fixture('sp2').replace('entityID=', 'validUntil="2001-01-01T00:00:00Z" entityID='));
    const { warnings, log } = collectingLog();
    const reg = await createSpRegistry(testConfig({ sps: { metadataDirs: [dir], metadataUrls: [] } }), log);
    assert.deepEqual(reg.all().map((e) => e.entityID), [SP1]);
    assert.ok(warnings.includes('SP metadata file skipped'));
    assert.ok(warnings.includes('SP metadata expired; entry dropped'));
    writeFileSync(path.join(dir, 'b.xml'), fixture('keycloak'));
    await reg.reload();
    assert.ok(reg.get(KC));
    reg.close();
  });

  it('URL sources: signature checked when signingCertFile is set; previous entries kept on refresh failure', async () => {
    const url = 'https://md.test/sp2.xml';
    let body = signMetadata(fixture('sp2'), testKey('sp2'));
    let fail = false;
    const fakeFetch = (async () => {
      if (fail) throw new Error('network down');
      return new Response(body, { status: 200 });
    }) as typeof fetch;
    const cfg = testConfig({ sps: { metadataDirs: [], metadataUrls: [{ url, signingCertFile: 'tests/fixtures/keys/sp2.crt', refreshSeconds: 3600 }] } });
    const { warnings, log } = collectingLog();
    const reg = await createSpRegistry(cfg, log, { fetch: fakeFetch });
    assert.ok(reg.get(SP2));
    fail = true;
    await reg.reload();
    assert.ok(reg.get(SP2), 'kept after a failed refresh');
    assert.ok(warnings.includes('SP metadata fetch failed; previous entries kept'));
    reg.close();

    // signed by the wrong key: never loaded
    body = signMetadata(fixture('sp2'), testKey('attacker'));
    fail = false;
    const reg2 = await createSpRegistry(cfg, silentLog, { fetch: fakeFetch });
    assert.equal(reg2.get(SP2), undefined);
    reg2.close();
    void testCert;
  });
});
