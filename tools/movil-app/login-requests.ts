// The simulated app's side of a Cl@ve Móvil login (connectors/movil/app-api.ts): which login
// requests wait for this device (the inbox's login-request messages, or a scanned QR code), what
// the app shows of one (service and verification code), and the decision signed with the device
// key over the canonical bytes of connectors/movil/decision.ts.
import { createPrivateKey } from 'node:crypto';
import { signDeviceBytes } from '../../broker/identity/devices/signed-call.js';
import { canonicalDecisionBytes, type AppDecision, type DecisionPayload } from '../../connectors/movil/decision.js';
import { requestIdOfUrl } from '../../connectors/movil/qr.js';
import { describeRefusal, signedCall, type AppAnswer } from './client.js';
import type { AppKeyFile } from './key-file.js';

export interface ShownRequest {
  readonly requestId: string;
  readonly service: string;
  readonly verificationCode: string;
  readonly expiresAt: string;
}

const requestPath = (id: string) => `/connectors/movil/app/requests/${id}`;

/** the request id of a scanned QR text (its URL must name this device's broker) or a bare id */
export function requestIdOf(state: AppKeyFile, text: string): string {
  if (/^[A-Za-z0-9_-]{32}$/.test(text)) return text;
  const id = requestIdOfUrl(text);
  if (!id) throw new Error('not a Cl@ve Móvil QR code or request id');
  if (new URL(text).origin !== new URL(state.broker).origin) throw new Error(`the QR code is for ${new URL(text).origin}, this device belongs to ${new URL(state.broker).origin}`);
  return id;
}

/** the ids of the login requests pushed to this device (they leave the inbox) */
export async function pushedRequestIds(state: AppKeyFile): Promise<string[]> {
  const answer = await signedCall(state, 'GET', '/api/app/v1/inbox');
  if (answer.status !== 200) throw new Error(describeRefusal(answer));
  const messages = (answer.body.messages ?? []) as { kind: string; data: Record<string, string> }[];
  return messages.filter((m) => m.kind === 'login-request' && m.data.requestId).map((m) => m.data.requestId!);
}

/** fetches a request (a QR request becomes this person's); undefined with the refusal otherwise */
export async function showRequest(state: AppKeyFile, id: string): Promise<{ shown?: ShownRequest; refusal?: string }> {
  const answer = await signedCall(state, 'GET', requestPath(id));
  return answer.status === 200 ? { shown: answer.body as unknown as ShownRequest } : { refusal: describeRefusal(answer) };
}

/** the person's answer, after "unlocking" the simulated device */
export function sendDecision(state: AppKeyFile, shown: ShownRequest, decision: AppDecision, now: Date = new Date()): Promise<AppAnswer> {
  const payload: DecisionPayload = { requestId: shown.requestId, verificationCode: shown.verificationCode, service: shown.service, decision, unlocked: true, at: now.toISOString() };
  const signature = signDeviceBytes(createPrivateKey(state.privateKeyPem), canonicalDecisionBytes(payload));
  return signedCall(state, 'POST', `${requestPath(shown.requestId)}/decision`, { decision: payload, signature });
}

export function describeShown(r: ShownRequest): string {
  return `${r.requestId}  service "${r.service}"  verification code ${r.verificationCode}  until ${r.expiresAt}`;
}
