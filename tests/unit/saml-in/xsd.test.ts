import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { validateXsd } from '../../../broker/saml/xsd.js';
import { buildAuthnRequest, buildLogoutRequest, buildLogoutResponse, signPost, testCert, testKey } from '../../helpers/sign-request.js';

describe('xsd (libxmljs2, local schemas only)', () => {
  it('accepts a schema-ordered AuthnRequest, signed and unsigned', () => {
    const xml = buildAuthnRequest({ spType: 'public', requestedAttributes: [{ name: 'http://eidas.europa.eu/attributes/naturalperson/PersonIdentifier' }], subjectNameID: 'x', subjectInSchemaOrder: true });
    assert.deepEqual(validateXsd(xml, 'protocol'), { ok: true, errors: [] });
    assert.equal(validateXsd(signPost(xml, testKey('sp1'), testCert('sp1')), 'protocol').ok, true);
  });
  it('accepts logout messages', () => {
    assert.equal(validateXsd(buildLogoutRequest(), 'protocol').ok, true);
    assert.equal(validateXsd(buildLogoutResponse(), 'protocol').ok, true);
  });
  it('refuses Keycloak’s Subject-before-Extensions order (the one tolerated deviation)', () => {
    const xml = buildAuthnRequest({ spType: 'public', subjectNameID: 'x' });
    assert.equal(validateXsd(xml, 'protocol').ok, false);
  });
  it('refuses unknown elements and missing ID', () => {
    assert.equal(validateXsd(buildAuthnRequest().replace('<samlp:NameIDPolicy', '<samlp:Bogus/><samlp:NameIDPolicy'), 'protocol').ok, false);
    assert.equal(validateXsd(buildAuthnRequest().replace(/ ID="[^"]+"/, ''), 'protocol').ok, false);
  });
  it('refuses a DOCTYPE without reading anything', () => {
    const r = validateXsd('<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>', 'protocol');
    assert.equal(r.ok, false);
  });
  it('validates SP metadata fixtures', () => {
    for (const f of ['sp1', 'sp2', 'keycloak']) assert.deepEqual(validateXsd(readFileSync(`tests/fixtures/metadata/${f}.xml`, 'utf8'), 'metadata'), { ok: true, errors: [] }, f);
  });
  it('validates assertions schema kind', () => {
    const a = '<saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">x</saml:Issuer>';
    assert.equal(validateXsd(a, 'assertion').ok, true);
  });
});
