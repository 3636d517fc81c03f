// saml:EncryptedAssertion → the Assertion's XML text (SAML core §6; XML Encryption 1.1). What we
// accept is narrow (saml-attacks.md "Encryption"): content AES-GCM only (IV || ciphertext || tag,
// §5.2.4), the key transported with RSA-OAEP only (`rsa-oaep-mgf1p`, or `xmlenc11#rsa-oaep` with
// its DigestMethod and MGF), never RSA 1.5 and never CBC; exactly one EncryptedKey, inside the
// EncryptedData's KeyInfo or its sibling found by a same-document RetrievalMethod. Every failure
// of the cryptography itself (key, padding, tag, ciphertext, text encoding) is one and the same
// error, so the answer is no oracle. Our connector's encryption keys are RSA: ECDH-ES key
// agreement is not accepted (no configured peer encrypts to an EC key).
import { constants, createDecipheriv, createHash, privateDecrypt, type KeyObject } from 'node:crypto';
import { BrokerError } from '../../errors.js';
import { childElement, childElements, textOf } from '../dom-read.js';
import { ALG, NS } from '../namespaces.js';
import type { DecryptionKeys } from './model.js';
import { untrusted } from './response-errors.js';

const CONTENT: Readonly<Record<string, { readonly cipher: 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm'; readonly keyBytes: number }>> = {
  'http://www.w3.org/2009/xmlenc11#aes128-gcm': { cipher: 'aes-128-gcm', keyBytes: 16 },
  'http://www.w3.org/2009/xmlenc11#aes192-gcm': { cipher: 'aes-192-gcm', keyBytes: 24 },
  'http://www.w3.org/2009/xmlenc11#aes256-gcm': { cipher: 'aes-256-gcm', keyBytes: 32 },
};
const RSA_OAEP_MGF1P = 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p';
const RSA_OAEP_11 = 'http://www.w3.org/2009/xmlenc11#rsa-oaep';
const ELEMENT_TYPE = 'http://www.w3.org/2001/04/xmlenc#Element';
const ENCRYPTED_KEY_TYPE = 'http://www.w3.org/2001/04/xmlenc#EncryptedKey';

type Hash = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
const OAEP_DIGESTS: Readonly<Record<string, Hash>> = { [ALG.sha1]: 'sha1', [ALG.sha256]: 'sha256', [ALG.sha384]: 'sha384', [ALG.sha512]: 'sha512' };
const MGFS: Readonly<Record<string, Hash>> = {
  'http://www.w3.org/2009/xmlenc11#mgf1sha1': 'sha1',
  'http://www.w3.org/2009/xmlenc11#mgf1sha224': 'sha224',
  'http://www.w3.org/2009/xmlenc11#mgf1sha256': 'sha256',
  'http://www.w3.org/2009/xmlenc11#mgf1sha384': 'sha384',
  'http://www.w3.org/2009/xmlenc11#mgf1sha512': 'sha512',
};
const GCM_IV_BYTES = 12;
const GCM_TAG_BYTES = 16;

/** The one answer for everything the cryptography rejects. */
const DECRYPTION_FAILED = 'decryption failed';

const refuse: (detail: string) => never = untrusted;

/** Parameters of the accepted key transports; anything else is refused with a clear detail. */
export interface OaepParameters {
  readonly digest: Hash;
  readonly mgf: Hash;
}

