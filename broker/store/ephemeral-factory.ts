// Picks the ephemeral store from configuration: Redis when ephemeral.redisUrl is set (shared by
// every broker node), else the in-memory store of this one process (embedded default).
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { EphemeralStore } from './ephemeral.js';
import { createMemoryStore } from './ephemeral-memory.js';
import { createRedisStore } from './ephemeral-redis.js';

// A Redis that is down when a node starts does not stop it: exiting would only make a supervisor
// restart it in a loop. The node stays up, not ready (/readyz 503), and becomes ready when Redis answers.
export async function openEphemeral(cfg: Config, log?: Logger): Promise<EphemeralStore> {
  const url = cfg.ephemeral.redisUrl;
  if (!url) return createMemoryStore();
  return createRedisStore(url, cfg.ephemeral.keyPrefix, {
    onUnreachable: (message) => log?.error(`${message}; not ready (/readyz 503) until Redis answers, retrying`),
    onConnected: () => log?.info('Redis answers: ready'),
  });
}
