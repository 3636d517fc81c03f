import assert from 'node:assert/strict';
import { inflateRawSync } from 'node:zlib';
import { buildLogoutRequest, buildLogoutResponse } from '../../../broker/saml/build-logout.js';
import { postForm, redirectUrl } from '../../../broker/saml/send-binding.js';
import { verifyRedirectQuery } from '../../../broker/saml/sign-xml.js';
import { validateXsd } from '../../../broker/saml/xsd.js';
import { IDP, NOW, SP, children, idpKeys, parse, pem, verifyChildSignature } from './fixtures.js';

const P = 'urn:oasis:names:tc:SAML:2.0:protocol';

describe('saml-out build-logout: LogoutRequest / LogoutResponse (core §3.7)', () => {
  it('LogoutRequest carries Destination, NameID as issued and SessionIndex; schema-valid; signable as POST', () => {
    const { id, xml } = buildLogoutRequest({
      issuer: IDP,
      destination: 'http://localhost:8081/slo',
      nameID: { format: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent', value: '1.abc', spNameQualifier: SP },
      sessionIndex: '_s1',
      now: NOW,
    });
    assert.match(id, /^_[0-9a-f]{32,}$/);
    const root = parse(xml).documentElement!;
    assert.equal(root.getAttribute('ID'), id);
    assert.equal(root.getAttribute('Destination'), 'http://localhost:8081/slo');
    assert.deepEqual(children(root).map((c) => [c.localName, c.textContent]), [['Issuer', IDP], ['NameID', '1.abc'], ['SessionIndex', '_s1']]);
    assert.equal(children(root)[1]!.getAttribute('SPNameQualifier'), SP);
    assert.deepEqual(validateXsd(xml, 'protocol').errors, []);
    const signed = buildLogoutRequest({ id, issuer: IDP, destination: 'http://localhost:8081/slo', nameID: { format: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent', value: '1.abc', spNameQualifier: SP }, sessionIndex: '_s1', now: NOW }, { keys: idpKeys, algorithm: 'rsa-sha256' }).xml;
    const signedRoot = parse(signed).documentElement!;
    assert.deepEqual(children(signedRoot).map((c) => c.localName), ['Issuer', 'Signature', 'NameID', 'SessionIndex']);
    assert.deepEqual(verifyChildSignature(signed, signedRoot, pem('idp.crt')), { ok: true, refUri: '#' + id });
    assert.deepEqual(validateXsd(signed, 'protocol').errors, []);
  });

  for (const [status, codes] of [
    ['Success', ['urn:oasis:names:tc:SAML:2.0:status:Success']],
    ['PartialLogout', ['urn:oasis:names:tc:SAML:2.0:status:Success', 'urn:oasis:names:tc:SAML:2.0:status:PartialLogout']],
    ['Responder', ['urn:oasis:names:tc:SAML:2.0:status:Responder']],
  ] as const) {
    it(`LogoutResponse ${status}`, () => {
      const xml = buildLogoutResponse({ issuer: IDP, destination: 'http://localhost:8081/slo', inResponseTo: 'ID_x', status, now: NOW });
      const doc = parse(xml);
      assert.equal(doc.documentElement!.getAttribute('InResponseTo'), 'ID_x');
      assert.deepEqual(Array.from(doc.getElementsByTagNameNS(P, 'StatusCode')).map((c) => c.getAttribute('Value')), codes);
      assert.deepEqual(validateXsd(xml, 'protocol').errors, []);
    });
  }
});

describe('saml-out send-binding: HTTP-POST (bindings §3.5)', () => {
  const xml = '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1"/>';

  it('auto-submits with the nonce, noscript button, base64 message, RelayState escaped', () => {
    const relayState = '"><script>alert(1)</script>&x=\'y';
    const html = postForm({ action: 'https://sp.example/acs?a=1&b=2', field: 'SAMLResponse', xml, relayState, cspNonce: 'bm9uY2U=' });
    assert.match(html, /<script nonce="bm9uY2U=">document.getElementById\('saml-post'\).submit\(\);<\/script>/);
    assert.match(html, /<noscript>.*<button type="submit">/s);
    assert.match(html, /action="https:\/\/sp.example\/acs\?a=1&amp;b=2"/);
    const value = /name="SAMLResponse" value="([^"]+)"/.exec(html)![1]!;
    assert.equal(Buffer.from(value, 'base64').toString('utf8'), xml);
    const rs = /name="RelayState" value="([^"]*)"/.exec(html)![1]!;
    assert.equal(rs, '&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;x=&#39;y');
    assert.equal((html.match(/<script/g) ?? []).length, 1, 'only our own script tag');
  });

  it('no RelayState: no RelayState field', () => {
    assert.doesNotMatch(postForm({ action: 'https://sp.example/acs', field: 'SAMLRequest', xml, cspNonce: 'abc' }), /RelayState/);
  });

  it('refuses a non-http action and a nonce that could break out of the attribute', () => {
    assert.throws(() => postForm({ action: 'javascript:alert(1)', field: 'SAMLResponse', xml, cspNonce: 'abc' }), TypeError);
    assert.throws(() => postForm({ action: 'https://sp.example/acs', field: 'SAMLResponse', xml, cspNonce: 'a" onload="x' }), TypeError);
  });
});

describe('saml-out send-binding: HTTP-Redirect (bindings §3.4.4.1)', () => {
  const xml = buildLogoutResponse({ issuer: IDP, destination: 'https://sp.example/slo', inResponseTo: 'ID_x', status: 'Success', now: NOW });

  function parseQuery(url: string) {
    const query = url.slice(url.indexOf('?') + 1);
    const raw = new Map(query.split('&').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)] as const));
    return { query, raw };
  }

  it('DEFLATE+base64+URL-encoding; signature over SAMLResponse=…&RelayState=…&SigAlg=… as sent', () => {
    const url = redirectUrl({ location: 'https://sp.example/slo', field: 'SAMLResponse', xml, relayState: 'a b&c/é', keys: idpKeys, algorithm: 'rsa-sha256' });
    assert.ok(url.startsWith('https://sp.example/slo?SAMLResponse='));
    const { query, raw } = parseQuery(url);
    assert.deepEqual([...raw.keys()], ['SAMLResponse', 'RelayState', 'SigAlg', 'Signature']);
    assert.equal(inflateRawSync(Buffer.from(decodeURIComponent(raw.get('SAMLResponse')!), 'base64')).toString('utf8'), xml);
    assert.equal(decodeURIComponent(raw.get('RelayState')!), 'a b&c/é');
    assert.equal(decodeURIComponent(raw.get('SigAlg')!), 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    const signed = query.slice(0, query.indexOf('&Signature='));
    assert.equal(verifyRedirectQuery(signed, decodeURIComponent(raw.get('Signature')!), pem('idp.crt'), 'rsa-sha256'), true);
  });

  it('appends with & when the endpoint already has a query; the signed octets exclude it', () => {
    const url = redirectUrl({ location: 'https://sp.example/slo?tenant=7', field: 'SAMLRequest', xml, keys: idpKeys, algorithm: 'rsa-sha512' });
    assert.ok(url.startsWith('https://sp.example/slo?tenant=7&SAMLRequest='));
    assert.doesNotMatch(url, /RelayState/);
    const after = url.slice('https://sp.example/slo?tenant=7&'.length);
    const signed = after.slice(0, after.indexOf('&Signature='));
    const sig = decodeURIComponent(after.slice(after.indexOf('&Signature=') + '&Signature='.length));
    assert.equal(verifyRedirectQuery(signed, sig, pem('idp.crt'), 'rsa-sha512'), true);
  });
});
