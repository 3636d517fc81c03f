// Our Responses as two service-provider libraries we did not write consume them:
// @node-saml/node-saml (what passport-saml apps run) and samlify (reading our metadata).
// Both signature placements and both RSA PKCS#1 algorithms; node-saml also decrypts our
// AES-256-GCM / rsa-oaep-mgf1p EncryptedAssertion with sp1-enc.key.
// They validate time against the real clock, so these messages are built with `new Date()`.
import assert from 'node:assert/strict';
import { SAML } from '@node-saml/node-saml';
import * as samlify from 'samlify';
import type { AssertionInput } from '../../broker/saml/build-assertion.js';
import { buildSuccessResponse } from '../../broker/saml/build-response.js';
import { buildStatusResponse } from '../../broker/saml/build-status-response.js';
import { buildIdpMetadataUncached } from '../../broker/saml/idp-metadata.js';
import type { SignatureAlgorithmName } from '../../broker/saml/sign-xml.js';
import { validateXsd } from '../../broker/saml/xsd.js';
import { ACS, IDP, SP, assertionInput, idpKeys, pem } from '../unit/saml-out/fixtures.js';

const SIGNINGS = [
  { signResponse: true, signAssertion: true, label: 'Response and Assertion signed' },
  { signResponse: true, signAssertion: false, label: 'Response signed only' },
  { signResponse: false, signAssertion: true, label: 'Assertion signed only' },
] as const;
const ALGORITHMS: SignatureAlgorithmName[] = ['rsa-sha256', 'rsa-sha512'];

const liveInput = (over: Partial<AssertionInput> = {}): AssertionInput => {
  const now = new Date();
  return assertionInput({ now, authnInstant: new Date(now.getTime() - 10_000), ...over });
};
const b64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');

describe('interop @node-saml/node-saml as SP', function () {
  this.timeout(30_000);
  const sp = (over: Partial<ConstructorParameters<typeof SAML>[0]> = {}) =>
    new SAML({
      callbackUrl: ACS,
      entryPoint: 'http://localhost:8080/saml/sso',
      issuer: SP,
      idpCert: pem('idp.crt'),
      audience: SP,
      wantAssertionsSigned: true,
      wantAuthnResponseSigned: true,
      validateInResponseTo: 'never' as never,
      ...over,
    });

  for (const algorithm of ALGORITHMS) {
    for (const s of SIGNINGS) {
      it(`${algorithm}, ${s.label}: accepted, profile read`, async () => {
        const xml = buildSuccessResponse(liveInput(), { keys: idpKeys, algorithm, signAssertion: s.signAssertion, signResponse: s.signResponse });
        const saml = sp({ wantAssertionsSigned: s.signAssertion, wantAuthnResponseSigned: s.signResponse, signatureAlgorithm: algorithm === 'rsa-sha512' ? 'sha512' : 'sha256' });
        const { profile, loggedOut } = await saml.validatePostResponseAsync({ SAMLResponse: b64(xml) });
        assert.equal(loggedOut, false);
        assert.ok(profile);
        assert.equal(profile.issuer, IDP);
        assert.equal(profile.nameID, '1.abcDEF_-');
        assert.equal(profile.nameIDFormat, 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent');
        assert.equal(profile.sessionIndex, '_sess0123456789abcdef0123456789abcdef');
        assert.equal(profile['http://eidas.europa.eu/attributes/naturalperson/PersonIdentifier'], 'ES/ES/12345678Z');
        assert.equal(profile['http://eidas.europa.eu/attributes/naturalperson/CurrentGivenName'], 'María José');
      });
    }
  }

  it('decrypts our EncryptedAssertion (AES-256-GCM, rsa-oaep-mgf1p) with sp1-enc.key', async () => {
    const xml = buildSuccessResponse(liveInput(), { keys: idpKeys, algorithm: 'rsa-sha256', signAssertion: true, signResponse: true, encryptTo: pem('sp1-enc.crt') });
    const { profile } = await sp({ decryptionPvk: pem('sp1-enc.key') }).validatePostResponseAsync({ SAMLResponse: b64(xml) });
    assert.equal(profile?.['http://eidas.europa.eu/attributes/naturalperson/PersonIdentifier'], 'ES/ES/12345678Z');
  });

  it('checks InResponseTo against its own request cache when asked', async () => {
    const saml = sp({ validateInResponseTo: 'always' as never });
    const request = await saml.getAuthorizeUrlAsync('', undefined, {});
    const requestXml = (await import('node:zlib')).inflateRawSync(Buffer.from(new URL(request).searchParams.get('SAMLRequest')!, 'base64')).toString('utf8');
    const requestId = /ID="([^"]+)"/.exec(requestXml)![1]!;
    const xml = buildSuccessResponse(liveInput({ inResponseTo: requestId }), { keys: idpKeys, algorithm: 'rsa-sha256', signAssertion: true, signResponse: true });
    const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: b64(xml) });
    assert.ok(profile);
    const other = buildSuccessResponse(liveInput({ inResponseTo: '_not-asked' }), { keys: idpKeys, algorithm: 'rsa-sha256', signAssertion: true, signResponse: true });
    await assert.rejects(saml.validatePostResponseAsync({ SAMLResponse: b64(other) }));
  });

  it('rejects a Response signed by another key, and one for another audience', async () => {
    await assert.rejects(sp({ idpCert: pem('attacker.crt') }).validatePostResponseAsync({ SAMLResponse: b64(buildSuccessResponse(liveInput(), { keys: idpKeys, algorithm: 'rsa-sha256', signAssertion: true, signResponse: true })) }));
    await assert.rejects(sp().validatePostResponseAsync({ SAMLResponse: b64(buildSuccessResponse(liveInput({ spEntityID: 'http://other.example' }), { keys: idpKeys, algorithm: 'rsa-sha256', signAssertion: true, signResponse: true })) }));
  });

  it('a status Response reaches it as an error carrying our StatusMessage', async () => {
    const xml = buildStatusResponse(
      { issuer: IDP, acsUrl: ACS, inResponseTo: 'ID_1', status: 'Responder', subStatus: 'AuthnFailed', message: 'The login was cancelled.', now: new Date() },
      { keys: idpKeys, algorithm: 'rsa-sha256', signResponse: true },
    );
    await assert.rejects(sp().validatePostResponseAsync({ SAMLResponse: b64(xml) }), /Responder error: The login was cancelled\./);
  });
});

