// Logs a person in to the management module the way a browser does: /admin/login → the broker's
// selector → Cl@ve Permanente reinforced (password + SMS code) → the auto-posted Response to
// /admin/saml/acs → a session. Returns the agent (it keeps the session cookie) and the CSRF token.
import assert from 'node:assert/strict';
import type { Agent } from 'supertest';
import type { z } from 'zod';
import type { TestBroker } from './test-broker.js';
import { newAgent } from './sp-requests.js';
import { csrfOf, readPostForm, txOf, type PinPerson } from './flow-driver.js';
import { activatePermanente, passwordThenSmsCode, submitCode } from './permanente.js';

export interface AdminAgent {
  readonly agent: Agent;
  readonly csrf: string;
  readonly personId: string;
  readonly rung: string;
}

/** The broker path of an absolute URL under publicUrl. */
export function brokerPath(b: TestBroker, url: string): string {
  assert.ok(url.startsWith(b.url), `${url} is under ${b.url}`);
  return url.slice(b.url.length);
}

/** /admin/login up to the broker's selector; returns the login transaction and the selector's CSRF token. */
export async function startAdminLogin(b: TestBroker, agent: Agent = newAgent(b)): Promise<{ agent: Agent; tx: string; csrf: string }> {
  const start = await agent.get('/admin/login').expect(302);
  const sso = await agent.get(brokerPath(b, start.headers.location!)).expect(303);
  const tx = txOf(sso.headers.location!);
  const csrf = csrfOf((await agent.get(`/login/${tx}`).expect(200)).text);
  return { agent, tx, csrf };
}

/** Posts the broker's auto-submitted Response to the management ACS; returns the ACS's answer. */
export function postToAdminAcs(b: TestBroker, agent: Agent, page: string) {
  const form = readPostForm(page);
  assert.equal(form.action, `${b.url}/admin/saml/acs`);
  return agent.post('/admin/saml/acs').type('form').send(form.fields);
}

/**
 * A full administrator login with Cl@ve Permanente reinforced (rung 3 for an advanced person,
 * whose account is activated with the demo password first), or through the browser's broker SSO
 * session when it has one. `loginPath` and `landing`: a login started elsewhere (the activation
 * link) and where the ACS then sends the browser.
 */
export async function loginAdmin(b: TestBroker, person: PinPerson, agent: Agent = newAgent(b), opts: { loginPath?: string; landing?: string } = {}): Promise<AdminAgent> {
  await activatePermanente(b, person.document);
  const start = await agent.get(opts.loginPath ?? '/admin/login').expect(302);
  const sso = await agent.get(brokerPath(b, start.headers.location!));
  let answer: string;
  if (sso.status === 200) {
    // the browser's broker SSO session answers at once
    answer = sso.text;
  } else {
    assert.equal(sso.status, 303, sso.text.slice(0, 500));
    const tx = txOf(sso.headers.location!);
    const csrf = csrfOf((await agent.get(`/login/${tx}`).expect(200)).text);
    await agent.post(`/login/${tx}/choose`).type('form').send({ csrf, method: 'permanente' }).expect(303);
    await agent.get(`/connectors/permanente/${tx}`).expect(200);
    const code = await passwordThenSmsCode(b, agent, tx, csrf, person.document, person.mobile);
    const done = await submitCode(agent, tx, csrf, code);
    assert.equal(done.status, 200, done.text.slice(0, 1500));
    answer = done.text;
  }
  await postToAdminAcs(b, agent, answer).expect(303).expect('location', opts.landing ?? '/admin/api/session');
  const session = await agent.get('/admin/api/session').expect(200);
  const body = session.body as { csrfToken: string; personId: string; rung: string };
  return { agent, csrf: body.csrfToken, personId: body.personId, rung: body.rung };
}

/** The body, checked against the route's own response schema (fails the test with the issues). */
export function conforms<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  assert.ok(parsed.success, `response outside its schema: ${parsed.success ? '' : JSON.stringify(parsed.error.issues).slice(0, 1500)}`);
  return parsed.data;
}

/** A JSON change with the session's CSRF token. */
export function change(admin: AdminAgent, method: 'post' | 'put' | 'patch' | 'delete', path: string, body?: unknown) {
  const req = admin.agent[method](path).set('X-CSRF-Token', admin.csrf);
  return body === undefined ? req : req.set('Content-Type', 'application/json').send(JSON.stringify(body));
}
