// One browser's PIN login through the cluster's load balancer, step by step, and a closed loop of
// such logins for the failure tests: each outcome says which step failed, how, and on which node.
import assert from 'node:assert/strict';
import { SP1, SP2 } from './test-broker.js';
import { buildAuthnRequest, redirectQuery, testKey } from './sign-request.js';
import { csrfOf, readPostForm, samlResponseXml, txOf } from './flow-driver.js';
import type { Answer, Browser, Cluster } from './cluster.js';

export const ACS = { [SP1]: 'https://sp1.test/acs', [SP2]: 'https://sp2.test/acs' } as const;

export interface PinPersonRef {
  readonly document: string;
  readonly documentDate: string;
  readonly mobile: string;
}

/** GET /saml/sso with a fresh AuthnRequest of `sp` (sp1's signed, sp2's not). */
export function authnRequestQuery(c: Cluster, sp: typeof SP1 | typeof SP2, relayState?: string): string {
  const xml = buildAuthnRequest({ issuer: sp, destination: `${c.url}/saml/sso`, acsUrl: ACS[sp] });
  return `/saml/sso?${redirectQuery(xml, relayState, sp === SP1 ? testKey('sp1') : undefined)}`;
}

export class StepError extends Error {
  constructor(
    readonly step: string,
    readonly answer: Answer | undefined,
    message: string,
  ) {
    super(`${step}: ${message}`);
  }
}

function expect(step: string, a: Answer, status: number): Answer {
  if (a.status !== status) throw new StepError(step, a, `HTTP ${a.status} (expected ${status}) from ${a.upstream}: ${a.text.slice(0, 200)}`);
  return a;
}

/** A whole PIN login from `sp`; resolves with the page carrying the SAML Response. */
export async function pinLogin(c: Cluster, browser: Browser, person: PinPersonRef, sp: typeof SP1 | typeof SP2 = SP2, relayState?: string): Promise<Answer> {
  const start = expect('sso', await browser.get(authnRequestQuery(c, sp, relayState)), 303);
  const tx = txOf(start.location!);
  const selector = expect('selector', await browser.get(`/login/${tx}`), 200);
  const csrf = csrfOf(selector.text);
  expect('choose', await browser.post(`/login/${tx}/choose`, { csrf, method: 'pin' }), 303);
  expect('pin-form', await browser.get(`/connectors/pin/${tx}`), 200);
  const since = Date.now();
  const requested = expect('pin-request', await browser.post(`/connectors/pin/${tx}/request`, { csrf, document: person.document, documentDate: person.documentDate }), 303);
  let pin: string;
  try {
    pin = await c.outbox.code(person.mobile, since);
  } catch (err) {
    throw new StepError('sms', requested, (err as Error).message);
  }
  const done = expect('pin-code', await browser.post(`/connectors/pin/${tx}/code`, { csrf, pin }), 200);
  if (!done.text.includes('SAMLResponse')) throw new StepError('pin-code', done, 'no SAML Response');
  return done;
}

export function responseXml(page: Answer): string {
  return samlResponseXml(readPostForm(page.text));
}

export function isSuccess(page: Answer): boolean {
  return page.status === 200 && /SAMLResponse/.test(page.text) && /status:Success"/.test(responseXml(page));
}

export interface Outcome {
  readonly worker: number;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly ok: boolean;
  readonly step?: string;
  readonly status?: number;
  /** nginx's $upstream_addr of the failing answer (or of the step before a missing SMS) */
  readonly upstream?: string | null;
  readonly error?: string;
}

/**
 * `workers` logins at a time, each worker starting a new login (new browser, its own client
 * address so per-IP limits stay out of the way, its own person) as soon as the last ended, until
 * `ms` have passed; `during` runs alongside (e.g. kills a node).
 */
export async function loginLoop(
  c: Cluster,
  persons: readonly PinPersonRef[],
  opts: { workers: number; ms: number; during?: () => Promise<void>; newBrowser: (ip: string) => Browser },
): Promise<Outcome[]> {
  assert.ok(persons.length >= opts.workers);
  const outcomes: Outcome[] = [];
  const end = Date.now() + opts.ms;
  let n = 0;
  const worker = async (w: number) => {
    while (Date.now() < end) {
      const i = ++n;
      const browser = opts.newBrowser(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
      const startedAt = Date.now();
      try {
        const page = await pinLogin(c, browser, persons[w]!);
        outcomes.push({ worker: w, startedAt, endedAt: Date.now(), ok: isSuccess(page), ...(isSuccess(page) ? {} : { step: 'response', error: 'not Success' }) });
      } catch (err) {
        const e = err as Error;
        outcomes.push({
          worker: w,
          startedAt,
          endedAt: Date.now(),
          ok: false,
          step: err instanceof StepError ? err.step : 'network',
          status: err instanceof StepError ? err.answer?.status : undefined,
          upstream: err instanceof StepError ? err.answer?.upstream : undefined,
          error: e.message.slice(0, 300),
        });
      }
    }
  };
  await Promise.all([...Array.from({ length: opts.workers }, (_, w) => worker(w)), opts.during?.()]);
  return outcomes;
}