export function readKeyTransport(method: Element): OaepParameters {
  const algorithm = method.getAttribute('Algorithm') ?? '';
  const digestEl = childElements(method, NS.ds, 'DigestMethod');
  const mgfEl = childElements(method, NS.xenc11, 'MGF');
  if (digestEl.length > 1 || mgfEl.length > 1) refuse('EncryptedKey: DigestMethod or MGF twice');
  const digestUri = digestEl[0]?.getAttribute('Algorithm');
  const digest = digestUri === undefined ? 'sha1' : Object.hasOwn(OAEP_DIGESTS, digestUri ?? '') ? OAEP_DIGESTS[digestUri!]! : refuse(`OAEP digest ${digestUri} not accepted`);
  if (algorithm === RSA_OAEP_MGF1P) {
    // xmlenc 1.0 §5.4.2: the mask generation function is MGF1 with SHA-1 whatever the digest
    if (mgfEl.length > 0) refuse('rsa-oaep-mgf1p takes no MGF');
    if (digest !== 'sha1' && digest !== 'sha256') refuse(`OAEP digest ${digest} not accepted with rsa-oaep-mgf1p`);
    return { digest, mgf: 'sha1' };
  }
  if (algorithm === RSA_OAEP_11) {
    // eIDAS crypto requirements: SHA-2 digests only; the MGF defaults to MGF1-SHA1 (xmlenc11 §5.5.2)
    if (digest === 'sha1') refuse('xmlenc11 rsa-oaep with a SHA-1 digest not accepted');
    const mgfUri = mgfEl[0]?.getAttribute('Algorithm');
    const mgf = mgfUri === undefined ? 'sha1' : Object.hasOwn(MGFS, mgfUri ?? '') ? MGFS[mgfUri!]! : refuse(`MGF ${mgfUri} not accepted`);
    return { digest, mgf };
  }
  refuse(`key transport ${algorithm} not accepted`);
}

/** MGF1 (RFC 8017 §B.2.1). */
function mgf1(hash: Hash, seed: Buffer, length: number): Buffer {
  const out: Buffer[] = [];
  let produced = 0;
  for (let counter = 0; produced < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    const block = createHash(hash).update(seed).update(c).digest();
    out.push(block);
    produced += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

/**
 * RSAES-OAEP decryption. Node's privateDecrypt uses one hash for both the OAEP digest and MGF1,
 * so when a peer names different ones (rsa-oaep-mgf1p with SHA-256, or an xmlenc11 MGF unlike
 * its digest) we decode the padding ourselves from the raw RSA result (RFC 8017 §7.1.2 step 3),
 * without branching on secret data until the single final check.
 */
function rsaOaepDecrypt(key: KeyObject, ciphertext: Buffer, p: OaepParameters): Buffer {
  if (p.digest === p.mgf) return privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: p.digest }, ciphertext);
  const k = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  const hLen = createHash(p.digest).digest().length;
  if (ciphertext.length !== k || k < 2 * hLen + 2) throw new Error(DECRYPTION_FAILED);
  const em = privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, ciphertext);
  const maskedSeed = em.subarray(1, 1 + hLen);
  const maskedDb = em.subarray(1 + hLen);
  const seedMask = mgf1(p.mgf, maskedDb, hLen);
  const seed = Buffer.from(maskedSeed.map((b, i) => b ^ seedMask[i]!));
  const dbMask = mgf1(p.mgf, seed, k - hLen - 1);
  const db = Buffer.from(maskedDb.map((b, i) => b ^ dbMask[i]!));
  const lHash = createHash(p.digest).digest();
  let bad = em[0]!;
  for (let i = 0; i < hLen; i++) bad |= db[i]! ^ lHash[i]!;
  // find the 0x01 separator after the zero padding, looking at every byte
  let separator = 0;
  let looking = 1;
  for (let i = hLen; i < db.length; i++) {
    const isOne = db[i] === 1 ? 1 : 0;
    const isZero = db[i] === 0 ? 1 : 0;
    separator |= -(looking & isOne) & i;
    bad |= looking & ~isOne & ~isZero & 1;
    looking &= ~isOne & 1;
  }
  bad |= looking;
  if (bad !== 0) throw new Error(DECRYPTION_FAILED);
  return db.subarray(separator + 1);
}

/** The one EncryptedKey of this EncryptedData: in its KeyInfo, or the sibling its RetrievalMethod names. */
function findEncryptedKey(encryptedAssertion: Element, data: Element): Element {
  const siblings = childElements(encryptedAssertion, NS.xenc, 'EncryptedKey');
  const keyInfo = childElement(data, NS.ds, 'KeyInfo');
  const inline = keyInfo ? childElements(keyInfo, NS.xenc, 'EncryptedKey') : [];
  const retrieval = keyInfo ? childElements(keyInfo, NS.ds, 'RetrievalMethod') : [];
  if (inline.length + retrieval.length > 1 || (inline.length === 1 && siblings.length > 0)) refuse('more than one EncryptedKey');
  if (inline.length === 1) return inline[0]!;
  if (siblings.length !== 1) refuse(`expected one EncryptedKey, found ${siblings.length}`);
  const key = siblings[0]!;
  if (retrieval.length === 1) {
    const r = retrieval[0]!;
    if (r.hasAttribute('Type') && r.getAttribute('Type') !== ENCRYPTED_KEY_TYPE) refuse('RetrievalMethod Type is not EncryptedKey');
    if (r.getAttribute('URI') !== `#${key.getAttribute('Id') ?? ''}` || !key.getAttribute('Id')) refuse('RetrievalMethod does not name the sibling EncryptedKey');
  }
  const references = childElement(key, NS.xenc, 'ReferenceList');
  if (references) {
    const uri = childElement(references, NS.xenc, 'DataReference')?.getAttribute('URI');
    if (!data.getAttribute('Id') || uri !== `#${data.getAttribute('Id')}`) refuse('EncryptedKey refers to other data');
  }
  return key;
}

