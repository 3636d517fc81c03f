// Our eIDAS connector metadata: schema-valid, signed with the metadata key (verified by Debian's
// xmlsec1 for ECDSA and RSA-SHA256 keys), validUntil = now + 24 h, SPType exactly once overall.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { buildConnectorMetadata, cachedConnectorMetadata } from '../../../connectors/eidas/connector-metadata.js';
import { validateXsd } from '../../../broker/saml/xsd.js';
import { NS } from '../../../broker/saml/namespaces.js';
import { NOW, PUBLIC_URL, eidasConfig, keysOf, opensslPair } from './fixtures.js';

function xmlsec1Verifies(xml: string, certPem: string): { ok: boolean; output: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'eidas-xmlsec-'));
  try {
    writeFileSync(path.join(dir, 'md.xml'), xml);
    writeFileSync(path.join(dir, 'cert.pem'), certPem);
    const output = execFileSync('xmlsec1', ['--verify', '--enabled-reference-uris', 'same-doc', '--pubkey-cert-pem', path.join(dir, 'cert.pem'), '--id-attr:ID', 'urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor', path.join(dir, 'md.xml')], { stdio: 'pipe' });
    return { ok: true, output: output.toString() };
  } catch (err) {
    return { ok: false, output: String((err as { stderr?: Buffer }).stderr ?? err) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('eidas connector-metadata: /eidas/metadata document', function () {
  this.timeout(30_000);
  const ec = opensslPair('ec');
  const rsa = opensslPair('rsa');
  const encryption = opensslPair('rsa');
  const encBase64 = encryption.certPem.replace(/-----[^-]+-----|\s+/g, '');
  const build = (eidas: Record<string, unknown> = {}, metadataPair = ec, alg: 'rsa-sha256' | 'rsa-pss-sha256' = 'rsa-pss-sha256') =>
    buildConnectorMetadata({ cfg: eidasConfig(eidas), metadataSigning: keysOf(metadataPair, alg), requestSigning: keysOf(rsa), encryptionCertBase64: encBase64, now: NOW });
  const doc = (xml: string) => new DOMParser().parseFromString(xml, 'text/xml') as unknown as Document;

  it('validates against the SAML metadata schema', () => {
    assert.deepEqual(validateXsd(build(), 'metadata').errors, []);
    assert.deepEqual(validateXsd(build({ spTypeIn: 'request', requesterId: true }), 'metadata').errors, []);
  });

  it('xmlsec1 verifies its signature with the metadata certificate (ECDSA and RSA-SHA256 keys), and not with another', () => {
    const signedEc = build();
    assert.equal(xmlsec1Verifies(signedEc, ec.certPem).ok, true, xmlsec1Verifies(signedEc, ec.certPem).output);
    const signedRsa = build({}, rsa, 'rsa-sha256');
    assert.equal(xmlsec1Verifies(signedRsa, rsa.certPem).ok, true);
    assert.equal(xmlsec1Verifies(signedRsa, encryption.certPem).ok, false);
    assert.equal(xmlsec1Verifies(signedEc.replace('/connectors/eidas/acs', '/evil'), ec.certPem).ok, false);
  });

  it('entityID, validUntil now + 24 h, SPSSODescriptor with signed requests and assertions, POST ACS, both keys', () => {
    const d = doc(build());
    const root = d.documentElement!;
    assert.equal(root.getAttribute('entityID'), `${PUBLIC_URL}/eidas/metadata`);
    assert.equal(root.getAttribute('validUntil'), new Date(NOW.getTime() + 24 * 3_600_000).toISOString());
    const sp = d.getElementsByTagNameNS(NS.md, 'SPSSODescriptor').item(0)!;
    assert.equal(sp.getAttribute('AuthnRequestsSigned'), 'true');
    assert.equal(sp.getAttribute('WantAssertionsSigned'), 'true');
    const acs = d.getElementsByTagNameNS(NS.md, 'AssertionConsumerService');
    assert.equal(acs.length, 1);
    assert.equal(acs.item(0)!.getAttribute('Binding'), 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST');
    assert.equal(acs.item(0)!.getAttribute('Location'), `${PUBLIC_URL}/connectors/eidas/acs`);
    const keys = Array.from({ length: d.getElementsByTagNameNS(NS.md, 'KeyDescriptor').length }, (_, i) => d.getElementsByTagNameNS(NS.md, 'KeyDescriptor').item(i)!);
    assert.deepEqual(keys.map((k) => k.getAttribute('use')), ['signing', 'encryption']);
    assert.equal(keys[0]!.getElementsByTagNameNS(NS.ds, 'X509Certificate').item(0)!.textContent, keysOf(rsa).certBase64);
    assert.equal(keys[1]!.getElementsByTagNameNS(NS.ds, 'X509Certificate').item(0)!.textContent, encBase64);
    const methods = Array.from({ length: keys[1]!.getElementsByTagNameNS(NS.md, 'EncryptionMethod').length }, (_, i) => keys[1]!.getElementsByTagNameNS(NS.md, 'EncryptionMethod').item(i)!.getAttribute('Algorithm'));
    assert.ok(methods.every((m) => !/cbc|rsa-1_5/.test(m!)), 'never CBC or RSA-1.5');
  });

  it('eidas:SPType exactly once when stated in metadata, never when stated in requests; NodeCountry ES; eIDAS signing methods only', () => {
    const inMetadata = doc(build({ spTypeIn: 'metadata', spType: 'private' }));
    const spTypes = inMetadata.getElementsByTagNameNS(NS.eidas, 'SPType');
    assert.equal(spTypes.length, 1);
    assert.equal(spTypes.item(0)!.textContent, 'private');
    assert.equal(spTypes.item(0)!.parentNode!.parentNode, inMetadata.documentElement, 'in the EntityDescriptor md:Extensions');
    assert.equal(doc(build({ spTypeIn: 'request' })).getElementsByTagNameNS(NS.eidas, 'SPType').length, 0);
    const countries = inMetadata.getElementsByTagNameNS(NS.eidas, 'NodeCountry');
    assert.equal(countries.length, 1);
    assert.equal(countries.item(0)!.textContent, 'ES');
    const extensions = countries.item(0)!.parentNode as Element;
    assert.equal(extensions.localName, 'Extensions');
    assert.equal(extensions.namespaceURI, NS.md);
    assert.equal(extensions.parentNode, inMetadata.documentElement, 'in the EntityDescriptor md:Extensions');
    assert.equal(inMetadata.getElementsByTagNameNS(NS.mdattr, 'EntityAttributes').length, 0, 'not as an entity attribute');
    const signing = inMetadata.getElementsByTagNameNS(NS.alg, 'SigningMethod');
    const uris = Array.from({ length: signing.length }, (_, i) => signing.item(i)!.getAttribute('Algorithm')!);
    assert.ok(uris.includes('http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1'));
    assert.ok(uris.includes('http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256'));
    assert.ok(!uris.some((u) => u.endsWith('#rsa-sha256')), 'PKCS#1 v1.5 is not an eIDAS signing method');
  });

  it('the cached document is rebuilt once a quarter of its validity has passed', () => {
    let builds = 0;
    const get = cachedConnectorMetadata((now) => `${++builds}@${now.toISOString()}`, 24);
    assert.equal(get(NOW), get(new Date(NOW.getTime() + 5 * 3_600_000)));
    assert.equal(builds, 1);
    get(new Date(NOW.getTime() + 6 * 3_600_000));
    assert.equal(builds, 2);
  });
});
