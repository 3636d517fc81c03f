// saml:EncryptedID (SAML core §2.2.4): a NameID encrypted to one SP, for the eHerkenning
// identifiers an SP asks to receive encrypted (policy encryptIdentifiers). The NameID, with its
// NameQualifier, is the plaintext, encrypted exactly as an EncryptedAssertion is
// (encrypt-assertion.ts: AES-256-GCM, the key RSA-OAEP-encrypted in the EncryptedData's KeyInfo).
import { nameIDElement, type EncryptedIDValue, type NameIDValue, type ReleasedAttribute } from './build-assertion.js';
import { encryptedDataElement, type KeyTransport } from './encrypt-assertion.js';
import { NS } from './namespaces.js';
import { el } from './xml-writer.js';
import { serializeXml } from './xml-serialize.js';

export function encryptNameID(value: NameIDValue, recipientCertPem: string, opts: { keyTransport?: KeyTransport } = {}): EncryptedIDValue {
  // serialized on its own, the NameID declares the saml namespace itself: self-contained plaintext
  const plaintext = serializeXml(nameIDElement(value));
  return { kind: 'EncryptedID', element: el(NS.saml, 'saml:EncryptedID', {}, [encryptedDataElement(plaintext, recipientCertPem, opts)]) };
}

/** Every NameID value among `attributes` as an EncryptedID to the SP; other values as they are. */
export function encryptIdentifierValues(attributes: readonly ReleasedAttribute[], recipientCertPem: string): ReleasedAttribute[] {
  return attributes.map((a) => ({ ...a, values: a.values.map((v) => (typeof v !== 'string' && v.kind === 'NameID' ? encryptNameID(v, recipientCertPem) : v)) }));
}
