// The device key (issue 4): an ECDSA P-256 public key generated on the phone, sent once at
// activation as an SPKI PEM. Anything else (RSA, another curve, a private key, a certificate) is
// refused with a message that says what is expected, so an app developer sees their mistake.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { DeviceError } from './device-error.js';

/** a P-256 SPKI PEM is about 180 characters; anything much longer is not one */
const MAX_PEM_CHARS = 1024;

/** The key as stored: re-exported SPKI PEM, whatever spacing the app sent. */
export function normaliseDevicePublicKey(pem: unknown): string {
  return readDevicePublicKey(pem).export({ type: 'spki', format: 'pem' }).toString();
}

export function readDevicePublicKey(pem: unknown): KeyObject {
  if (typeof pem !== 'string' || pem.length > MAX_PEM_CHARS || !pem.includes('-----BEGIN PUBLIC KEY-----')) {
    throw new DeviceError('invalid-key', 'publicKeyPem must be an ECDSA P-256 public key as a PEM "PUBLIC KEY" (SPKI) block');
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw new DeviceError('invalid-key', 'publicKeyPem is not a readable PEM public key');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    const what = key.asymmetricKeyType === 'ec' ? `an EC key on ${key.asymmetricKeyDetails?.namedCurve ?? 'an unknown curve'}` : `a ${key.asymmetricKeyType ?? 'unknown'} key`;
    throw new DeviceError('invalid-key', `publicKeyPem is ${what}; the device key must be ECDSA P-256 (prime256v1)`);
  }
  return key;
}
