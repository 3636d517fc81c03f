// Picks the ephemeral store from configuration: Redis when ephemeral.redisUrl is set (shared by
// every broker node), else the in-memory store of this one process (embedded default).
import type { Config } from '../config.js';
import type { EphemeralStore } from './ephemeral.js';
import { createMemoryStore } from './ephemeral-memory.js';
import { createRedisStore } from './ephemeral-redis.js';

export async function openEphemeral(cfg: Config): Promise<EphemeralStore> {
  const url = cfg.ephemeral.redisUrl;
  return url ? createRedisStore(url, cfg.ephemeral.keyPrefix) : createMemoryStore();
}
