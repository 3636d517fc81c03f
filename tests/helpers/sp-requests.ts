// The test SPs' side of the exchanges: AuthnRequests for sp1 (signed) and sp2 (unsigned) over
// either binding, and reading what the broker sent back.
import request, { type Agent } from 'supertest';
import type { TestBroker } from './test-broker.js';
import { SP1, SP2 } from './test-broker.js';
import { buildAuthnRequest, postBody, redirectQuery, signPost, testCert, testKey, type AuthnRequestOpts } from './sign-request.js';
import { csrfOf, parseXml, readPostForm, samlResponseXml, txOf } from './flow-driver.js';

export const ACS: Record<string, string> = { [SP1]: 'https://sp1.test/acs', [SP2]: 'https://sp2.test/acs' };
const KEY: Record<string, string> = { [SP1]: 'sp1', [SP2]: 'sp2' };

export type SpSend = { sp?: string; binding?: 'redirect' | 'post'; relayState?: string } & AuthnRequestOpts;

/** Sends an AuthnRequest from a test SP through `agent`; returns the broker's answer. */
export function sendAuthnRequest(b: TestBroker, agent: Agent, opts: SpSend = {}) {
  const sp = opts.sp ?? SP1;
  const xml = buildAuthnRequest({ issuer: sp, destination: `${b.url}/saml/sso`, acsUrl: ACS[sp], issueInstant: b.clock.now(), ...opts });
  const signed = sp === SP1;
  if ((opts.binding ?? 'redirect') === 'redirect') {
    return agent.get(`/saml/sso?${redirectQuery(xml, opts.relayState, signed ? testKey(KEY[sp]!) : undefined)}`);
  }
  const body = signed ? signPost(xml, testKey(KEY[sp]!), testCert(KEY[sp]!)) : xml;
  return agent.post('/saml/sso').type('form').send(postBody(body, opts.relayState));
}

export function newAgent(b: TestBroker): Agent {
  return request.agent(b.server);
}

const P = 'urn:oasis:names:tc:SAML:2.0:protocol';
const A = 'urn:oasis:names:tc:SAML:2.0:assertion';

/** Status codes (top, sub) and the StatusMessage of a Response page. */
export function statusOf(html: string): { top: string; sub: string | undefined; message: string | undefined; hasAssertion: boolean } {
  const doc = parseXml(samlResponseXml(readPostForm(html)));
  const codes = Array.from(doc.getElementsByTagNameNS(P, 'StatusCode')).map((e) => e.getAttribute('Value')!.split(':').pop()!);
  return {
    top: codes[0]!,
    sub: codes[1],
    message: doc.getElementsByTagNameNS(P, 'StatusMessage')[0]?.textContent ?? undefined,
    hasAssertion: doc.getElementsByTagNameNS(A, 'Assertion').length + doc.getElementsByTagNameNS(A, 'EncryptedAssertion').length > 0,
  };
}

export function assertionText(html: string, local: string): string | undefined {
  const doc = parseXml(samlResponseXml(readPostForm(html)));
  return doc.getElementsByTagNameNS(A, local)[0]?.textContent ?? undefined;
}

/** A fresh browser at the PIN connector's first page of a new login from sp2. */
export async function openPinForm(b: TestBroker): Promise<{ agent: Agent; tx: string; csrf: string }> {
  const agent = newAgent(b);
  const start = await sendAuthnRequest(b, agent, { sp: SP2 }).expect(303);
  const tx = txOf(start.headers.location!);
  const csrf = csrfOf((await agent.get(`/login/${tx}`).expect(200)).text);
  await agent.post(`/login/${tx}/choose`).type('form').send({ csrf, method: 'pin' }).expect(303);
  return { agent, tx, csrf };
}
