// `pasarela keycloak-idp` against keycloak-compat.md "The identity provider representation", field
// by field, with the values read back from the metadata a real broker serves; and the other half:
// the realm's SP metadata, as Keycloak exports it from that very configuration, registers in the
// broker through the entry `--broker-config` prints.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { main, KEYCLOAK_USER_ATTRIBUTE, type KeycloakIdpExport } from '../../../tools/keycloak-idp.js';
import { main as pasarela } from '../../../tools/pasarela.js';
import { PROJECT_ROOT, deepMerge, policyFor } from '../../../broker/config.js';
import { ATTRIBUTE_TABLE, releaseAttributes } from '../../../broker/saml/attributes.js';
import { BINDING, NAMEID_FORMAT, NS } from '../../../broker/saml/namespaces.js';
import { createSpRegistry } from '../../../broker/saml/sp-registry.js';
import { parseSpMetadata, toPem } from '../../../broker/saml/sp-metadata.js';
import type { Person } from '../../../broker/identity/person.js';
import { startTestBroker, type TestBroker } from '../../helpers/test-broker.js';
import { testConfig } from '../../helpers/store-targets.js';

const KC = 'http://kc.test';
const REALM = 'demo';
const ALIAS = 'pasarela';
const REALM_ENTITY = `${KC}/realms/${REALM}`;
const ENDPOINT = `${REALM_ENTITY}/broker/${ALIAS}/endpoint`;
const FIXTURE = path.join(PROJECT_ROOT, 'tests/fixtures/metadata/keycloak.xml');

// The fields keycloak-compat.md lists for `config`. principalAttribute is only meaningful (and only
// sent) when the principal is an attribute; the default principal is the persistent NameID.
const COMPAT_FIELDS = [
  'singleSignOnServiceUrl', 'singleLogoutServiceUrl', 'idpEntityId', 'nameIDPolicyFormat', 'principalType',
  'postBindingAuthnRequest', 'postBindingResponse', 'postBindingLogout', 'wantAuthnRequestsSigned', 'signatureAlgorithm',
  'xmlSigKeyInfoKeyNameTransformer', 'validateSignature', 'signingCertificate', 'wantAssertionsSigned', 'wantAssertionsEncrypted',
  'allowedClockSkew', 'forceAuthn', 'authnContextComparisonType', 'authnContextClassRefs', 'attributeConsumingServiceIndex', 'syncMode',
];

const der = (file: string) => new X509Certificate(readFileSync(path.join(PROJECT_ROOT, file))).raw.toString('base64');

function captured() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

interface IdpMetadataView {
  entityID: string;
  sso: Record<string, string>;
  slo: Record<string, string>;
  signingCerts: string[];
  nameIDFormats: string[];
  wantAuthnRequestsSigned: string | null;
}

function readIdpMetadata(xml: string): IdpMetadataView {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const root = doc.documentElement!;
  const idp = root.getElementsByTagNameNS(NS.md, 'IDPSSODescriptor')[0]!;
  const all = (name: string) => Array.from(idp.getElementsByTagNameNS(NS.md, name));
  const byBinding = (name: string) => Object.fromEntries(all(name).map((e) => [e.getAttribute('Binding')!, e.getAttribute('Location')!]));
  return {
    entityID: root.getAttribute('entityID')!,
    sso: byBinding('SingleSignOnService'),
    slo: byBinding('SingleLogoutService'),
    signingCerts: all('KeyDescriptor')
      .filter((k) => k.getAttribute('use') === 'signing')
      .map((k) => k.getElementsByTagNameNS(NS.ds, 'X509Certificate')[0]!.textContent!.replace(/\s+/g, '')),
    nameIDFormats: all('NameIDFormat').map((e) => e.textContent!.trim()),
    wantAuthnRequestsSigned: idp.getAttribute('WantAuthnRequestsSigned'),
  };
}

