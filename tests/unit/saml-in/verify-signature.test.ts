import assert from 'node:assert/strict';
import { parseXml } from '../../../broker/saml/parse-xml.js';
import { currentCertificates, verifyEnvelopedSignature, verifyRedirectSignature } from '../../../broker/saml/verify-signature.js';
import { decodeRedirect } from '../../../broker/saml/decode-binding.js';
import { buildAuthnRequest, redirectQuery, signPost, testCert, testKey } from '../../helpers/sign-request.js';
import { rejectsWith } from './harness.js';

const now = () => new Date();

describe('verify-signature', () => {
  it('enveloped: verifies with any certificate of the list and returns the signed reference without the Signature', () => {
    const xml = signPost(buildAuthnRequest({ id: 'ID_v' }), testKey('sp2'), testCert('sp2'));
    const v = verifyEnvelopedSignature(xml, parseXml(xml), [testCert('sp1'), testCert('sp2')], now());
    assert.equal(v.root.getAttribute('ID'), 'ID_v');
    assert.equal(v.root.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature').length, 0);
    assert.equal(v.signerCert, testCert('sp2'));
  });
  it('enveloped: ECDSA P-256 and RSA-PSS', () => {
    for (const [k, alg] of [['idp-p256', 'ecdsa-sha256'], ['sp1', 'rsa-pss-sha256'], ['sp1', 'rsa-pss-sha512']] as const) {
      const xml = signPost(buildAuthnRequest(), testKey(k), testCert(k), alg);
      verifyEnvelopedSignature(xml, parseXml(xml), [testCert(k)], now());
    }
  });
  it('enveloped: KeyInfo is ignored (a signature by another key with sp1’s certificate in KeyInfo fails)', () => {
    const xml = signPost(buildAuthnRequest(), testKey('attacker'), testCert('sp1'));
    return rejectsWith(() => verifyEnvelopedSignature(xml, parseXml(xml), [testCert('sp1')], now()), 'request-untrusted');
  });
  it('enveloped: content changed after signing fails', () => {
    const xml = signPost(buildAuthnRequest(), testKey('sp1'), testCert('sp1')).replace('https://sp1.test/acs', 'https://sp1.test/acs2');
    return rejectsWith(() => verifyEnvelopedSignature(xml, parseXml(xml), [testCert('sp1')], now()), 'request-untrusted');
  });
  it('expired certificates never verify', async () => {
    assert.deepEqual(currentCertificates([testCert('sp-expired'), testCert('sp1')], now()), [testCert('sp1')]);
    const xml = signPost(buildAuthnRequest(), testKey('sp-expired'), testCert('sp-expired'));
    await rejectsWith(() => verifyEnvelopedSignature(xml, parseXml(xml), [testCert('sp-expired')], now()), 'request-untrusted');
    // …but did while it was valid
    verifyEnvelopedSignature(xml, parseXml(xml), [testCert('sp-expired')], new Date('2020-06-01T00:00:00Z'));
  });
  it('Redirect: verifies over the raw octets; refuses other keys, tampering, unknown SigAlg', async () => {
    const q = redirectQuery(buildAuthnRequest(), 'rs', testKey('sp1'));
    const d = decodeRedirect(q, 262144).redirectSignature!;
    assert.equal(verifyRedirectSignature(d.signedOctets, d.sigAlg, d.signature, [testCert('sp2'), testCert('sp1')], now()), testCert('sp1'));
    await rejectsWith(() => verifyRedirectSignature(d.signedOctets, d.sigAlg, d.signature, [testCert('sp2')], now()), 'request-untrusted');
    await rejectsWith(() => verifyRedirectSignature(d.signedOctets + 'x', d.sigAlg, d.signature, [testCert('sp1')], now()), 'request-untrusted');
    await rejectsWith(() => verifyRedirectSignature(d.signedOctets, 'http://www.w3.org/2000/09/xmldsig#hmac-sha1', d.signature, [testCert('sp1')], now()), 'request-untrusted');
  });
});
