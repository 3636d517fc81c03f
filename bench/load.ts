// SSO round trips under load with autocannon: every request a fresh Redirect AuthnRequest (new
// ID, current IssueInstant) carrying the live session's cookies. Only a 200 whose body is the
// auto-post form with a SAMLResponse counts as a round trip; anything else is reported.
import autocannon from 'autocannon';
import { freshRedirectPath } from './authn-requests.js';

export interface LoadResult {
  /** successful round trips per second over the measured time */
  readonly perSecond: number;
  readonly ok: number;
  /** 200 without a SAMLResponse (selector page, error page) */
  readonly notSso: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly seconds: number;
  readonly latencyMs: { p50: number; p99: number };
}

export async function runLoad(base: string, cookie: string, opts: { connections: number; seconds: number }): Promise<LoadResult> {
  const url = new URL(base);
  if (url.hostname !== '127.0.0.1') throw new Error(`the benchmark talks to 127.0.0.1 only, not ${url.hostname}`);
  let ok = 0;
  let notSso = 0;
  const started = performance.now();
  const result = await autocannon({
    url: base,
    connections: opts.connections,
    duration: opts.seconds,
    timeout: 10,
    headers: { cookie },
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => ({ ...req, path: freshRedirectPath(base) }),
        onResponse: (status, body) => {
          if (status === 200 && body.includes('name="SAMLResponse"')) ok++;
          else if (status === 200) notSso++;
        },
      },
    ],
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    perSecond: Math.round(ok / seconds),
    ok,
    notSso,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: Math.round(seconds * 10) / 10,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
  };
}
