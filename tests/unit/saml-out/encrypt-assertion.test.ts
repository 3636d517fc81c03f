import assert from 'node:assert/strict';
import { constants, createDecipheriv, privateDecrypt, randomBytes } from 'node:crypto';
import { aes256GcmEncrypt, encryptAssertion, XMLENC } from '../../../broker/saml/encrypt-assertion.js';
import { buildAssertion } from '../../../broker/saml/build-assertion.js';
import { validateXsd } from '../../../broker/saml/xsd.js';
import { assertionInput, children, parse, pem } from './fixtures.js';

const XENC = 'http://www.w3.org/2001/04/xmlenc#';

function gcmDecrypt(key: Buffer, blob: Buffer): Buffer {
  const d = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12));
  d.setAuthTag(blob.subarray(blob.length - 16));
  return Buffer.concat([d.update(blob.subarray(12, blob.length - 16)), d.final()]);
}

describe('saml-out encrypt-assertion: EncryptedAssertion (core §2.3.4, XML Encryption 1.1)', () => {
  const { xml: assertion } = buildAssertion(assertionInput());

  it('AES-256-GCM layout is IV(12) || ciphertext || tag(16), fresh IV each time', () => {
    const key = randomBytes(32);
    const a = aes256GcmEncrypt(key, Buffer.from('hello'));
    assert.equal(a.length, 12 + 5 + 16);
    assert.equal(gcmDecrypt(key, a).toString(), 'hello');
    assert.notDeepEqual(a.subarray(0, 12), aes256GcmEncrypt(key, Buffer.from('hello')).subarray(0, 12));
    const tampered = Buffer.from(a);
    tampered[13]! ^= 1;
    assert.throws(() => gcmDecrypt(key, tampered));
  });

  it('structure: EncryptedData(Element, aes256-gcm) > KeyInfo > EncryptedKey(rsa-oaep-mgf1p, SHA-1), no KeyName; schema-valid', () => {
    const xml = encryptAssertion(assertion, pem('sp1-enc.crt'));
    const root = parse(xml).documentElement!;
    assert.equal(root.localName, 'EncryptedAssertion');
    const data = children(root)[0]!;
    assert.equal(data.getAttribute('Type'), XMLENC.element);
    assert.deepEqual(children(data).map((c) => c.localName), ['EncryptionMethod', 'KeyInfo', 'CipherData']);
    assert.equal(children(data)[0]!.getAttribute('Algorithm'), XMLENC.aes256Gcm);
    const keyInfo = children(data)[1]!;
    assert.deepEqual(children(keyInfo).map((c) => c.localName), ['EncryptedKey']);
    const method = children(children(keyInfo)[0]!)[0]!;
    assert.equal(method.getAttribute('Algorithm'), XMLENC.rsaOaepMgf1p);
    assert.equal(children(method)[0]!.getAttribute('Algorithm'), 'http://www.w3.org/2000/09/xmldsig#sha1');
    assert.doesNotMatch(xml, /KeyName/);
    assert.deepEqual(validateXsd(xml, 'assertion').errors, []);
  });

  for (const transport of ['rsa-oaep-mgf1p', 'rsa-oaep-sha256'] as const) {
    it(`${transport}: the SP key recovers the exact Assertion bytes`, () => {
      const xml = encryptAssertion(assertion, pem('sp1-enc.crt'), { keyTransport: transport });
      const values = Array.from(parse(xml).getElementsByTagNameNS(XENC, 'CipherValue')).map((v) => Buffer.from(v.textContent!, 'base64'));
      const key = privateDecrypt({ key: pem('sp1-enc.key'), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: transport === 'rsa-oaep-mgf1p' ? 'sha1' : 'sha256' }, values[0]!);
      assert.equal(gcmDecrypt(key, values[1]!).toString('utf8'), assertion);
      assert.throws(() => privateDecrypt({ key: pem('sp2.key'), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, values[0]!));
    });
  }

  it('a fresh content key every time', () => {
    assert.notEqual(encryptAssertion(assertion, pem('sp1-enc.crt')), encryptAssertion(assertion, pem('sp1-enc.crt')));
  });

  it('refuses a non-RSA encryption certificate', () => {
    assert.throws(() => encryptAssertion(assertion, pem('idp-p256.crt')), TypeError);
  });
});
