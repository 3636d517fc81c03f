// The signed-call format of the app API (model.ts): what both sides sign and verify. Shared by the
// broker (signed-request.ts) and by every client (tools/movil-app, the tests), so the string to
// sign is written in exactly one place.
import { createHash, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { DEVICE_SIGNATURE_HEADERS } from './model.js';

export interface SignedCall {
  readonly method: string;
  /** path with query, as sent on the request line (e.g. /api/app/v1/inbox) */
  readonly path: string;
  readonly timestamp: string;
  readonly nonce: string;
  readonly body: Uint8Array;
}

export function bodyDigest(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('base64url');
}

/** `${METHOD}\n${path with query}\n${timestamp}\n${nonce}\n${base64url(SHA-256(body))}` */
export function stringToSign(call: SignedCall): string {
  return `${call.method.toUpperCase()}\n${call.path}\n${call.timestamp}\n${call.nonce}\n${bodyDigest(call.body)}`;
}

/** ECDSA P-256 / SHA-256, IEEE P1363 (r || s), base64url; false for anything malformed */
export function verifyDeviceSignature(publicKey: KeyObject, bytes: Uint8Array, signatureB64url: string): boolean {
  if (!/^[A-Za-z0-9_-]{86}$/.test(signatureB64url)) return false; // 64 bytes of r || s
  try {
    return verify('sha256', bytes, { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signatureB64url, 'base64url'));
  } catch {
    return false;
  }
}

export function signDeviceBytes(privateKey: KeyObject, bytes: Uint8Array): string {
  return sign('sha256', bytes, { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
}

/** The four headers of a signed call from the app (client side). */
export function signCallHeaders(deviceId: string, privateKey: KeyObject, call: { method: string; path: string; body?: Uint8Array; now?: Date; nonce?: string }): Record<string, string> {
  const signed: SignedCall = {
    method: call.method,
    path: call.path,
    timestamp: String((call.now ?? new Date()).getTime()),
    nonce: call.nonce ?? randomBytes(18).toString('base64url'),
    body: call.body ?? new Uint8Array(),
  };
  return {
    [DEVICE_SIGNATURE_HEADERS.device]: deviceId,
    [DEVICE_SIGNATURE_HEADERS.timestamp]: signed.timestamp,
    [DEVICE_SIGNATURE_HEADERS.nonce]: signed.nonce,
    [DEVICE_SIGNATURE_HEADERS.signature]: signDeviceBytes(privateKey, Buffer.from(stringToSign(signed), 'utf8')),
  };
}
