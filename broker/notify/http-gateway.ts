// The production transport: POST {channel, to, subject, text} (a push to a token adds {token,
// notice}) as JSON to the gateway with a bearer
// token. Each attempt has its own timeout; network errors, timeouts and 5xx are retried after a
// short, growing pause; a 4xx is our mistake and is not. The text carries the one-time code, so
// neither it nor the recipient is ever logged: only the channel, the attempt and the outcome.
import type { Logger } from 'pino';
import { NotifyError, type Notifier, type OutgoingMessage } from './notifier.js';

export interface HttpGatewayOptions {
  url: string;
  token?: string | undefined;
  /** per attempt */
  timeoutMs: number;
  /** further attempts after the first */
  retries: number;
  /** pause before retry n is backoffMs * 2^(n-1) */
  backoffMs?: number;
  log?: Pick<Logger, 'warn'>;
}

class Retryable extends Error {}

export function createHttpGatewayNotifier(opts: HttpGatewayOptions): Notifier {
  const backoffMs = opts.backoffMs ?? 200;

  async function attempt(body: string): Promise<void> {
    let res: Response;
    try {
      res = await fetch(opts.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}) },
        body,
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
    } catch (err) {
      const e = err as Error;
      throw new Retryable(e.name === 'TimeoutError' ? `no answer within ${opts.timeoutMs} ms` : `network error: ${e.message}`);
    }
    await res.arrayBuffer().catch(() => undefined); // free the connection
    if (res.status >= 500) throw new Retryable(`gateway answered ${res.status}`);
    if (!res.ok) throw new NotifyError(`gateway refused the message: ${res.status}`);
  }

  return {
    async send(message: OutgoingMessage) {
      // the code travels inside the text only, as the person will read it
      // a push to a token names the token and the notice; the gateway talks to the push service
      const token = message.push?.address.kind === 'token' ? { token: message.push.address.token, notice: message.push.notice } : {};
      const body = JSON.stringify({ channel: message.channel, to: message.to, subject: message.subject, text: message.text, ...token });
      let last = '';
      for (let n = 0; n <= opts.retries; n++) {
        if (n > 0) await new Promise((r) => setTimeout(r, backoffMs * 2 ** (n - 1)));
        try {
          return await attempt(body);
        } catch (err) {
          if (!(err instanceof Retryable)) throw err;
          last = err.message;
          opts.log?.warn({ channel: message.channel, attempt: n + 1, of: opts.retries + 1, problem: last }, 'notify gateway attempt failed');
        }
      }
      throw new NotifyError(`gateway delivery failed after ${opts.retries + 1} attempts: ${last}`);
    },
  };
}
