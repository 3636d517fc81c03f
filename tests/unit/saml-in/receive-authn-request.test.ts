import assert from 'node:assert/strict';
import { receiveAuthnRequest } from '../../../broker/saml/receive-authn-request.js';
import { buildAuthnRequest, postBody, redirectQuery, signPost, testCert, testKey } from '../../helpers/sign-request.js';
import { harness, KC, rejectsWith, SP1, SP2, type Harness } from './harness.js';

describe('receiveAuthnRequest', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  const deps = (now = new Date()) => ({ registry: h.registry, cfg: h.cfg, replayCache: h.replayCache, now });
  const post = (xml: string, rs?: string, now?: Date) => receiveAuthnRequest({ binding: 'post', body: postBody(xml, rs) }, deps(now));
  const redirect = (q: string, now?: Date) => receiveAuthnRequest({ binding: 'redirect', rawQuery: q }, deps(now));
  const signed = (opts = {}) => signPost(buildAuthnRequest(opts), testKey('sp1'), testCert('sp1'));

  it('reads a signed POST request into the verified view', async () => {
    const r = await post(
      signed({
        id: 'ID_view',
        forceAuthn: true,
        isPassive: true,
        attributeConsumingServiceIndex: 0,
        nameIDPolicy: { format: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient' },
        requestedAuthnContext: { comparison: 'minimum', classRefs: ['http://eidas.europa.eu/LoA/substantial'] },
        spType: 'public',
        requestedAttributes: [
          { name: 'http://eidas.europa.eu/attributes/naturalperson/PersonIdentifier', isRequired: true },
          { name: 'http://es.minhafp.clave/AFirmaIdP' },
          { name: 'http://es.minhafp.clave/GISSIdP' },
        ],
        subjectNameID: 'hint@example.org',
        kcKeyId: 'kid',
      }),
      'code.tab.client',
    );
    assert.equal(r.signed, true);
    assert.equal(r.binding, 'post');
    assert.equal(r.acsUrl, 'https://sp1.test/acs');
    assert.equal(r.relayState, 'code.tab.client');
    assert.equal(r.sp.entityID, SP1);
    const v = r.request;
    assert.equal(v.id, 'ID_view');
    assert.equal(v.issuer, SP1);
    assert.equal(v.forceAuthn, true);
    assert.equal(v.isPassive, true);
    assert.equal(v.attributeConsumingServiceIndex, 0);
    assert.deepEqual(v.nameIDPolicy, { format: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient' });
    assert.deepEqual(v.requestedAuthnContext, { comparison: 'minimum', classRefs: ['http://eidas.europa.eu/LoA/substantial'], declRefs: [] });
    assert.deepEqual(v.requestedAttributes, [{ name: 'http://eidas.europa.eu/attributes/naturalperson/PersonIdentifier', isRequired: true }]);
    assert.deepEqual(v.claveExcludedAttributes, ['AFirmaIdP', 'GISSIdP']);
    assert.equal(v.subjectNameID, 'hint@example.org');
  });

  it('accepts a signed Redirect request (Keycloak default) and keeps RelayState byte for byte', async () => {
    const rs = 'AbC-123.tab_1.client+x/ä'.padEnd(120, 'z');
    const r = await redirect(redirectQuery(buildAuthnRequest(), rs, testKey('sp1')));
    assert.equal(r.binding, 'redirect');
    assert.equal(r.signed, true);
    assert.equal(r.relayState, rs);
  });

  it('accepts RSA-PSS and RSA-SHA512 signatures on both bindings', async () => {
    for (const alg of ['rsa-pss-sha256', 'rsa-pss-sha512', 'rsa-sha512'] as const) {
      await post(signPost(buildAuthnRequest(), testKey('sp1'), testCert('sp1'), alg));
      await redirect(redirectQuery(buildAuthnRequest(), 'x', testKey('sp1'), alg));
    }
  });

  it('Keycloak rotation: either signing certificate of the metadata verifies', async () => {
    const kc = { issuer: KC, acsUrl: 'http://kc.test/realms/demo/broker/pasarela/endpoint' };
    await post(signPost(buildAuthnRequest(kc), testKey('sp1'), testCert('sp1')));
    await post(signPost(buildAuthnRequest(kc), testKey('sp2'), testCert('sp2'), 'rsa-sha256', { keyName: 'kid-1' }));
    await redirect(redirectQuery(buildAuthnRequest(kc), 'r', testKey('sp2')));
  });

  it('unsigned request from an SP that allows it: view from the schema-validated document', async () => {
    const r = await post(buildAuthnRequest({ issuer: SP2, acsUrl: null, protocolBinding: null }));
    assert.equal(r.signed, false);
    assert.equal(r.acsUrl, 'https://sp2.test/acs');
  });

  it('unsigned request from an SP that signs: refused', async () => {
    await rejectsWith(post(buildAuthnRequest()), 'request-untrusted');
    await rejectsWith(redirect(redirectQuery(buildAuthnRequest(), 'x')), 'request-untrusted');
  });

  it('unknown SP: page', async () => {
    await rejectsWith(post(buildAuthnRequest({ issuer: 'https://nobody.test' })), 'request-untrusted');
  });

  it('ACS by index, and default when absent', async () => {
    assert.equal((await post(signed({ acsIndex: 1 }))).acsUrl, 'https://sp1.test/acs2');
    assert.equal((await post(signed({ acsUrl: null, protocolBinding: null }))).acsUrl, 'https://sp1.test/acs');
    assert.equal((await post(signed({ acsUrl: 'https://sp1.test/acs2' }))).acsUrl, 'https://sp1.test/acs2');
  });

  it('ProtocolBinding other than HTTP-POST: page', async () => {
    await rejectsWith(post(signed({ protocolBinding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact' })), 'request-untrusted');
  });

  it('Destination: other value refused; absent refused when signed, allowed when unsigned', async () => {
    await rejectsWith(post(signed({ destination: 'https://other-idp.test/sso' })), 'request-untrusted');
    await rejectsWith(post(signed({ destination: null })), 'request-untrusted');
    await post(buildAuthnRequest({ issuer: SP2, acsUrl: 'https://sp2.test/acs', destination: null }));
  });

  it('IssueInstant: within skew accepted, beyond refused (both edges)', async () => {
    const now = new Date('2030-06-01T12:00:00Z');
    const at = (ms: number) => signed({ issueInstant: new Date(now.getTime() + ms) });
    await post(at(59_000), undefined, now);
    await rejectsWith(post(at(61_000), undefined, now), 'request-rejected');
    await post(at(-(5 * 60_000 + 59_000)), undefined, now);
    await rejectsWith(post(at(-(5 * 60_000 + 61_000)), undefined, now), 'request-rejected');
  });

  it('errors after the ACS is verified carry replyTo', async () => {
    const err = await rejectsWith(post(signed({ id: 'ID_email', nameIDPolicy: { format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' } }), 'rs'), 'name-id-policy');
    assert.deepEqual(err.replyTo, { spEntityID: SP1, acsUrl: 'https://sp1.test/acs', inResponseTo: 'ID_email', relayState: 'rs' });
  });

  it('NameIDPolicy persistent, transient, unspecified and none accepted', async () => {
    for (const format of ['urn:oasis:names:tc:SAML:2.0:nameid-format:persistent', 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient', 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified']) await post(signed({ nameIDPolicy: { format } }));
    await post(signed({ nameIDPolicy: null }));
  });

  it('RelayState at the limit accepted, one byte over refused', async () => {
    await post(signed(), 'x'.repeat(1024));
    await rejectsWith(post(signed(), 'x'.repeat(1025)), 'relay-state-too-long');
  });

  it('a LogoutRequest at the SSO endpoint is refused', async () => {
    await rejectsWith(post('<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>'), 'request-malformed');
  });
});
