// The simulated app's HTTP side: plain JSON posts for activation, signed calls (the format of
// broker/identity/devices/model.ts) for everything after it.
import { createPrivateKey } from 'node:crypto';
import { signCallHeaders } from '../../broker/identity/devices/signed-call.js';
import type { AppKeyFile } from './key-file.js';

export interface AppAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

async function answer(res: Response): Promise<AppAnswer> {
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = { error: 'not-json', message: text.slice(0, 200) };
  }
  return { status: res.status, body };
}

export async function postJson(broker: string, path: string, body: unknown): Promise<AppAnswer> {
  return answer(await fetch(new URL(path, broker), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }));
}

/** a call signed with the device key; `path` is absolute (/api/app/v1/…, /connectors/movil/app/…) */
export async function signedCall(state: AppKeyFile, method: string, path: string, body?: unknown): Promise<AppAnswer> {
  if (!state.deviceId) throw new Error(`the device of ${state.document} is not activated yet: run activate first`);
  const bytes = body === undefined ? new Uint8Array() : Buffer.from(JSON.stringify(body), 'utf8');
  const headers = signCallHeaders(state.deviceId, createPrivateKey(state.privateKeyPem), { method, path, body: bytes });
  return answer(
    await fetch(new URL(path, state.broker), {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: bytes }),
    }),
  );
}

/** the broker's {error, message} as one line */
export function describeRefusal(a: AppAnswer): string {
  return `${a.status} ${String(a.body.error ?? '')}: ${String(a.body.message ?? '')}`;
}
