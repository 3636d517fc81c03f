// The key-transport parameters decrypt.ts accepts (XML Encryption 1.0 §5.4.2 rsa-oaep-mgf1p,
// 1.1 §5.5.2 rsa-oaep with DigestMethod and MGF): the defaults the specs give, and a clear
// refusal for everything outside the allowlist.
import assert from 'node:assert/strict';
import { BrokerError } from '../../../broker/errors.js';
import { parseXml } from '../../../broker/saml/parse-xml.js';
import { readKeyTransport } from '../../../broker/saml/sp-role/decrypt.js';

const XENC = 'http://www.w3.org/2001/04/xmlenc#';
const MGF1P = `${XENC}rsa-oaep-mgf1p`;
const OAEP11 = 'http://www.w3.org/2009/xmlenc11#rsa-oaep';
const digest = (h: string) => `<ds:DigestMethod Algorithm="${h}"/>`;
const mgf = (h: string) => `<xenc11:MGF Algorithm="http://www.w3.org/2009/xmlenc11#mgf1${h}"/>`;
const SHA1 = 'http://www.w3.org/2000/09/xmldsig#sha1';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const SHA512 = 'http://www.w3.org/2001/04/xmlenc#sha512';

function method(algorithm: string, inner = ''): Element {
  return parseXml(
    `<xenc:EncryptionMethod xmlns:xenc="${XENC}" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:xenc11="http://www.w3.org/2009/xmlenc11#" Algorithm="${algorithm}">${inner}</xenc:EncryptionMethod>`,
  ).root;
}

function refusal(m: Element): string {
  try {
    readKeyTransport(m);
  } catch (err) {
    assert.ok(err instanceof BrokerError);
    assert.equal(err.code, 'response-untrusted');
    return err.detail ?? '';
  }
  assert.fail('expected a refusal');
}

describe('decrypt.ts: key transport parameters (xmlenc §5.4.2, xmlenc11 §5.5.2)', () => {
  it('rsa-oaep-mgf1p: SHA-1 digest by default, MGF1 always SHA-1', () => {
    assert.deepEqual(readKeyTransport(method(MGF1P)), { digest: 'sha1', mgf: 'sha1' });
    assert.deepEqual(readKeyTransport(method(MGF1P, digest(SHA1))), { digest: 'sha1', mgf: 'sha1' });
    assert.deepEqual(readKeyTransport(method(MGF1P, digest(SHA256))), { digest: 'sha256', mgf: 'sha1' });
  });
  it('xmlenc11 rsa-oaep: the named digest and MGF; MGF1-SHA-1 when no MGF is named', () => {
    assert.deepEqual(readKeyTransport(method(OAEP11, digest(SHA256) + mgf('sha256'))), { digest: 'sha256', mgf: 'sha256' });
    assert.deepEqual(readKeyTransport(method(OAEP11, digest(SHA512) + mgf('sha384'))), { digest: 'sha512', mgf: 'sha384' });
    assert.deepEqual(readKeyTransport(method(OAEP11, digest(SHA256))), { digest: 'sha256', mgf: 'sha1' });
  });
  it('refuses RSA 1.5 and unknown key transports', () => {
    assert.match(refusal(method(`${XENC}rsa-1_5`)), /key transport .*rsa-1_5 not accepted/);
    assert.match(refusal(method('http://www.w3.org/2009/xmlenc11#ECDH-ES')), /not accepted/);
  });
  it('refuses a digest outside the allowlist, a SHA-1 digest with xmlenc11, an MGF on mgf1p', () => {
    assert.match(refusal(method(MGF1P, digest('http://www.w3.org/2001/04/xmldsig-more#md5'))), /OAEP digest .*md5 not accepted/);
    assert.match(refusal(method(MGF1P, digest(SHA512))), /OAEP digest sha512 not accepted with rsa-oaep-mgf1p/);
    assert.match(refusal(method(OAEP11, digest(SHA1))), /SHA-1 digest not accepted/);
    assert.match(refusal(method(OAEP11)), /SHA-1 digest not accepted/);
    assert.match(refusal(method(MGF1P, mgf('sha256'))), /takes no MGF/);
    assert.match(refusal(method(OAEP11, digest(SHA256) + mgf('md5'))), /MGF .* not accepted/);
    assert.match(refusal(method(OAEP11, digest(SHA256) + digest(SHA256))), /twice/);
  });
});
