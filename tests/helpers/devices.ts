// Cl@ve app devices in tests: activation through the real app API (SMS code read from the
// outbox, or a registrar's code), and signed calls with any clock, nonce, key or body.
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import request from 'supertest';
import { signActivationProof } from '../../broker/identity/devices/activation-proof.js';
import { signCallHeaders } from '../../broker/identity/devices/signed-call.js';
import type { PushAddress } from '../../broker/identity/devices/model.js';
import type { TestBroker } from './test-broker.js';
import { readCodeFromOutbox, type PinPerson } from './flow-driver.js';

export const APP = '/api/app/v1';

export interface TestDevice {
  readonly id: string;
  readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
}

export function newKeyPair(): { privateKey: KeyObject; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export function contrastOf(person: PinPerson): Record<string, string> {
  return person.documentDate ? { documentDate: person.documentDate } : { supportNumber: person.supportNumber! };
}

/** asks for an SMS code and reads it from the outbox */
export async function smsActivationCode(b: TestBroker, person: PinPerson): Promise<string> {
  const since = Date.now();
  await request(b.url).post(`${APP}/activation/sms-code`).send({ document: person.document, ...contrastOf(person) }).expect(202);
  return readCodeFromOutbox(b.varDir, 'sms', person.mobile, since);
}

export interface ActivationOptions {
  readonly keys?: { privateKey: KeyObject; publicKeyPem: string };
  /** signs the proof with this key instead of the registered one */
  readonly proofKey?: KeyObject;
  readonly pushAddress?: PushAddress;
  readonly label?: string;
}

/** the raw activation call: challenge, proof, POST /activation */
export async function postActivation(b: TestBroker, document: string, code: string, opts: ActivationOptions = {}) {
  const keys = opts.keys ?? newKeyPair();
  const { challenge } = (await request(b.url).post(`${APP}/activation/challenge`).expect(201)).body as { challenge: string };
  const proof = signActivationProof(opts.proofKey ?? keys.privateKey, document, code, challenge);
  const res = await request(b.url)
    .post(`${APP}/activation`)
    .send({ document, code, challenge, publicKeyPem: keys.publicKeyPem, pushAddress: opts.pushAddress ?? { kind: 'token', token: 'test-push-token-0123456789' }, label: opts.label ?? 'Test phone', proof });
  return { res, keys, challenge };
}

/** a device activated for `person` with an SMS code */
export async function activateDevice(b: TestBroker, person: PinPerson, opts: ActivationOptions = {}): Promise<TestDevice> {
  const code = await smsActivationCode(b, person);
  const { res, keys } = await postActivation(b, person.document, code, opts);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { id: (res.body as { deviceId: string }).deviceId, privateKey: keys.privateKey, publicKeyPem: keys.publicKeyPem };
}

export interface CallOptions {
  readonly now?: Date;
  readonly nonce?: string;
  /** sign with another key */
  readonly key?: KeyObject;
  /** sign this path, send `path` */
  readonly signedPath?: string;
  /** sign these bytes, send `body` */
  readonly signedBody?: Uint8Array;
}

/** a signed call as the app makes it (supertest), with the test's knobs */
export function signedCall(b: TestBroker, device: TestDevice, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, opts: CallOptions = {}) {
  const bytes = body === undefined ? new Uint8Array() : Buffer.from(JSON.stringify(body), 'utf8');
  const headers = signCallHeaders(device.id, opts.key ?? device.privateKey, {
    method,
    path: opts.signedPath ?? path,
    body: opts.signedBody ?? bytes,
    now: opts.now ?? b.clock.now(),
    ...(opts.nonce ? { nonce: opts.nonce } : {}),
  });
  const agent = request(b.url);
  const req = method === 'GET' ? agent.get(path) : method === 'DELETE' ? agent.delete(path) : agent.post(path);
  req.set(headers);
  if (body !== undefined) void req.set('Content-Type', 'application/json').send(Buffer.from(bytes));
  return req;
}