describe('interop samlify as SP (IdentityProvider built from our metadata)', function () {
  this.timeout(30_000);
  before(() => {
    // samlify refuses to parse without a schema validator: ours, the vendored XSDs via libxmljs2.
    samlify.setSchemaValidator({
      validate: async (xml: string) => {
        const isMetadata = /^\s*(<\?xml[^>]*>\s*)?<([A-Za-z0-9]+:)?EntityDescriptor\b/.test(xml);
        const r = validateXsd(xml, isMetadata ? 'metadata' : 'protocol');
        if (!r.ok) throw new Error(`schema: ${r.errors.join('; ')}`);
        return 'ok';
      },
    });
  });

  const metadata = () =>
    buildIdpMetadataUncached(
      {
        entityID: IDP, ssoUrl: 'http://localhost:8080/saml/sso', sloUrl: 'http://localhost:8080/saml/slo',
        signingCertBase64: idpKeys.certBase64, nextSigningCertBase64: idpKeys.nextCertBase64, reachableRungs: ['2', '2+', '3'],
        wantAuthnRequestsSigned: false, validUntil: new Date(Date.now() + 86_400_000), cacheDuration: 'PT6H',
      },
      idpKeys,
    );

  for (const algorithm of ALGORITHMS) {
    for (const s of SIGNINGS) {
      it(`${algorithm}, ${s.label}: parseLoginResponse accepts it`, async () => {
        const idp = samlify.IdentityProvider({ metadata: metadata() });
        const sp = samlify.ServiceProvider({
          entityID: SP,
          assertionConsumerService: [{ Binding: samlify.Constants.namespace.binding.post, Location: ACS }],
          wantAssertionsSigned: s.signAssertion,
          wantMessageSigned: s.signResponse,
        });
        const xml = buildSuccessResponse(liveInput(), { keys: idpKeys, algorithm, signAssertion: s.signAssertion, signResponse: s.signResponse });
        const result = await sp.parseLoginResponse(idp, 'post', { body: { SAMLResponse: b64(xml) } });
        const extract = result.extract as { nameID: string; issuer: string[] | string; attributes: Record<string, string>; sessionIndex: { sessionIndex: string }; audience: string };
        assert.equal(extract.nameID, '1.abcDEF_-');
        assert.equal(extract.attributes['http://eidas.europa.eu/attributes/naturalperson/PersonIdentifier'], 'ES/ES/12345678Z');
        assert.equal(extract.sessionIndex.sessionIndex, '_sess0123456789abcdef0123456789abcdef');
        assert.equal(extract.audience, SP);
      });
    }
  }

  it('refuses a Response whose signature was made by another key', async () => {
    const idp = samlify.IdentityProvider({ metadata: metadata() });
    const sp = samlify.ServiceProvider({ entityID: SP, assertionConsumerService: [{ Binding: samlify.Constants.namespace.binding.post, Location: ACS }], wantAssertionsSigned: true, wantMessageSigned: true });
    const { signingKeysFromPem } = await import('../../broker/saml/keys.js');
    const attacker = signingKeysFromPem(pem('attacker.key'), pem('attacker.crt'));
    const xml = buildSuccessResponse(liveInput(), { keys: attacker, algorithm: 'rsa-sha256', signAssertion: true, signResponse: true });
    await assert.rejects(sp.parseLoginResponse(idp, 'post', { body: { SAMLResponse: b64(xml) } }));
  });
});