/**
 * The SP metadata Keycloak serves at …/broker/<alias>/endpoint/descriptor for an identity provider
 * created from `json` (SAMLIdentityProvider.export, Keycloak 26): the realm's RSA keys as signing
 * KeyDescriptors with their kid as KeyName, an encryption key when it wants encrypted assertions,
 * the broker endpoint as ACS and SLO, the NameID policy format.
 */
function keycloakDescriptor(json: KeycloakIdpExport, realmKeys: { kid: string; cert: string }[]): string {
  const c = json.identityProvider.config;
  const key = (use: string, k: { kid: string; cert: string }) =>
    `<md:KeyDescriptor use="${use}"><ds:KeyInfo><ds:KeyName>${k.kid}</ds:KeyName><ds:X509Data><ds:X509Certificate>${k.cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>` +
    (use === 'encryption' ? '<md:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#rsa-oaep"/>' : '') +
    '</md:KeyDescriptor>';
  const binding = c.postBindingResponse === 'true' ? BINDING.post : BINDING.redirect;
  return `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="${NS.md}" xmlns="${NS.md}" xmlns:ds="${NS.ds}" entityID="${c.entityId}">
  <md:SPSSODescriptor AuthnRequestsSigned="${c.wantAuthnRequestsSigned}" WantAssertionsSigned="${c.wantAssertionsSigned}" protocolSupportEnumeration="${NS.samlp} urn:oasis:names:tc:SAML:1.1:protocol http://schemas.xmlsoap.org/ws/2003/07/secext">
    ${realmKeys.map((k) => key('signing', k)).join('\n    ')}
    ${c.wantAssertionsEncrypted === 'true' ? key('encryption', realmKeys[0]!) : ''}
    <md:SingleLogoutService Binding="${BINDING.post}" Location="${ENDPOINT}"/>
    <md:SingleLogoutService Binding="${BINDING.redirect}" Location="${ENDPOINT}"/>
    <md:SingleLogoutService Binding="${BINDING.artifact}" Location="${ENDPOINT}"/>
    <md:NameIDFormat>${c.nameIDPolicyFormat}</md:NameIDFormat>
    <md:AssertionConsumerService Binding="${binding}" Location="${ENDPOINT}" index="1" isDefault="true"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>`;
}

