import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSpMetadata } from '../../../broker/saml/sp-metadata.js';
import { testCert } from '../../helpers/sign-request.js';
import { rejectsWith } from './harness.js';

const fixture = (f: string) => readFileSync(`tests/fixtures/metadata/${f}.xml`, 'utf8');
const norm = (pem: string) => pem.replace(/\s+/g, '');

describe('sp-metadata', () => {
  it('reads sp1: ACS, SLO, keys by use, flags, NameID formats', () => {
    const [sp] = parseSpMetadata(fixture('sp1'));
    assert.ok(sp);
    assert.equal(sp.entityID, 'https://sp1.test/metadata');
    assert.deepEqual(sp.acs.map((a) => [a.index, a.isDefault, a.location]), [[0, true, 'https://sp1.test/acs'], [1, false, 'https://sp1.test/acs2']]);
    assert.equal(sp.slo.length, 2);
    assert.deepEqual(sp.signingCerts.map(norm), [norm(testCert('sp1'))]);
    assert.deepEqual(sp.encryptionCerts.map(norm), [norm(testCert('sp1-enc'))]);
    assert.equal(sp.authnRequestsSigned, true);
    assert.equal(sp.wantAssertionsSigned, true);
    assert.equal(sp.nameIDFormats[0], 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent');
  });
  it('reads Keycloak’s two signing certificates', () => {
    const [kc] = parseSpMetadata(fixture('keycloak'));
    assert.equal(kc!.signingCerts.length, 2);
  });
  it('a KeyDescriptor without use counts for both', () => {
    const [sp] = parseSpMetadata(fixture('sp2').replace('<md:KeyDescriptor use="signing">', '<md:KeyDescriptor>'));
    assert.equal(sp!.signingCerts.length, 1);
    assert.equal(sp!.encryptionCerts.length, 1);
  });
  it('EntitiesDescriptor: SP entities only, validUntil inherited (earliest wins)', () => {
    const inner = (xml: string) => xml.replace(/<\?xml[^>]*\?>/, '').replace(/<!--.*?-->/, '');
    const idp = '<md:EntityDescriptor entityID="https://idp.test"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.test/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>';
    const agg = `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" validUntil="2030-01-01T00:00:00Z">${inner(fixture('sp1'))}${inner(fixture('sp2')).replace('entityID=', 'validUntil="2040-01-01T00:00:00Z" entityID=')}${idp}</md:EntitiesDescriptor>`;
    const entries = parseSpMetadata(agg);
    assert.deepEqual(entries.map((e) => e.entityID), ['https://sp1.test/metadata', 'https://sp2.test/metadata']);
    assert.deepEqual(entries.map((e) => e.validUntil?.toISOString()), ['2030-01-01T00:00:00.000Z', '2030-01-01T00:00:00.000Z']);
  });
  it('refuses metadata that breaks the schema, and any DOCTYPE', async () => {
    await rejectsWith(() => parseSpMetadata(fixture('sp1').replace('index="0"', 'index="x"')), 'request-malformed');
    await rejectsWith(() => parseSpMetadata('<!DOCTYPE x>' + fixture('sp1').replace(/<\?xml[^>]*\?>/, '')), 'request-malformed');
  });
});
