// Logs a member of staff in to the staff consoles the way a browser does: /staff/login (or a
// console's address) → the broker's selector → Cl@ve PIN (rung 3 for an advanced person) → the
// auto-posted Response to /staff/saml/acs → a session. Returns the agent (it keeps the cookies)
// and where the ACS sent it. Used by the office, video and other console suites.
import assert from 'node:assert/strict';
import type { Agent } from 'supertest';
import type { TestBroker } from './test-broker.js';
import { newAgent } from './sp-requests.js';
import { loginWithPin, readPostForm, txOf, type PinPerson } from './flow-driver.js';
import { brokerPath } from './admin-session.js';
import type { StaffRole } from '../../broker/identity/staff/roles.js';
import { staffRegistryOf } from '../../broker/identity/staff/index.js';

export const OPERATOR_TOKEN = 'operator-token-for-tests-only-0123456789';

/** Grants a role directly through the staff registry (the operator API is tested on its own). */
export async function grantStaffRole(b: TestBroker, document: string, role: StaffRole): Promise<void> {
  await staffRegistryOf(b.broker.services).grant(document, role, 'operator');
}

/** The page the broker answers the staff SP with (the auto-posted Response), after a PIN login. */
export async function pinLoginToStaffSp(b: TestBroker, person: PinPerson, agent: Agent, startPath = '/staff/login'): Promise<string> {
  let res = await agent.get(startPath);
  if (res.status === 303) res = await agent.get(res.headers.location!);
  assert.equal(res.status, 302, `${startPath} starts the login: ${res.text?.slice(0, 300)}`);
  const sso = await agent.get(brokerPath(b, res.headers.location!));
  if (sso.status === 200) return sso.text; // the browser's broker SSO session answers at once
  assert.equal(sso.status, 303, sso.text.slice(0, 500));
  const done = await loginWithPin(agent, b.varDir, txOf(sso.headers.location!), person);
  assert.equal(done.status, 200, done.text.slice(0, 1500));
  return done.text;
}

/** Posts the broker's auto-submitted Response to the staff ACS; returns the ACS's answer. */
export function postToStaffAcs(b: TestBroker, agent: Agent, page: string) {
  const form = readPostForm(page);
  assert.equal(form.action, `${b.url}/staff/saml/acs`);
  return agent.post('/staff/saml/acs').type('form').send(form.fields);
}

/** A full staff login by PIN, landing on `landing` (the staff home page, or the console started from). */
export async function loginStaff(b: TestBroker, person: PinPerson, opts: { agent?: Agent; startPath?: string; landing?: string } = {}): Promise<Agent> {
  const agent = opts.agent ?? newAgent(b);
  const page = await pinLoginToStaffSp(b, person, agent, opts.startPath);
  await postToStaffAcs(b, agent, page).expect(303).expect('location', opts.landing ?? '/staff/');
  return agent;
}