describe('pasarela keycloak-idp', () => {
  let b: TestBroker;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let metadata: IdpMetadataView;
  // The broker and the command read the same configuration, as on a real host.
  const shared = {
    keys: { signingKeyFile: 'tests/fixtures/keys/idp.key', signingCertFile: 'tests/fixtures/keys/idp.crt', nextSigningCertFile: 'tests/fixtures/keys/idp-next.crt' },
    sps: { policies: { [REALM_ENTITY]: { displayName: 'Keycloak realm demo', dialects: ['eidas', 'clave'], encryptAssertion: true, signatureAlgorithm: 'rsa-sha512', requireSignedAuthnRequests: true } } },
  };

  before(async () => {
    b = await startTestBroker({ overrides: shared });
    dir = mkdtempSync(path.join(os.tmpdir(), 'pasarela-kc-'));
    writeFileSync(path.join(dir, 'config.yaml'), toYaml(shared));
    env = { PASARELA_CONFIG: path.join(dir, 'config.yaml'), PUBLIC_URL: b.url, VAR_DIR: dir };
    const res = await fetch(`${b.url}/saml/metadata`);
    assert.equal(res.status, 200);
    metadata = readIdpMetadata(await res.text());
  });
  after(async () => {
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(args: string[], e: NodeJS.ProcessEnv = env): Promise<KeycloakIdpExport> {
    const c = captured();
    assert.equal(await main(args, e, c.io), 0, c.err.join('\n'));
    return JSON.parse(c.out.join('\n')) as KeycloakIdpExport;
  }

  it('prints the identity provider keycloak-compat.md describes, every value from our metadata and the realm policy', async () => {
    const json = await run(['--alias', ALIAS, '--realm', REALM, '--keycloak-url', `${KC}/`, '--loa', 'substantial', '--display-name', 'Cl@ve']);
    const idp = json.identityProvider;
    assert.equal(idp.alias, ALIAS);
    assert.equal(idp.providerId, 'saml');
    assert.equal(idp.enabled, true);
    assert.equal(idp.displayName, 'Cl@ve');
    const c = idp.config;
    for (const [k, v] of Object.entries(c)) assert.equal(typeof v, 'string', `config.${k} must be a string`);
    for (const k of COMPAT_FIELDS) assert.ok(Object.hasOwn(c, k), `config.${k} missing`);
    assert.ok(!Object.hasOwn(c, 'principalAttribute'));

    // what Keycloak would have imported from our metadata
    assert.equal(c.idpEntityId, metadata.entityID);
    assert.equal(c.metadataDescriptorUrl, `${b.url}/saml/metadata`);
    assert.equal(c.singleSignOnServiceUrl, metadata.sso[BINDING.post]);
    assert.equal(c.singleSignOnServiceUrl, metadata.sso[BINDING.redirect]);
    assert.equal(c.singleLogoutServiceUrl, metadata.slo[BINDING.post]);
    assert.equal(c.singleLogoutServiceUrl, metadata.slo[BINDING.redirect]);
    assert.equal(c.nameIDPolicyFormat, metadata.nameIDFormats[0]);
    assert.equal(c.nameIDPolicyFormat, NAMEID_FORMAT.persistent);
    // both certificates, current first, as our metadata publishes them
    assert.deepEqual(c.signingCertificate!.split(','), metadata.signingCerts);
    assert.deepEqual(metadata.signingCerts, [der('tests/fixtures/keys/idp.crt'), der('tests/fixtures/keys/idp-next.crt')]);

    // persistent NameID with SUBJECT: the pairing Keycloak accepts
    assert.equal(c.principalType, 'SUBJECT');
    assert.equal(c.allowCreate, 'true');
    assert.equal(c.postBindingAuthnRequest, 'true');
    assert.equal(c.postBindingResponse, 'true');
    assert.equal(c.postBindingLogout, 'true');
    assert.equal(c.wantAuthnRequestsSigned, 'true');
    assert.equal(c.validateSignature, 'true');
    assert.ok(['NONE', 'KEY_ID', 'CERT_SUBJECT'].includes(c.xmlSigKeyInfoKeyNameTransformer!));
    // from the realm's policy: rsa-sha512, encrypted and signed assertions
    assert.equal(c.signatureAlgorithm, 'RSA_SHA512');
    assert.equal(c.wantAssertionsSigned, 'true');
    assert.equal(c.wantAssertionsEncrypted, 'true');
    assert.equal(c.allowedClockSkew, '60');
    assert.equal(c.forceAuthn, 'false');
    assert.equal(c.authnContextComparisonType, 'minimum');
    assert.deepEqual(JSON.parse(c.authnContextClassRefs!), ['http://eidas.europa.eu/LoA/substantial']);
    assert.equal(c.attributeConsumingServiceIndex, '');
    assert.ok(['IMPORT', 'LEGACY', 'FORCE'].includes(c.syncMode!));
    assert.equal(c.entityId, REALM_ENTITY);
  });

  it('has one attribute importer per attribute the broker releases, with its Name and FriendlyName', async () => {
    const json = await run(['--alias', ALIAS, '--realm', REALM]);
    const { mappers } = json;
    for (const m of mappers) {
      assert.equal(m.identityProviderMapper, 'saml-user-attribute-idp-mapper');
      assert.equal(m.identityProviderAlias, ALIAS);
      for (const v of Object.values(m.config)) assert.equal(typeof v, 'string');
    }
    assert.equal(new Set(mappers.map((m) => m.name)).size, mappers.length, 'mapper names are unique per identity provider');
    assert.equal(new Set(mappers.map((m) => m.config['user.attribute'])).size, mappers.length, 'no two mappers write one user attribute');
    // everything an SP with every dialect and attribute can receive, for a person with every value
    const person: Person = {
      id: '00000000-0000-4000-8000-000000000001', documentType: 'DNI', documentNumber: '12345678Z', documentDate: '2030-01-01', supportNumber: null,
      eidasPersonIdentifier: null, givenName: 'Carmen', firstSurname: 'Español', secondSurname: 'Ruiz', dateOfBirth: '1980-01-01',
      mobile: '+34600000001', email: 'carmen@example.es', registrationLevel: 'advanced', status: 'active', createdAt: new Date(),
    };
    const released = releaseAttributes({
      person, method: 'pin', registrationLevel: 'advanced', relayState: 'kc.state', requested: [],
      policy: { dialects: ['eidas', 'clave'], releasedAttributes: ATTRIBUTE_TABLE.map((d) => d.name) },
    });
    assert.equal(released.length, ATTRIBUTE_TABLE.length, 'the person has a value for every attribute');
    const imported = released.filter((a) => KEYCLOAK_USER_ATTRIBUTE[a.name] !== null);
    assert.deepEqual(imported.map((a) => a.name), released.map((a) => a.name).filter((n) => n !== 'http://es.minhafp.clave/RelayState'));
    assert.deepEqual(
      mappers.map((m) => [m.config['attribute.name'], m.config['attribute.friendly.name']]),
      imported.map((a) => [a.name, a.friendlyName]),
    );
    for (const m of mappers) assert.equal(m.config['attribute.name.format'], 'ATTRIBUTE_FORMAT_URI');
    const byName = Object.fromEntries(mappers.map((m) => [m.config['attribute.friendly.name'], m.config['user.attribute']]));
    assert.equal(byName.FirstName, 'firstName');
    assert.equal(byName.FamilyName, 'lastName');
    assert.equal(byName.EmailAddress, 'email');
  });

  it('publishes one certificate without a next one, and takes the principal from an attribute on request', async () => {
    const only = path.join(dir, 'one-key.yaml');
    writeFileSync(only, toYaml({ keys: { signingKeyFile: 'tests/fixtures/keys/idp.key', signingCertFile: 'tests/fixtures/keys/idp.crt' } }));
    const json = await run(['--alias', 'clave', '--principal-attribute', 'PersonIdentifier'], { ...env, PASARELA_CONFIG: only });
    const c = json.identityProvider.config;
    assert.equal(c.signingCertificate, der('tests/fixtures/keys/idp.crt'));
    assert.equal(c.principalType, 'FRIENDLY_ATTRIBUTE');
    assert.equal(c.principalAttribute, 'PersonIdentifier');
    // without --keycloak-url: the default policy, and Keycloak computes its own entityId
    assert.equal(c.wantAssertionsEncrypted, 'false');
    assert.equal(c.signatureAlgorithm, 'RSA_SHA256');
    assert.ok(!Object.hasOwn(c, 'entityId'));
    assert.deepEqual(JSON.parse(c.authnContextClassRefs!), []);
    // a second provider of the realm needs its own SP entityID, and gets that entity's policy
    const high = await run(['--alias', 'clave-high', '--keycloak-url', KC, '--sp-entity-id', `${REALM_ENTITY}/clave-high`, '--loa', 'high']);
    assert.equal(high.identityProvider.config.entityId, `${REALM_ENTITY}/clave-high`);
    assert.equal(high.identityProvider.config.wantAssertionsEncrypted, 'false');
  });

  it('refuses what Keycloak could not use, and is reachable as `pasarela keycloak-idp`', async () => {
    for (const args of [[], ['--alias', 'a/b'], ['--alias', 'x', '--loa', 'urn:example:loa'], ['--alias', 'x', '--comparison', 'atleast'], ['--alias', 'x', '--principal-attribute', 'uid'], ['--alias', 'x', '--broker-config'], ['--alias', 'x', '--keycloak-url', 'ftp://kc']]) {
      const c = captured();
      assert.equal(await main(args, env, c.io), 2, args.join(' '));
      assert.match(c.err.join('\n'), /usage: pasarela keycloak-idp/);
    }
    const c = captured();
    assert.equal(await pasarela(['keycloak-idp', '--alias', ALIAS], env, c.io), 0, c.err.join('\n'));
    assert.equal((JSON.parse(c.out.join('\n')) as KeycloakIdpExport).identityProvider.alias, ALIAS);
  });

  it("registers the realm's SP metadata, as Keycloak exports it, through the entry --broker-config prints", async () => {
    const json = await run(['--alias', ALIAS, '--realm', REALM, '--keycloak-url', KC]);
    const c = captured();
    assert.equal(await main(['--alias', ALIAS, '--realm', REALM, '--keycloak-url', KC, '--broker-config'], env, c.io), 0, c.err.join('\n'));
    const entry = parseYaml(c.out.join('\n')) as { sps: { metadataUrls: { url: string }[]; policies: Record<string, unknown> } };
    assert.deepEqual(entry.sps.metadataUrls.map((u) => u.url), [`${ENDPOINT}/descriptor`]);
    assert.deepEqual(Object.keys(entry.sps.policies), [REALM_ENTITY]);

    const realmKeys = [
      { kid: 'kid-1', cert: der('tests/fixtures/keys/sp1.crt') },
      { kid: 'kid-2', cert: der('tests/fixtures/keys/sp2.crt') },
    ];
    const descriptor = keycloakDescriptor(json, realmKeys);
    const fetched: string[] = [];
    const fakeFetch = (async (url: string | URL | Request) => {
      fetched.push(String(url));
      return String(url) === `${ENDPOINT}/descriptor` ? new Response(descriptor, { headers: { 'content-type': 'application/xml' } }) : new Response('', { status: 404 });
    }) as typeof fetch;
    const cfg = testConfig(deepMerge({ sps: { metadataDirs: [] } }, entry as never) as Record<string, unknown>);
    const warnings: object[] = [];
    const registry = await createSpRegistry(cfg, { warn: (o) => warnings.push(o), info: () => {} }, { fetch: fakeFetch });
    try {
      assert.deepEqual(warnings, []);
      assert.deepEqual(fetched, [`${ENDPOINT}/descriptor`]);
      const sp = registry.get(REALM_ENTITY);
      assert.ok(sp, 'the realm is registered under its entityID');
      assert.deepEqual(sp.acs, [{ index: 1, isDefault: true, binding: BINDING.post, location: ENDPOINT }]);
      assert.deepEqual(sp.signingCerts, realmKeys.map((k) => toPem(k.cert)));
      assert.deepEqual(sp.encryptionCerts, [toPem(realmKeys[0]!.cert)], 'encryption key published because the realm policy encrypts');
      assert.equal(sp.authnRequestsSigned, true);
      assert.deepEqual(sp.nameIDFormats, [NAMEID_FORMAT.persistent]);
      assert.ok(sp.slo.some((s) => s.binding === BINDING.post && s.location === ENDPOINT));
      // the policy printed is the one the broker applies to this realm
      const policy = policyFor(cfg, REALM_ENTITY);
      assert.equal(policy.encryptAssertion, true);
      assert.equal(policy.requireSignedAuthnRequests, true);
      assert.deepEqual(policy.dialects, ['eidas', 'clave']);

      // the committed Keycloak fixture (same realm and alias) describes the same SP
      const [fixture] = parseSpMetadata(readFileSync(FIXTURE, 'utf8'));
      assert.equal(fixture!.entityID, sp.entityID);
      assert.deepEqual(fixture!.acs, sp.acs);
      assert.deepEqual(fixture!.signingCerts, sp.signingCerts);
    } finally {
      registry.close();
    }
  });
});
