import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { signingKeysFromPem } from '../../../broker/saml/keys.js';
import { signTree } from '../../../broker/saml/sign-tree.js';
import { serializeXml } from '../../../broker/saml/xml-serialize.js';
import { el, type XmlElement } from '../../../broker/saml/xml-writer.js';
import { NS } from '../../../broker/saml/namespaces.js';
import { verifySignatureNode } from './fixtures.js';
import {
  signRedirectQuery,
  verifyRedirectQuery,
  SIGNATURE_ALGORITHMS,
  type SignatureAlgorithmName,
} from '../../../broker/saml/sign-xml.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/keys');
const pem = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');
const rsa = signingKeysFromPem(pem('idp.key'), pem('idp.crt'));
const ec = signingKeysFromPem(pem('idp-p256.key'), pem('idp-p256.crt'));

const issuer = () => el(NS.saml, 'saml:Issuer', {}, ['https://idp.example']);
const ASSERTION = el(NS.saml, 'saml:Assertion', { ID: '_a1', Version: '2.0', IssueInstant: '2026-01-01T00:00:00Z' }, [issuer(), el(NS.saml, 'saml:Subject')], { saml: NS.saml });
const response = (assertion: XmlElement = ASSERTION) =>
  el(NS.samlp, 'samlp:Response', { ID: '_r1', Version: '2.0', IssueInstant: '2026-01-01T00:00:00Z' }, [
    issuer(),
    el(NS.samlp, 'samlp:Status', {}, [el(NS.samlp, 'samlp:StatusCode', { Value: 'urn:oasis:names:tc:SAML:2.0:status:Success' })]),
    assertion,
  ], { saml: NS.saml });
const RESPONSE = response();
const signAssertionIn = (keys: typeof rsa, alg: SignatureAlgorithmName) => response(signTree(ASSERTION, keys, alg));

function verifyWith(xml: string, certPem: string, signatureIndex = 0): { ok: boolean; refUri: string } {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  return verifySignatureNode(xml, doc.getElementsByTagNameNS(NS.ds, 'Signature').item(signatureIndex)!, certPem);
}

describe('saml-out sign-xml: enveloped signature (xmldsig-core, SAML core §5.4)', () => {
  const rsaAlgs: SignatureAlgorithmName[] = ['rsa-sha256', 'rsa-sha512', 'rsa-pss-sha256', 'rsa-pss-sha512'];
  for (const alg of rsaAlgs) {
    it(`${alg}: signs the Assertion by ID and verifies`, () => {
      const signed = serializeXml(signAssertionIn(rsa, alg));
      const r = verifyWith(signed, pem('idp.crt'));
      assert.equal(r.ok, true);
      assert.equal(r.refUri, '#_a1');
      assert.match(signed, new RegExp(`SignatureMethod Algorithm="${SIGNATURE_ALGORITHMS[alg].uri.replace(/[.#]/g, '\\$&')}"`));
    });
  }

  it('ecdsa-sha256: raw r||s (64 bytes) and verifies', () => {
    const signed = serializeXml(signTree(RESPONSE, ec, 'ecdsa-sha256'));
    assert.equal(verifyWith(signed, pem('idp-p256.crt')).ok, true);
    const value = /<ds:SignatureValue>([^<]+)</.exec(signed)![1]!;
    assert.equal(Buffer.from(value, 'base64').length, 64);
  });

  it('places ds:Signature right after the element’s own Issuer, with the certificate in KeyInfo', () => {
    const signed = serializeXml(signTree(signAssertionIn(rsa, 'rsa-sha256'), rsa, 'rsa-sha256'));
    const doc = new DOMParser().parseFromString(signed, 'text/xml');
    const response = doc.documentElement!;
    const kids = Array.from(response.childNodes).filter((n) => n.nodeType === 1) as Element[];
    assert.deepEqual(kids.map((k) => k.localName), ['Issuer', 'Signature', 'Status', 'Assertion']);
    const assertion = kids[3]!;
    const aKids = Array.from(assertion.childNodes).filter((n) => n.nodeType === 1) as Element[];
    assert.deepEqual(aKids.map((k) => k.localName), ['Issuer', 'Signature', 'Subject']);
    assert.match(signed, new RegExp(`<ds:X509Certificate>${rsa.certBase64.replace(/[+/]/g, '\\$&')}</ds:X509Certificate>`));
    // both signatures verify, each over its own element
    assert.deepEqual(verifyWith(signed, pem('idp.crt'), 0), { ok: true, refUri: '#_r1' });
    assert.deepEqual(verifyWith(signed, pem('idp.crt'), 1), { ok: true, refUri: '#_a1' });
  });

  it('a tampered document no longer verifies', () => {
    const signed = serializeXml(signTree(RESPONSE, rsa, 'rsa-sha256')).replace('https://idp.example</saml:Issuer><saml:Subject></saml:Subject>', 'https://evil.example</saml:Issuer><saml:Subject></saml:Subject>');
    assert.equal(verifyWith(signed, pem('idp.crt')).ok, false);
  });

  it('the wrong certificate does not verify', () => {
    const signed = serializeXml(signTree(RESPONSE, rsa, 'rsa-sha256'));
    assert.equal(verifyWith(signed, pem('attacker.crt')).ok, false);
  });

  it('refuses an element without ID or, after-issuer, without Issuer', () => {
    assert.throws(() => signTree(el(NS.saml, 'saml:Assertion', {}, [issuer()]), rsa, 'rsa-sha256'), TypeError);
    assert.throws(() => signTree(el(NS.saml, 'saml:Assertion', { ID: '_x' }, []), rsa, 'rsa-sha256'), TypeError);
  });

  it('first-child placement for elements without Issuer', () => {
    const md = el(NS.md, 'md:EntityDescriptor', { ID: '_m1', entityID: 'x' }, [el(NS.md, 'md:IDPSSODescriptor')]);
    const signed = serializeXml(signTree(md, rsa, 'rsa-sha256', 'first-child'));
    assert.match(signed, /^<md:EntityDescriptor[^>]*><ds:Signature/);
    assert.equal(verifyWith(signed, pem('idp.crt')).ok, true);
  });
});

describe('saml-out sign-xml: HTTP-Redirect signature (bindings §3.4.4.1)', () => {
  for (const alg of ['rsa-sha256', 'rsa-sha512', 'rsa-pss-sha256'] as const) {
    it(`${alg} round-trips`, () => {
      const octets = 'SAMLRequest=abc%2B&RelayState=r&SigAlg=' + encodeURIComponent(SIGNATURE_ALGORITHMS[alg].uri);
      const sig = signRedirectQuery(octets, rsa.privateKey, alg);
      assert.equal(verifyRedirectQuery(octets, sig, pem('idp.crt'), alg), true);
      assert.equal(verifyRedirectQuery(octets + 'x', sig, pem('idp.crt'), alg), false);
    });
  }
});
