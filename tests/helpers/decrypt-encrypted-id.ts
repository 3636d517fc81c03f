// Opens a saml:EncryptedID (core §2.2.4) the way an SP does, with its private key and Node crypto
// only: the RSA-OAEP (mgf1p: SHA-1) key transport in the EncryptedData's KeyInfo, then
// AES-256-GCM over IV || ciphertext || tag (XML Encryption 1.1 §5.2.4). Independent of the
// broker's encrypt code on purpose. TEST ONLY.
import assert from 'node:assert/strict';
import { constants, createDecipheriv, privateDecrypt } from 'node:crypto';
import { parseXml } from './flow-driver.js';

const XENC = 'http://www.w3.org/2001/04/xmlenc#';
const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';

function childrenNS(parent: Element, ns: string, local: string): Element[] {
  return Array.from(parent.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === local);
}

function cipherValue(parent: Element): Buffer {
  const data = childrenNS(parent, XENC, 'CipherData')[0];
  assert.ok(data, 'CipherData present');
  return Buffer.from(childrenNS(data, XENC, 'CipherValue')[0]!.textContent!.replace(/\s+/g, ''), 'base64');
}

export function decryptEncryptedID(encryptedID: Element, privateKeyPem: string): { nameQualifier: string | null; format: string | null; value: string } {
  assert.equal(encryptedID.localName, 'EncryptedID');
  const data = childrenNS(encryptedID, XENC, 'EncryptedData')[0];
  assert.ok(data, 'EncryptedData present');
  assert.equal(childrenNS(data, XENC, 'EncryptionMethod')[0]!.getAttribute('Algorithm'), 'http://www.w3.org/2009/xmlenc11#aes256-gcm');
  const key = data.getElementsByTagNameNS(XENC, 'EncryptedKey')[0];
  assert.ok(key, 'EncryptedKey in KeyInfo');
  assert.equal(childrenNS(key, XENC, 'EncryptionMethod')[0]!.getAttribute('Algorithm'), 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p');
  const contentKey = privateDecrypt({ key: privateKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, cipherValue(key));
  const sealed = cipherValue(data);
  const decipher = createDecipheriv('aes-256-gcm', contentKey, sealed.subarray(0, 12), { authTagLength: 16 });
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  const plaintext = Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]).toString('utf8');
  const nameID = parseXml(plaintext).documentElement;
  assert.equal(nameID.namespaceURI, SAML);
  assert.equal(nameID.localName, 'NameID');
  const attr = (name: string) => (nameID.hasAttribute(name) ? nameID.getAttribute(name) : null);
  return { nameQualifier: attr('NameQualifier'), format: attr('Format'), value: nameID.textContent ?? '' };
}
