// Every call from an activated app is signed with its device key (issue 4; format in model.ts).
// Checked in this order: the four headers, the device (known and active), the timestamp within
// the clock skew, the signature over method, path, timestamp, nonce and body, and last the nonce
// (never seen for this device within the window), so unsigned junk never fills the nonce cache.
// The window is twice the skew: a nonce is remembered for as long as its timestamp is acceptable.
// Then res.locals.device and res.locals.body (the parsed JSON, or undefined) are set. Refusals are
// 401 JSON {error, message}; nothing here logs a signature or a nonce.
import express, { type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import type { EphemeralStore } from '../../store/ephemeral.js';
import { DEVICE_SIGNATURE_HEADERS as H, type Device } from './model.js';
import type { DeviceRegistry } from './registry.js';
import { readDevicePublicKey } from './device-key.js';
import { stringToSign, verifyDeviceSignature } from './signed-call.js';

export { verifyDeviceSignature } from './signed-call.js';

export interface SignedRequestDeps {
  readonly devices: DeviceRegistry;
  readonly ephemeral: EphemeralStore;
  readonly now: () => Date;
  readonly clockSkewSeconds: number;
}

/** what a signed route finds in res.locals */
export interface SignedLocals {
  device: Device;
  body: unknown;
}

export type SignedCallRefusal = 'signature-missing' | 'signature-invalid' | 'device-unknown' | 'timestamp-stale' | 'nonce-replayed';

const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function refuse(res: Response, error: SignedCallRefusal | 'invalid', message: string): void {
  res.status(error === 'invalid' ? 400 : 401).set('Cache-Control', 'no-store').json({ error, message });
}

export function requireDeviceSignature(deps: SignedRequestDeps): (RequestHandler | ErrorRequestHandler)[] {
  const windowMs = deps.clockSkewSeconds * 1000;
  const raw = express.raw({ type: () => true, limit: '16kb' });

  const verifyCall: RequestHandler = async (req, res, next) => {
    const deviceId = req.get(H.device) ?? '';
    const timestamp = req.get(H.timestamp) ?? '';
    const nonce = req.get(H.nonce) ?? '';
    const signature = req.get(H.signature) ?? '';
    if (!deviceId || !timestamp || !nonce || !signature) {
      return refuse(res, 'signature-missing', `signed call expected: headers ${Object.values(H).join(', ')}`);
    }
    if (!UUID.test(deviceId) || !/^\d{1,16}$/.test(timestamp) || !NONCE.test(nonce)) {
      return refuse(res, 'signature-invalid', `malformed ${H.device}, ${H.timestamp} (epoch ms) or ${H.nonce} (16–64 base64url characters)`);
    }
    const device = await deps.devices.get(deviceId);
    if (!device || device.status !== 'active') return refuse(res, 'device-unknown', 'no active device with this id');
    const now = deps.now().getTime();
    if (Math.abs(now - Number(timestamp)) > windowMs) return refuse(res, 'timestamp-stale', `${H.timestamp} is more than ${deps.clockSkewSeconds} s away from the broker's clock`);
    const body: Uint8Array = Buffer.isBuffer(req.body) ? req.body : new Uint8Array();
    const signed = Buffer.from(stringToSign({ method: req.method, path: req.originalUrl, timestamp, nonce, body }), 'utf8');
    if (!verifyDeviceSignature(readDevicePublicKey(device.publicKeyPem), signed, signature)) return refuse(res, 'signature-invalid', 'the signature does not verify with this device key');
    if (!(await deps.ephemeral.setIfAbsent(`device-nonce:${device.id}:${nonce}`, '1', 2 * windowMs))) return refuse(res, 'nonce-replayed', `this ${H.nonce} was already used`);
    let parsed: unknown;
    if (body.length > 0) {
      try {
        parsed = JSON.parse(Buffer.from(body).toString('utf8'));
      } catch {
        return refuse(res, 'invalid', 'the body is not valid JSON');
      }
    }
    const locals: SignedLocals = { device, body: parsed };
    Object.assign(res.locals, locals);
    await deps.devices.touch(device.id, new Date(now));
    next();
  };

  return [raw, bodyLimit, verifyCall];
}

/** express.raw's own errors (too large, bad encoding) as JSON */
const bodyLimit: ErrorRequestHandler = (err, _req, res, next) => {
  const e = err as { type?: string };
  if (e?.type === 'entity.too.large') return void res.status(413).json({ error: 'invalid', message: 'the body is larger than 16 kB' });
  if (e?.type) return void res.status(400).json({ error: 'invalid', message: 'the body cannot be read' });
  next(err);
};
