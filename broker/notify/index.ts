// Picks the transport from configuration: the development outbox under varDir, or the production
// HTTP gateway (parseConfig already insists on notify.http.url for it).
import type { Logger } from 'pino';
import { varPath, type Config } from '../config.js';
import { createHttpGatewayNotifier } from './http-gateway.js';
import type { Notifier } from './notifier.js';
import { createOutboxNotifier } from './outbox.js';

export function createNotifier(cfg: Config, log: Logger): Notifier {
  const n = cfg.notify;
  if (n.transport === 'outbox') return createOutboxNotifier(varPath(cfg, n.outboxDir));
  if (!n.http.url) throw new TypeError('notify.http.url is required when notify.transport is http');
  return createHttpGatewayNotifier({ url: n.http.url, token: n.http.token, timeoutMs: n.http.timeoutMs, retries: n.http.retries, log });
}