function base64Bytes(el: Element): Buffer {
  return Buffer.from(textOf(el).replace(/\s+/g, ''), 'base64');
}

function cipherValue(el: Element): Buffer {
  const cd = childElement(el, NS.xenc, 'CipherData');
  const cv = cd && childElement(cd, NS.xenc, 'CipherValue');
  if (!cv) refuse('no CipherValue');
  return base64Bytes(cv);
}

function gcmDecrypt(cipher: string, key: Buffer, bytes: Buffer): Buffer {
  if (bytes.length < GCM_IV_BYTES + GCM_TAG_BYTES) throw new Error(DECRYPTION_FAILED);
  const iv = bytes.subarray(0, GCM_IV_BYTES);
  const tag = bytes.subarray(bytes.length - GCM_TAG_BYTES);
  const body = bytes.subarray(GCM_IV_BYTES, bytes.length - GCM_TAG_BYTES);
  const decipher = createDecipheriv(cipher as 'aes-256-gcm', key, iv, { authTagLength: GCM_TAG_BYTES });
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]);
}

/**
 * Decrypt `encryptedAssertion` (a validated saml:EncryptedAssertion) with the first of `keys`
 * that opens it; returns the plaintext, to be parsed by the same hardened parser as any message.
 * Throws BrokerError 'response-untrusted': a clear detail for a refused algorithm or form, the
 * one detail "decryption failed" for anything the cryptography rejects.
 */
export function decryptAssertion(encryptedAssertion: Element, keys: DecryptionKeys): string {
  const data = childElement(encryptedAssertion, NS.xenc, 'EncryptedData');
  if (!data) refuse('no EncryptedData');
  if (data.hasAttribute('Type') && data.getAttribute('Type') !== ELEMENT_TYPE) refuse('EncryptedData Type is not Element');
  const contentUri = childElement(data, NS.xenc, 'EncryptionMethod')?.getAttribute('Algorithm') ?? '';
  const content = Object.hasOwn(CONTENT, contentUri) ? CONTENT[contentUri]! : refuse(`content encryption ${contentUri} not accepted`);
  const encryptedKey = findEncryptedKey(encryptedAssertion, data);
  const method = childElement(encryptedKey, NS.xenc, 'EncryptionMethod');
  if (!method) refuse('EncryptedKey without EncryptionMethod');
  const oaep = readKeyTransport(method);
  const wrappedKey = cipherValue(encryptedKey);
  const encryptedContent = cipherValue(data);
  const rsaKeys = keys.privateKeys.filter((k) => k.asymmetricKeyType === 'rsa');
  // A configuration fault of ours, not the peer's: start-up refuses it (connectors/eidas/keys.ts);
  // should it happen anyway, it is a clear internal error, never a crash.
  if (rsaKeys.length === 0) throw new BrokerError('internal', 'The response cannot be read.', 'no RSA decryption key configured (ECDH-ES key agreement is not supported)');
  for (const key of rsaKeys) {
    let sessionKey: Buffer | undefined;
    try {
      sessionKey = rsaOaepDecrypt(key, wrappedKey, oaep);
      if (sessionKey.length !== content.keyBytes) continue;
      const plaintext = gcmDecrypt(content.cipher, sessionKey, encryptedContent);
      return new TextDecoder('utf-8', { fatal: true }).decode(plaintext);
    } catch {
      continue;
    } finally {
      sessionKey?.fill(0);
    }
  }
  refuse(DECRYPTION_FAILED);
}
