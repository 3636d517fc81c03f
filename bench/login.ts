// One real login over HTTP (fetch, a tiny cookie jar): AuthnRequest → selector → Cl@ve PIN →
// PIN read from the broker's outbox → Response. What the benchmark keeps is the cookies, among
// them the live SSO session every later round trip reuses.
import assert from 'node:assert/strict';
import { csrfOf, readPinFromOutbox, txOf, CARMEN } from '../tests/helpers/flow-driver.js';
import { COOKIE_SSO } from '../broker/flow/cookies.js';
import { freshRedirectPath } from './authn-requests.js';

export class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/max-age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  has(name: string): boolean {
    return this.cookies.has(name);
  }
}

export async function send(base: string, jar: CookieJar, path: string, form?: Record<string, string>): Promise<{ status: number; location: string | null; text: string }> {
  const res = await fetch(base + path, {
    method: form ? 'POST' : 'GET',
    redirect: 'manual',
    headers: { cookie: jar.header(), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    body: form ? new URLSearchParams(form).toString() : undefined,
    signal: AbortSignal.timeout(10_000),
  });
  jar.take(res);
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

/** Logs CARMEN in with the PIN connector; returns the jar holding the SSO session cookie. */
export async function loginOnce(base: string, varDir: string): Promise<CookieJar> {
  const jar = new CookieJar();
  const start = await send(base, jar, freshRedirectPath(base));
  assert.equal(start.status, 303, `SSO start: ${start.status} ${start.text.slice(0, 300)}`);
  const tx = txOf(start.location!);
  const selector = await send(base, jar, `/login/${tx}`);
  assert.equal(selector.status, 200, 'selector');
  const csrf = csrfOf(selector.text);
  const chosen = await send(base, jar, `/login/${tx}/choose`, { csrf, method: 'pin' });
  assert.equal(chosen.status, 303, 'choose pin');
  assert.equal((await send(base, jar, `/connectors/pin/${tx}`)).status, 200, 'pin page');
  const since = Date.now();
  const requested = await send(base, jar, `/connectors/pin/${tx}/request`, { csrf, document: CARMEN.document, documentDate: CARMEN.documentDate!, supportNumber: '' });
  assert.equal(requested.status, 303, `pin request: ${requested.text.slice(0, 300)}`);
  const pin = await readPinFromOutbox(varDir, CARMEN.mobile, since);
  const done = await send(base, jar, `/connectors/pin/${tx}/code`, { csrf, pin: pin.toLowerCase() });
  assert.equal(done.status, 200, `pin code: ${done.text.slice(0, 300)}`);
  assert.match(done.text, /name="SAMLResponse"/, 'the login ends with a Response');
  assert.ok(jar.has(COOKIE_SSO), 'the login left an SSO session cookie');
  return jar;
}
