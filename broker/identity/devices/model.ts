// Mobile devices of the Cl@ve app (issue 4, seed 000 §3): one active device per person, bound to
// a device key generated on the phone (ECDSA P-256) and a push address. These are the shapes the
// devices registry (this folder), the app API and the connectors that talk to the app (movil, and
// PIN delivery through broker/notify) share.

export type PushAddress =
  /** the app's own HTTPS endpoint, POSTed each push as JSON */
  | { readonly kind: 'webhook'; readonly url: string }
  /** a token of a push service (FCM/APNs style), handed to the push gateway of broker/notify */
  | { readonly kind: 'token'; readonly token: string };

export type DeviceStatus = 'active' | 'deactivated';

export interface Device {
  readonly id: string; // uuid, names the device in every signed call (header X-Device-Id)
  readonly personId: string;
  /** SPKI PEM of the device's ECDSA P-256 public key */
  readonly publicKeyPem: string;
  readonly pushAddress: PushAddress;
  /** what the person calls it ("Pixel de Carmen"), shown when they review their device */
  readonly label: string;
  readonly status: DeviceStatus;
  readonly activatedAt: Date;
  readonly deactivatedAt: Date | null;
  readonly lastSeenAt: Date | null;
}

/**
 * A signed call from the app (after activation): headers X-Device-Id, X-Timestamp (epoch ms),
 * X-Nonce (16–64 base64url characters) and X-Signature: base64url of an ECDSA P-256 / SHA-256
 * signature in IEEE P1363 (r || s) form over the UTF-8 bytes of
 *   `${METHOD}\n${path with query}\n${timestamp}\n${nonce}\n${base64url(SHA-256(body bytes))}`.
 * The broker refuses a timestamp outside the clock skew and a nonce it has seen for that device.
 */
export const DEVICE_SIGNATURE_HEADERS = {
  device: 'x-device-id',
  timestamp: 'x-timestamp',
  nonce: 'x-nonce',
  signature: 'x-signature',
} as const;

/** One message the app receives: by push to its address, and kept in its inbox until fetched. */
export interface AppMessage {
  readonly id: string;
  readonly kind: 'pin' | 'login-request' | 'device-replaced';
  readonly at: string; // ISO 8601
  /** kind-specific content: the PIN and its expiry; the login request id; … */
  readonly data: Readonly<Record<string, string>>;
}
