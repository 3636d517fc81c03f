import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { decodePost, decodeRedirect } from '../../../broker/saml/decode-binding.js';
import { buildAuthnRequest, javaUrlEncode, redirectQuery, testKey } from '../../helpers/sign-request.js';
import { rejectsWith } from './harness.js';

const MAX = 262144;

describe('decode-binding', () => {
  it('Redirect: inflates, decodes RelayState, keeps the signed octets as received', () => {
    const xml = buildAuthnRequest();
    const q = redirectQuery(xml, 'a b+c/ä', testKey('sp1'));
    const d = decodeRedirect('?' + q, MAX);
    assert.equal(d.xml, xml);
    assert.equal(d.relayState, 'a b+c/ä');
    assert.equal(d.redirectSignature!.signedOctets, q.slice(0, q.indexOf('&Signature=')));
    assert.equal(d.redirectSignature!.sigAlg, 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
  });
  it('Redirect: other parameters of the SSO URL are ignored and not signed', () => {
    const q = redirectQuery(buildAuthnRequest(), 'rs', testKey('sp1'));
    const d = decodeRedirect(`idpid=x&${q}`, MAX);
    assert.ok(d.redirectSignature!.signedOctets.startsWith('SAMLRequest='));
  });
  it('Redirect: signed octets omit an absent RelayState', () => {
    const q = redirectQuery(buildAuthnRequest(), undefined, testKey('sp1'));
    assert.ok(!decodeRedirect(q, MAX).redirectSignature!.signedOctets.includes('RelayState'));
  });
  it('Redirect: refuses duplicates, both messages, none, percent-encoded names, bad base64, bad deflate, non-UTF-8', async () => {
    const q = redirectQuery(buildAuthnRequest(), 'rs');
    const cases = [
      q + '&' + q,
      q + '&RelayState=x',
      q + '&SAMLResponse=abc',
      'RelayState=x',
      q.replace('SAMLRequest', 'SAML%52equest'),
      'SAMLRequest=%%%',
      'SAMLRequest=a b',
      `SAMLRequest=${javaUrlEncode(Buffer.from('not deflate at all').toString('base64'))}`,
      `SAMLRequest=${javaUrlEncode(deflateRawSync(Buffer.from([0xff, 0xfe, 0x3c])).toString('base64'))}`,
      q + '&SigAlg=x',
    ];
    for (const c of cases) await rejectsWith(() => decodeRedirect(c, MAX), 'request-malformed');
  });
  it('Redirect: inflation is capped', () => {
    const big = deflateRawSync(Buffer.alloc(10 * MAX, 0x20)).toString('base64');
    return rejectsWith(() => decodeRedirect(`SAMLRequest=${javaUrlEncode(big)}`, MAX), 'request-malformed');
  });
  it('POST: base64 field (line breaks allowed), RelayState', () => {
    const xml = buildAuthnRequest();
    const b64 = Buffer.from(xml).toString('base64').replace(/(.{76})/g, '$1\r\n');
    const d = decodePost({ SAMLRequest: b64, RelayState: 'rs' }, MAX);
    assert.equal(d.xml, xml);
    assert.equal(d.relayState, 'rs');
  });
  it('POST: refuses arrays (duplicates), objects, oversize, SigAlg fields', async () => {
    const b64 = Buffer.from(buildAuthnRequest()).toString('base64');
    await rejectsWith(() => decodePost({ SAMLRequest: [b64, b64] }, MAX), 'request-malformed');
    await rejectsWith(() => decodePost({ SAMLRequest: b64, RelayState: ['a', 'b'] }, MAX), 'request-malformed');
    await rejectsWith(() => decodePost({ SAMLRequest: { a: 1 } }, MAX), 'request-malformed');
    await rejectsWith(() => decodePost({ SAMLRequest: Buffer.alloc(2 * MAX).toString('base64') }, MAX), 'request-malformed');
    await rejectsWith(() => decodePost({ SAMLRequest: b64, SigAlg: 'x', Signature: 'y' }, MAX), 'request-malformed');
    await rejectsWith(() => decodePost({}, MAX), 'request-malformed');
  });
});
