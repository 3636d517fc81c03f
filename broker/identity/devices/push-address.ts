// Where the broker pushes to a device (model.ts PushAddress). A webhook must be https: it
// receives notices about PINs and login requests. Plain http is accepted only for loopback
// addresses and only while the broker itself runs on plain http (development and tests), so a
// production broker never posts in the clear.
import type { PushAddress } from './model.js';
import { DeviceError } from './device-error.js';

const MAX_URL = 2048;
/** FCM tokens run to about 160 characters, APNs to 64 hex digits; room to spare, no whitespace */
const TOKEN = /^[A-Za-z0-9_:.\-]{16,4096}$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface PushAddressRules {
  /** http:// loopback webhooks allowed (the broker's publicUrl is http) */
  readonly allowLoopbackHttp: boolean;
}

export function pushAddressRules(publicUrl: string): PushAddressRules {
  return { allowLoopbackHttp: new URL(publicUrl).protocol === 'http:' };
}

export function validatePushAddress(input: unknown, rules: PushAddressRules): PushAddress {
  const a = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  if (a.kind === 'webhook') return { kind: 'webhook', url: validateWebhookUrl(a.url, rules) };
  if (a.kind === 'token') {
    if (typeof a.token !== 'string' || !TOKEN.test(a.token)) throw new DeviceError('invalid-push-address', 'pushAddress.token must be 16 to 4096 characters of letters, digits and _ : . -');
    return { kind: 'token', token: a.token };
  }
  throw new DeviceError('invalid-push-address', 'pushAddress must be {"kind":"webhook","url":"https://…"} or {"kind":"token","token":"…"}');
}

function validateWebhookUrl(raw: unknown, rules: PushAddressRules): string {
  if (typeof raw !== 'string' || raw.length > MAX_URL) throw new DeviceError('invalid-push-address', `pushAddress.url must be a URL of at most ${MAX_URL} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DeviceError('invalid-push-address', 'pushAddress.url is not a URL');
  }
  if (url.username || url.password) throw new DeviceError('invalid-push-address', 'pushAddress.url must not carry credentials');
  if (url.protocol === 'https:') return url.toString();
  if (url.protocol === 'http:' && rules.allowLoopbackHttp && LOOPBACK.has(url.hostname)) return url.toString();
  throw new DeviceError('invalid-push-address', rules.allowLoopbackHttp ? 'pushAddress.url must be https (http only to 127.0.0.1 or localhost in development)' : 'pushAddress.url must be https');
}
