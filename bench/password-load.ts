// Complete Cl@ve Permanente password logins, one after another on each of `connections` client
// connections, each as a new browser (its own cookie jar, so no SSO session short-cuts it):
//   GET  /saml/sso?SAMLRequest=…            a fresh AuthnRequest from sp2      → 303 /login/<tx>
//   GET  /login/<tx>                        the selector                      → 200, CSRF token
//   POST /login/<tx>/choose                 method=permanente                 → 303 the connector
//   GET  /connectors/permanente/<tx>        the password page                 → 200
//   POST /connectors/permanente/<tx>/password  csrf, DNI, password           → 200 auto-post form
// and the login counts only when that last page carries a SAMLResponse whose top-level status is
// Success. The persons are taken in turn, so the logins spread over all of them. The password
// step alone (the last request, with the logins opened beforehand) is measured too.
import { STATUS } from '../broker/saml/namespaces.js';
import { csrfOf, readPostForm, samlResponseXml, txOf } from '../tests/helpers/flow-driver.js';
import { freshRedirectPath } from './authn-requests.js';
import { runClosedLoop, type ClosedLoopResult } from './closed-loop.js';
import { CookieJar, send } from './login.js';

export const PASSWORD_PATH = '/connectors/permanente';

/** The last answer of one login (for the full check of the first one), or why it failed. */
export type LoginOutcome = { ok: true; status: number; html: string } | { ok: false; why: string };

/**
 * Where the requests go: one broker, or the nodes of one deployment taken in turn (every step of a
 * login may land on another node), all answering for the same public URL.
 */
export interface Target {
  readonly publicUrl: string;
  /** the node the next request goes to */
  next(): string;
}

export function single(base: string): Target {
  return { publicUrl: base, next: () => base };
}

export function roundRobin(publicUrl: string, nodes: readonly string[]): Target {
  let i = 0;
  return { publicUrl, next: () => nodes[i++ % nodes.length]! };
}

/** A login opened up to the password page, as a new browser: what the password step needs. */
export interface OpenedLogin {
  readonly jar: CookieJar;
  readonly tx: string;
  readonly csrf: string;
}

type Failure = { ok: false; why: string };
const fail = (step: string, r: { status: number }): Failure => ({ ok: false, why: `${step}: HTTP ${r.status}` });

/** The first four requests of a login: AuthnRequest, selector, choice of Permanente, password page. */
export async function openLogin(t: Target): Promise<{ ok: true; login: OpenedLogin } | Failure> {
  const jar = new CookieJar();
  const start = await send(t.next(), jar, freshRedirectPath(t.publicUrl));
  if (start.status !== 303 || !start.location) return fail('AuthnRequest', start);
  const tx = txOf(start.location);
  const selector = await send(t.next(), jar, `/login/${tx}`);
  if (selector.status !== 200) return fail('selector', selector);
  const csrf = csrfOf(selector.text);
  const chosen = await send(t.next(), jar, `/login/${tx}/choose`, { csrf, method: 'permanente' });
  if (chosen.status !== 303 || chosen.location !== `${PASSWORD_PATH}/${tx}`) return fail('choose permanente', chosen);
  const page = await send(t.next(), jar, `${PASSWORD_PATH}/${tx}`);
  if (page.status !== 200) return fail('password page', page);
  return { ok: true, login: { jar, tx, csrf } };
}

/** The password step: DNI + password posted; the broker checks it and answers with the Response. */
export async function passwordStep(t: Target, l: OpenedLogin, document: string, password: string): Promise<LoginOutcome> {
  const done = await send(t.next(), l.jar, `${PASSWORD_PATH}/${l.tx}/password`, { csrf: l.csrf, document, password });
  if (done.status !== 200) return fail('password', done);
  return { ok: true, status: done.status, html: done.text };
}

/** One complete password login as a new browser. */
export async function passwordLogin(t: Target, document: string, password: string): Promise<LoginOutcome> {
  const opened = await openLogin(t);
  return opened.ok ? passwordStep(t, opened.login, document, password) : opened;
}

/** Success Response or not, cheaply: the SAMLResponse decoded, its status looked for. */
export function isSuccessResponse(html: string): boolean {
  if (!html.includes('name="SAMLResponse"')) return false;
  return samlResponseXml(readPostForm(html)).includes(`Value="${STATUS.success}"`);
}

export interface PasswordLoadOptions {
  readonly connections: number;
  readonly warmSeconds: number;
  readonly seconds: number;
  readonly documents: readonly string[];
  readonly password: string;
  readonly onWindow?: (edge: 'start' | 'end') => void;
}

/** `step` as a closed loop; an iteration counts when it ends in a Success Response. */
function loopbackOnly(t: Target): void {
  if (new URL(t.publicUrl).hostname !== '127.0.0.1') throw new Error(`the benchmark talks to 127.0.0.1 only, not ${t.publicUrl}`);
}

function runSteps(t: Target, o: PasswordLoadOptions, step: (i: number) => Promise<LoginOutcome>): Promise<ClosedLoopResult> {
  loopbackOnly(t);
  return runClosedLoop({
    concurrency: o.connections,
    warmSeconds: o.warmSeconds,
    seconds: o.seconds,
    onWindow: o.onWindow,
    iteration: async (i) => {
      const r = await step(i);
      if (!r.ok) return r.why;
      return isSuccessResponse(r.html) ? 'ok' : 'password: no Success Response';
    },
  });
}

export function runPasswordLogins(t: Target, o: PasswordLoadOptions): Promise<ClosedLoopResult> {
  return runSteps(t, o, (i) => passwordLogin(t, o.documents[i % o.documents.length]!, o.password));
}

/**
 * The password step alone: `prepared` logins are opened before the run (outside the measured
 * window), then each iteration posts one password. The run fails an iteration when they run out,
 * so `prepared` must cover every iteration of warm-up and window.
 */
export async function runPasswordSteps(t: Target, o: PasswordLoadOptions & { readonly prepared: number }): Promise<ClosedLoopResult> {
  loopbackOnly(t);
  const pool: OpenedLogin[] = [];
  let opened = 0;
  await Promise.all(
    Array.from({ length: o.connections }, async () => {
      while (opened < o.prepared) {
        opened++;
        const r = await openLogin(t);
        if (!r.ok) throw new Error(`opening a login for the password step failed: ${r.why}`);
        pool.push(r.login);
      }
    }),
  );
  return runSteps(t, o, async (i) => {
    const login = pool.pop();
    if (!login) return { ok: false, why: 'no opened login left (raise the number prepared)' };
    return passwordStep(t, login, o.documents[i % o.documents.length]!, o.password);
  });
}
