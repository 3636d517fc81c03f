// Pushes to a device's own HTTPS endpoint (PushAddress kind 'webhook'): one POST of the notice as
// JSON, with a timeout and without following redirects (a redirect could lead the broker's request
// anywhere). One attempt: the message also waits in the device's inbox, and a PIN falls back to
// SMS, so a retry would add load and nothing else. Neither the URL nor the body is logged.
import { NotifyError } from './notifier.js';

export interface WebhookPoster {
  post(url: string, body: unknown): Promise<void>;
}

export function createWebhookPoster(opts: { timeoutMs: number }): WebhookPoster {
  return {
    async post(url, body) {
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
          redirect: 'manual',
          signal: AbortSignal.timeout(opts.timeoutMs),
        });
      } catch (err) {
        const e = err as Error;
        throw new NotifyError(e.name === 'TimeoutError' ? `webhook: no answer within ${opts.timeoutMs} ms` : `webhook: network error: ${e.message}`);
      }
      await res.arrayBuffer().catch(() => undefined);
      if (res.status < 200 || res.status > 299) throw new NotifyError(`webhook answered ${res.status}`);
    },
  };
}
