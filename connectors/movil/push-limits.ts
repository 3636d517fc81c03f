// Limits against push-bombing (issue 4): requests per IP address and per typed DNI/NIE in an hour,
// and a cool-down once a person has refused `refusalsBeforeCooldown` requests within
// `cooldownSeconds` — after that nobody can send them a request for `cooldownSeconds`. The
// per-document limit counts the typed document whether or not it belongs to anybody, so hitting
// it tells nothing about who is registered.
import type { ConnectorContext } from '../connector.js';

const HOUR = 3_600_000;

export interface PushLimits {
  /** counts one request from this address; false once over the hourly limit */
  hitIp(ip: string): Promise<boolean>;
  /** counts one push to this document; false once over the hourly limit */
  hitDocument(document: string): Promise<boolean>;
  coolingDown(personId: string): Promise<boolean>;
  /** counts a refusal; starts the cool-down at the configured number */
  refused(personId: string): Promise<void>;
}

export function createPushLimits(ctx: ConnectorContext): PushLimits {
  const opts = ctx.config.connectors.movil;
  const cooldownMs = opts.cooldownSeconds * 1000;
  const cooldownKey = (personId: string) => `movil:cooldown:${personId}`;
  return {
    hitIp: (ip) => ctx.rateLimit.hit(`movil-request:ip:${ip}`, opts.requestsPerIpPerHour, HOUR),
    hitDocument: (document) => ctx.rateLimit.hit(`movil-request:doc:${document}`, opts.requestsPerPersonPerHour, HOUR),
    coolingDown: async (personId) => (await ctx.ephemeral.get(cooldownKey(personId))) !== null,
    async refused(personId) {
      const count = await ctx.ephemeral.incr(`movil:refusals:${personId}`, cooldownMs);
      if (count >= opts.refusalsBeforeCooldown) await ctx.ephemeral.set(cooldownKey(personId), '1', cooldownMs);
    },
  };
}
