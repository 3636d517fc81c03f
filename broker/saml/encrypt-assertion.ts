// saml:EncryptedAssertion (SAML core §2.3.4, §6; XML Encryption 1.1): the whole signed Assertion
// is the plaintext (Type Element), encrypted with AES-256-GCM under a fresh key; that key travels
// RSA-OAEP-encrypted to the SP's `use="encryption"` certificate in an xenc:EncryptedKey placed in
// the EncryptedData's ds:KeyInfo, without KeyName (keycloak-compat.md "Encryption").
//
// Hand-written on Node crypto rather than the xml-encryption package: that package decides for us
// where the EncryptedKey goes and which parameters are written, cannot produce xmlenc11#rsa-oaep
// with an explicit MGF, and adds a KeyName/X509 KeyInfo we do not want. The format is small and
// fixed, and every byte of it is tested against xmlsec1 and node-saml (tests/interop/).
import { constants, createCipheriv, publicEncrypt, randomBytes, X509Certificate } from 'node:crypto';
import { newSamlId } from './build-assertion.js';
import { ALG, NS } from './namespaces.js';
import { el, type XmlElement } from './xml-writer.js';
import { serializeXml } from './xml-serialize.js';

/**
 * Key transport. `rsa-oaep-mgf1p` (xmlenc 1.0, SHA-1 digest and MGF1-SHA-1) is what xmlsec1,
 * Keycloak and node-saml all decrypt, so it is the default; `rsa-oaep-sha256` is xmlenc 1.1
 * `rsa-oaep` with SHA-256 digest and MGF1-SHA-256 for SPs that ask for it (eIDAS nodes).
 */
export type KeyTransport = 'rsa-oaep-mgf1p' | 'rsa-oaep-sha256';

export const XMLENC = {
  element: 'http://www.w3.org/2001/04/xmlenc#Element',
  aes256Gcm: 'http://www.w3.org/2009/xmlenc11#aes256-gcm',
  rsaOaepMgf1p: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
  rsaOaep11: 'http://www.w3.org/2009/xmlenc11#rsa-oaep',
  mgf1Sha256: 'http://www.w3.org/2009/xmlenc11#mgf1sha256',
} as const;

const GCM_IV_BYTES = 12; // XML Encryption 1.1 §5.2.4: 96-bit IV
const GCM_TAG_BYTES = 16; // 128-bit authentication tag

/** AES-256-GCM as XML Encryption 1.1 §5.2.4 lays it out: IV || ciphertext || tag. */
export function aes256GcmEncrypt(key: Buffer, plaintext: Buffer): Buffer {
  const iv = randomBytes(GCM_IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: GCM_TAG_BYTES });
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

function keyTransportMethod(transport: KeyTransport): XmlElement {
  if (transport === 'rsa-oaep-mgf1p') {
    return el(NS.xenc, 'xenc:EncryptionMethod', { Algorithm: XMLENC.rsaOaepMgf1p }, [
      el(NS.ds, 'ds:DigestMethod', { Algorithm: ALG.sha1 }),
    ]);
  }
  return el(NS.xenc, 'xenc:EncryptionMethod', { Algorithm: XMLENC.rsaOaep11 }, [
    el(NS.ds, 'ds:DigestMethod', { Algorithm: ALG.sha256 }),
    el(NS.xenc11, 'xenc11:MGF', { Algorithm: XMLENC.mgf1Sha256 }),
  ]);
}

/**
 * The xenc:EncryptedData of one self-contained element (Type Element), to the holder of
 * `recipientCertPem`: shared by EncryptedAssertion and EncryptedID (encrypt-id.ts).
 */
export function encryptedDataElement(elementXml: string, recipientCertPem: string, opts: { keyTransport?: KeyTransport } = {}): XmlElement {
  const transport = opts.keyTransport ?? 'rsa-oaep-mgf1p';
  const recipient = new X509Certificate(recipientCertPem).publicKey;
  if (recipient.asymmetricKeyType !== 'rsa') throw new TypeError('encryption to an SP needs an RSA encryption certificate');

  const contentKey = randomBytes(32);
  const encryptedContent = aes256GcmEncrypt(contentKey, Buffer.from(elementXml, 'utf8'));
  const encryptedKey = publicEncrypt(
    { key: recipient, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: transport === 'rsa-oaep-mgf1p' ? 'sha1' : 'sha256' },
    contentKey,
  );
  contentKey.fill(0);

  const cipherData = (bytes: Buffer) =>
    el(NS.xenc, 'xenc:CipherData', {}, [el(NS.xenc, 'xenc:CipherValue', {}, [bytes.toString('base64')])]);

  return el(
    NS.xenc,
    'xenc:EncryptedData',
    { Id: newSamlId(), Type: XMLENC.element },
    [
      el(NS.xenc, 'xenc:EncryptionMethod', { Algorithm: XMLENC.aes256Gcm }),
      el(NS.ds, 'ds:KeyInfo', {}, [
        el(NS.xenc, 'xenc:EncryptedKey', { Id: newSamlId() }, [keyTransportMethod(transport), cipherData(encryptedKey)]),
      ]),
      cipherData(encryptedContent),
    ],
  );
}

/**
 * Encrypt a (signed) Assertion to the holder of `recipientCertPem`. `assertionXml` must be a
 * self-contained saml:Assertion (it declares its own namespaces: build-assertion.ts does).
 */
export function encryptAssertionElement(assertionXml: string, recipientCertPem: string, opts: { keyTransport?: KeyTransport } = {}): XmlElement {
  return el(NS.saml, 'saml:EncryptedAssertion', {}, [encryptedDataElement(assertionXml, recipientCertPem, opts)]);
}

/** The EncryptedAssertion as text (tests and callers outside the tree builders). */
export function encryptAssertion(assertionXml: string, recipientCertPem: string, opts: { keyTransport?: KeyTransport } = {}): string {
  return serializeXml(encryptAssertionElement(assertionXml, recipientCertPem, opts));
}
