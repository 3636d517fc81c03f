import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseXml } from '../../../broker/saml/parse-xml.js';
import { validateStructure } from '../../../broker/saml/validate-structure.js';
import { buildAuthnRequest, buildLogoutRequest, buildLogoutResponse } from '../../helpers/sign-request.js';
import { rejectsWith } from './harness.js';

const check = (xml: string) => validateStructure(parseXml(xml).root);

describe('validate-structure', () => {
  it('accepts the Keycloak fixture AuthnRequests (blank ID given a valid one)', () => {
    for (const f of ['authnrequest-runai-2022-pretty.xml', 'authnrequest-shuffle-2022.xml']) {
      const xml = readFileSync(`/work/shared/fixtures/keycloak/${f}`, 'utf8').replace('ID=""', 'ID="ID_2f1c0d1e-0000-4000-8000-000000000000"');
      assert.equal(check(xml).kind, 'AuthnRequest', f);
    }
  });
  it('accepts Keycloak’s Subject before Extensions and says so', () => {
    const r = check(buildAuthnRequest({ subjectNameID: 'x', kcKeyId: 'k' }));
    assert.equal(r.keycloakSubjectBeforeExtensions, true);
    assert.equal(check(buildAuthnRequest({ subjectNameID: 'x', kcKeyId: 'k', subjectInSchemaOrder: true })).keycloakSubjectBeforeExtensions, false);
  });
  it('refuses two Subjects (one in each place)', () =>
    rejectsWith(() => check(buildAuthnRequest({ subjectNameID: 'x', kcKeyId: 'k' }).replace('<samlp:NameIDPolicy', '<saml:Subject><saml:NameID>y</saml:NameID></saml:Subject><samlp:NameIDPolicy')), 'request-malformed'));
  it('accepts logout messages', () => {
    assert.equal(check(buildLogoutRequest()).kind, 'LogoutRequest');
    assert.equal(check(buildLogoutResponse()).kind, 'LogoutResponse');
  });
  it('restricts the accepted kinds per endpoint', () => rejectsWith(() => validateStructure(parseXml(buildLogoutRequest()).root, ['AuthnRequest']), 'request-malformed'));
  const bad: [string, string][] = [
    ['Version other than 2.0', buildAuthnRequest().replace('Version="2.0"', 'Version="1.1"')],
    ['IssueInstant with offset', buildAuthnRequest({ issueInstant: new Date('2026-01-01T00:00:00Z') }).replace('2026-01-01T00:00:00.000Z', '2026-01-01T01:00:00+01:00')],
    ['ForceAuthn not a boolean', buildAuthnRequest().replace('ForceAuthn="false"', 'ForceAuthn="no"')],
    ['ACS index out of unsignedShort', buildAuthnRequest({ acsIndex: 70000 })],
    ['ACS index with URL', buildAuthnRequest({ acsIndex: 1 }).replace('<samlp:AuthnRequest', '<samlp:AuthnRequest AssertionConsumerServiceURL="https://sp1.test/acs"')],
    ['no Issuer', buildAuthnRequest().replace(/<saml:Issuer>[^<]*<\/saml:Issuer>/, '')],
    ['empty Issuer', buildAuthnRequest({ issuer: '' })],
    ['Comparison unknown', buildAuthnRequest({ requestedAuthnContext: { classRefs: ['urn:x'] } }).replace('Comparison="exact"', 'Comparison="best"')],
    ['ClassRef and DeclRef mixed', buildAuthnRequest({ requestedAuthnContext: { classRefs: ['urn:x'], declRefs: ['urn:y'] } })],
    ['unknown extension', buildAuthnRequest({ spType: 'public' }).replace('</samlp:Extensions>', '<x:Y xmlns:x="urn:x"/></samlp:Extensions>')],
    ['SPType not public/private', buildAuthnRequest({ spType: 'public' }).replace('>public<', '>other<')],
    ['RequestedAttribute without NameFormat', buildAuthnRequest({ requestedAttributes: [{ name: 'urn:a' }] }).replace(/ NameFormat="[^"]*"/, '')],
    ['RequestedAttribute isRequired not boolean', buildAuthnRequest({ requestedAttributes: [{ name: 'urn:a' }] }).replace('isRequired="false"', 'isRequired="maybe"')],
    ['comment inside Issuer', buildAuthnRequest().replace('sp1.test/metadata<', 'sp1.test<!---->/metadata<')],
    ['foreign attribute', buildAuthnRequest().replace('<samlp:AuthnRequest', '<samlp:AuthnRequest xmlns:f="urn:f" f:x="1"')],
    ['xsi:type', buildAuthnRequest().replace('<saml:Issuer>', '<saml:Issuer xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="saml:NameIDType">')],
    ['Conditions (not accepted on requests)', buildAuthnRequest().replace('<samlp:NameIDPolicy', '<saml:Conditions/><samlp:NameIDPolicy')],
    ['root in another namespace', '<AuthnRequest xmlns="urn:x" ID="a" Version="2.0" IssueInstant="2026-01-01T00:00:00Z"/>'],
    ['LogoutRequest without NameID', buildLogoutRequest().replace(/<saml:NameID[^>]*>[^<]*<\/saml:NameID>/, '')],
    ['LogoutRequest with EncryptedID', buildLogoutRequest().replace(/<saml:NameID[^>]*>[^<]*<\/saml:NameID>/, '<saml:EncryptedID/>')],
    ['LogoutResponse without Status', buildLogoutResponse().replace(/<samlp:Status>.*<\/samlp:Status>/, '')],
  ];
  for (const [name, xml] of bad) it(`refuses: ${name}`, () => rejectsWith(() => check(xml), 'request-malformed'));
});
