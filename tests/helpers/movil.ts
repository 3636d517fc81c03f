// The Cl@ve Móvil tests' two sides: the browser at the connector's pages (supertest agent), and an
// app with a real P-256 device key activated in the broker's devices registry, making signed calls.
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import request, { type Agent } from 'supertest';
import type { TestBroker } from './test-broker.js';
import { SP2 } from './test-broker.js';
import { newAgent, sendAuthnRequest } from './sp-requests.js';
import { csrfOf, txOf } from './flow-driver.js';
import { signCallHeaders, signDeviceBytes } from '../../broker/identity/devices/signed-call.js';
import { canonicalDecisionBytes, type AppDecision, type DecisionPayload } from '../../connectors/movil/decision.js';
import { requestIdOfUrl } from '../../connectors/movil/qr.js';

export const MOVIL_ON = { connectors: { enabled: ['pin', 'permanente', 'movil'] } };

export interface TestDevice {
  readonly id: string;
  readonly personId: string;
  readonly privateKey: KeyObject;
}

/** activates a new device (a fresh P-256 key) for the person with this DNI/NIE */
export async function activateDevice(b: TestBroker, document: string): Promise<TestDevice> {
  const person = await b.broker.services.identity.findByDocument(document);
  assert.ok(person, `no test person ${document}`);
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { device } = await b.broker.services.devices.activate(person.id, {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    pushAddress: { kind: 'token', token: `test-push-${randomBytes(12).toString('hex')}` },
    label: 'Test phone',
  });
  return { id: device.id, personId: person.id, privateKey };
}

/** a signed call from the app (to any node of the deployment: `b` is the node asked) */
export function appCall(b: TestBroker, device: TestDevice, method: 'GET' | 'POST', path: string, body?: unknown) {
  const text = body === undefined ? '' : JSON.stringify(body);
  const headers = signCallHeaders(device.id, device.privateKey, { method, path, body: Buffer.from(text, 'utf8'), now: b.clock.now() });
  // a string body goes out byte for byte (superagent would serialise a Buffer as JSON)
  const r = method === 'GET' ? request(b.server).get(path) : request(b.server).post(path).set('Content-Type', 'application/json').send(text);
  return r.set(headers);
}

export const requestPath = (requestId: string) => `/connectors/movil/app/requests/${requestId}`;

export interface FetchedRequest {
  readonly requestId: string;
  readonly service: string;
  readonly verificationCode: string;
  readonly expiresAt: string;
}

/** the decision body, its payload signed with `signer` (the device's own key unless a test says otherwise) */
export function signedDecision(b: TestBroker, fetched: FetchedRequest, decision: AppDecision, signer: KeyObject, change: Partial<DecisionPayload> = {}) {
  const payload: DecisionPayload = {
    requestId: fetched.requestId,
    verificationCode: fetched.verificationCode,
    service: fetched.service,
    decision,
    unlocked: true,
    at: b.clock.now().toISOString(),
    ...change,
  };
  return { decision: payload, signature: signDeviceBytes(signer, canonicalDecisionBytes(payload)) };
}

export function decide(b: TestBroker, device: TestDevice, fetched: FetchedRequest, decision: AppDecision, change: Partial<DecisionPayload> = {}) {
  return appCall(b, device, 'POST', `${requestPath(fetched.requestId)}/decision`, signedDecision(b, fetched, decision, device.privateKey, change));
}

export interface MovilBrowser {
  readonly agent: Agent;
  readonly tx: string;
  readonly csrf: string;
}

/** a fresh browser at the Cl@ve Móvil start page of a new login from sp2 */
export async function openMovil(b: TestBroker, agent: Agent = newAgent(b)): Promise<MovilBrowser> {
  const start = await sendAuthnRequest(b, agent, { sp: SP2 }).expect(303);
  const tx = txOf(start.headers.location!);
  const csrf = csrfOf((await agent.get(`/login/${tx}`).expect(200)).text);
  await agent.post(`/login/${tx}/choose`).type('form').send({ csrf, method: 'movil' }).expect(303).expect('location', `/connectors/movil/${tx}`);
  await agent.get(`/connectors/movil/${tx}`).expect(200);
  return { agent, tx, csrf };
}

/** chooses the QR code; returns the waiting page and the request id the QR carries */
export async function showQr(at: MovilBrowser): Promise<{ page: string; requestId: string; code: string }> {
  await at.agent.post(`/connectors/movil/${at.tx}/qr`).type('form').send({ csrf: at.csrf }).expect(303).expect('location', `/connectors/movil/${at.tx}/wait`);
  const page = (await at.agent.get(`/connectors/movil/${at.tx}/wait`).expect(200)).text;
  const url = /data-login-request="([^"]+)"/.exec(page)?.[1];
  const requestId = url ? requestIdOfUrl(url) : undefined;
  assert.ok(requestId, 'the waiting page carries the QR text');
  return { page, requestId, code: verificationCodeOf(page) };
}

export function verificationCodeOf(page: string): string {
  const code = /id="movil-code">(\d{3})</.exec(page)?.[1];
  assert.ok(code, 'the waiting page shows a 3-digit verification code');
  return code;
}

export function pushRequest(at: MovilBrowser, person: { document: string; documentDate?: string; supportNumber?: string }) {
  return at.agent
    .post(`/connectors/movil/${at.tx}/push`)
    .type('form')
    .send({ csrf: at.csrf, document: person.document, documentDate: person.documentDate ?? '', supportNumber: person.supportNumber ?? '' });
}

export function pressContinue(at: MovilBrowser) {
  return at.agent.post(`/connectors/movil/${at.tx}/continue`).type('form').send({ csrf: at.csrf });
}

export interface EventStream {
  /** resolves once the stream said "pending", i.e. the node has subscribed */
  readonly subscribed: Promise<void>;
  /** the statuses the stream carried, once the node ended it */
  readonly statuses: Promise<string[]>;
  readonly httpStatus: Promise<number>;
  /** the browser goes away */
  close(): void;
}

/** opens the waiting page's event stream on the agent's node */
export function openEvents(at: MovilBrowser): EventStream {
  let onSubscribed!: () => void;
  const subscribed = new Promise<void>((resolve) => (onSubscribed = resolve));
  const req = at.agent.get(`/connectors/movil/${at.tx}/events`);
  const response = req
    .buffer(true)
    .parse((res, done) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        if (text.includes('data: pending')) onSubscribed();
      });
      res.on('end', () => done(null, text));
    })
    // a stream the test closed itself ends without an answer
    .then((r) => ({ status: r.status, body: String(r.body) }), () => ({ status: 0, body: '' }));
  return {
    subscribed,
    statuses: response.then((r) => [...r.body.matchAll(/^event: status\ndata: (\w+)$/gm)].map((m) => m[1]!)),
    httpStatus: response.then((r) => r.status),
    close: () => req.abort(),
  };
}

/** the login requests waiting in the device's inbox (GET /api/app/v1/inbox, which empties it) */
export async function inboxLoginRequests(b: TestBroker, device: TestDevice): Promise<string[]> {
  const res = await appCall(b, device, 'GET', '/api/app/v1/inbox').expect(200);
  const messages = (res.body as { messages: { kind: string; data: Record<string, string> }[] }).messages;
  return messages.filter((m) => m.kind === 'login-request').map((m) => m.data.requestId!);
}
