// Picks the transport from configuration: the development outbox under varDir, or the production
// HTTP gateway (parseConfig already insists on notify.http.url for it). Pushes to a device's own
// webhook bypass both.
import type { Logger } from 'pino';
import { varPath, type Config } from '../config.js';
import { createHttpGatewayNotifier } from './http-gateway.js';
import type { Notifier } from './notifier.js';
import { createOutboxNotifier } from './outbox.js';
import { createWebhookPoster, type WebhookPoster } from './webhook.js';

export function createNotifier(cfg: Config, log: Logger): Notifier {
  return routeWebhookPushes(createTransport(cfg, log), createWebhookPoster({ timeoutMs: cfg.notify.push.webhookTimeoutMs }));
}

function createTransport(cfg: Config, log: Logger): Notifier {
  const n = cfg.notify;
  if (n.transport === 'outbox') return createOutboxNotifier(varPath(cfg, n.outboxDir));
  if (!n.http.url) throw new TypeError('notify.http.url is required when notify.transport is http');
  return createHttpGatewayNotifier({ url: n.http.url, token: n.http.token, timeoutMs: n.http.timeoutMs, retries: n.http.retries, log });
}

/** a device with its own webhook is posted to directly; push tokens go through the transport */
function routeWebhookPushes(transport: Notifier, webhook: WebhookPoster): Notifier {
  return {
    send: (message) => (message.push?.address.kind === 'webhook' ? webhook.post(message.push.address.url, message.push.notice) : transport.send(message)),
  };
}
