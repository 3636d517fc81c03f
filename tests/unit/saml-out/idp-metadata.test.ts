import assert from 'node:assert/strict';
import { buildIdpMetadata, buildIdpMetadataUncached, clearIdpMetadataCache, type IdpMetadataInput } from '../../../broker/saml/idp-metadata.js';
import { validateXsd } from '../../../broker/saml/xsd.js';
import { urisForRungs } from '../../../broker/loa.js';
import { IDP, NOW, children, idpKeys, parse, pem, verifyChildSignature } from './fixtures.js';

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const input = (over: Partial<IdpMetadataInput> = {}): IdpMetadataInput => ({
  entityID: IDP,
  ssoUrl: 'http://localhost:8080/saml/sso',
  sloUrl: 'http://localhost:8080/saml/slo',
  signingCertBase64: idpKeys.certBase64,
  nextSigningCertBase64: idpKeys.nextCertBase64,
  reachableRungs: ['2', '2+', '3'],
  wantAuthnRequestsSigned: true,
  validUntil: new Date(NOW.getTime() + 7 * 86_400_000),
  cacheDuration: 'PT6H',
  organisation: { name: 'Pasarela', displayName: 'Pasarela test', url: 'https://pasarela.example', lang: 'es' },
  ...over,
});

describe('saml-out idp-metadata: our signed EntityDescriptor (SAML metadata §2.3.2, §2.4.3)', () => {
  beforeEach(clearIdpMetadataCache);

  it('validates against the metadata XSDs and its signature covers the EntityDescriptor', () => {
    const xml = buildIdpMetadata(input(), idpKeys, NOW);
    assert.deepEqual(validateXsd(xml, 'metadata').errors, []);
    const root = parse(xml).documentElement!;
    assert.equal(root.getAttribute('entityID'), IDP);
    assert.deepEqual(verifyChildSignature(xml, root, pem('idp.crt')), { ok: true, refUri: '#' + root.getAttribute('ID') });
    assert.deepEqual(children(root).map((c) => c.localName), ['Signature', 'Extensions', 'IDPSSODescriptor', 'Organization']);
  });

  it('validUntil, cacheDuration; assurance-certification = urisForRungs(reachable)', () => {
    const doc = parse(buildIdpMetadata(input(), idpKeys, NOW));
    const root = doc.documentElement!;
    assert.equal(root.getAttribute('validUntil'), new Date(NOW.getTime() + 7 * 86_400_000).toISOString());
    assert.equal(root.getAttribute('cacheDuration'), 'PT6H');
    const attr = doc.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:assertion', 'Attribute').item(0)!;
    assert.equal(attr.getAttribute('Name'), 'urn:oasis:names:tc:SAML:attribute:assurance-certification');
    const values = children(attr).map((v) => v.textContent);
    assert.deepEqual(values, urisForRungs(['2', '2+', '3']));
    assert.ok(values.includes('http://eidas.europa.eu/LoA/substantial'));
    assert.ok(!values.includes('http://eidas.europa.eu/LoA/high'));
  });

  it('IDPSSODescriptor: signing keys (current, next), SLO Redirect+POST, NameIDFormat persistent first, SSO POST first', () => {
    const doc = parse(buildIdpMetadata(input(), idpKeys, NOW));
    const idp = doc.getElementsByTagNameNS(MD, 'IDPSSODescriptor').item(0)!;
    assert.equal(idp.getAttribute('WantAuthnRequestsSigned'), 'true');
    assert.equal(idp.getAttribute('protocolSupportEnumeration'), 'urn:oasis:names:tc:SAML:2.0:protocol');
    const kids = children(idp);
    const keys = kids.filter((k) => k.localName === 'KeyDescriptor');
    assert.deepEqual(keys.map((k) => [k.getAttribute('use'), k.textContent]), [['signing', idpKeys.certBase64], ['signing', idpKeys.nextCertBase64]]);
    assert.deepEqual(
      kids.filter((k) => k.localName === 'SingleLogoutService').map((k) => k.getAttribute('Binding')),
      ['urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST'],
    );
    assert.deepEqual(kids.filter((k) => k.localName === 'NameIDFormat').map((k) => k.textContent), [
      'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
      'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
      'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
    ]);
    const sso = kids.filter((k) => k.localName === 'SingleSignOnService');
    assert.deepEqual(sso.map((k) => [k.getAttribute('Binding'), k.getAttribute('Location')]), [
      ['urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', 'http://localhost:8080/saml/sso'],
      ['urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', 'http://localhost:8080/saml/sso'],
    ]);
  });

  it('without next key or organisation, and without reachable rungs, still schema-valid', () => {
    const xml = buildIdpMetadataUncached(input({ nextSigningCertBase64: undefined, organisation: undefined, reachableRungs: [] }), idpKeys);
    assert.deepEqual(validateXsd(xml, 'metadata').errors, []);
    assert.equal(parse(xml).getElementsByTagNameNS(MD, 'KeyDescriptor').length, 1);
  });

  it('is cached per input and rebuilt when half its validity has passed or an input changes', () => {
    const a = buildIdpMetadata(input(), idpKeys, NOW);
    const later = new Date(NOW.getTime() + 3 * 86_400_000);
    assert.equal(buildIdpMetadata(input({ validUntil: new Date(later.getTime() + 7 * 86_400_000) }), idpKeys, later), a);
    const afterHalf = new Date(NOW.getTime() + 3.6 * 86_400_000);
    assert.notEqual(buildIdpMetadata(input({ validUntil: new Date(afterHalf.getTime() + 7 * 86_400_000) }), idpKeys, afterHalf), a);
    clearIdpMetadataCache();
    const b = buildIdpMetadata(input(), idpKeys, NOW);
    assert.notEqual(buildIdpMetadata(input({ reachableRungs: ['2', '2+', '3', '4'] }), idpKeys, NOW), b);
  });

  it('refuses a bad cacheDuration and a validUntil in the past', () => {
    assert.throws(() => buildIdpMetadata(input({ cacheDuration: '6 hours' }), idpKeys, NOW), TypeError);
    assert.throws(() => buildIdpMetadata(input({ validUntil: NOW }), idpKeys, NOW), TypeError);
  });
});
