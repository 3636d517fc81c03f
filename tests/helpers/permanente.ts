// Drives Cl@ve Permanente over HTTP (a supertest agent keeps the cookies): accounts set up through
// the broker's own services, the login pages, the one-time codes read from the outbox.
import type { Agent } from 'supertest';
import type { TestBroker } from './test-broker.js';
import { SP2 } from './test-broker.js';
import { newAgent, sendAuthnRequest, type SpSend } from './sp-requests.js';
import { csrfOf, readCodeFromOutbox, txOf } from './flow-driver.js';
import { hashActivationCode, newActivationCode } from '../../broker/identity/activation-code.js';

export { DEMO_PERMANENTE_PASSWORD as DEMO_PASSWORD } from '../../tools/demo-permanente.js';
import { DEMO_PERMANENTE_PASSWORD as DEMO_PASSWORD } from '../../tools/demo-permanente.js';
export const EIDAS_SUBSTANTIAL = { comparison: 'minimum' as const, classRefs: ['http://eidas.europa.eu/LoA/substantial'] };
export const EIDAS_LOW = { comparison: 'minimum' as const, classRefs: ['http://eidas.europa.eu/LoA/low'] };

export async function personId(b: TestBroker, document: string): Promise<string> {
  const p = await b.broker.services.identity.findByDocument(document);
  if (!p) throw new Error(`no person ${document}`);
  return p.id;
}

/** A fresh activation code for `document` (as the registrar issues it); returns the code. */
export async function issueActivationCode(b: TestBroker, document: string): Promise<string> {
  const code = newActivationCode();
  await b.broker.services.credentials.accounts.issueActivationCode(await personId(b, document), hashActivationCode(code), b.clock.now());
  return code;
}

/** An active Permanente account with `password`, set directly (the pages are tested elsewhere). */
export async function activatePermanente(b: TestBroker, document: string, password = DEMO_PASSWORD): Promise<string> {
  const { accounts, hasher } = b.broker.services.credentials;
  const id = await personId(b, document);
  await accounts.issueActivationCode(id, hashActivationCode(newActivationCode()), b.clock.now());
  await accounts.setPassword(id, await hasher.hash(password), b.clock.now(), 1);
  return id;
}

/** A new login from an SP, through the selector to the Permanente password page. */
export async function openPermanenteLogin(b: TestBroker, opts: SpSend = {}, agent: Agent = newAgent(b)): Promise<{ agent: Agent; tx: string; csrf: string }> {
  const start = await sendAuthnRequest(b, agent, { sp: SP2, ...opts }).expect(303);
  const tx = txOf(start.headers.location!);
  const csrf = csrfOf((await agent.get(`/login/${tx}`).expect(200)).text);
  await agent.post(`/login/${tx}/choose`).type('form').send({ csrf, method: 'permanente' }).expect(303).expect('location', `/connectors/permanente/${tx}`);
  await agent.get(`/connectors/permanente/${tx}`).expect(200);
  return { agent, tx, csrf };
}

export function submitPassword(agent: Agent, tx: string, csrf: string, document: string, password: string) {
  return agent.post(`/connectors/permanente/${tx}/password`).type('form').send({ csrf, document, password });
}

/** Posts the password and reads the SMS code the reinforced mode sends. */
export async function passwordThenSmsCode(b: TestBroker, agent: Agent, tx: string, csrf: string, document: string, mobile: string, password = DEMO_PASSWORD): Promise<string> {
  const since = Date.now();
  await submitPassword(agent, tx, csrf, document, password).expect(303).expect('location', `/connectors/permanente/${tx}/second-factor`);
  return readCodeFromOutbox(b.varDir, 'sms', mobile, since);
}

export function submitCode(agent: Agent, tx: string, csrf: string, code: string) {
  return agent.post(`/connectors/permanente/${tx}/second-factor`).type('form').send({ csrf, code });
}
