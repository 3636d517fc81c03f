// Permanente's one-time codes by SMS or e-mail (seed 000 §5.2, §5.7.5; seed 003): 6 digits,
// single use, codeValiditySeconds, codeMaxAttempts wrong entries void it. Sending is limited per
// person and per IP address. Used for the reinforced login and to confirm activation, recovery
// and every change on the management pages.
import { randomInt } from 'node:crypto';
import type { Response } from 'express';
import type { ConnectorContext } from '../connector.js';
import type { Person } from '../../broker/identity/person.js';
import { createOneTimeCodes, type CodeCheck, type OneTimeCodes } from '../../broker/flow/one-time-codes.js';

const HOUR = 3_600_000;

export type CodeChannel = 'sms' | 'email';
export type SendOutcome = 'sent' | 'rate-limited' | 'no-address' | 'failed';

export interface PermanenteCodes {
  /** sends a new code for `key` (replacing any earlier one) to the person's phone or e-mail */
  send(res: Response, key: string, person: Person, channel: CodeChannel, purposeKey: string, ip: string): Promise<SendOutcome>;
  check(key: string, typed: string): Promise<CodeCheck>;
  hasLive(key: string): Promise<boolean>;
  discard(key: string): Promise<void>;
}

export function sixDigitCode(): string {
  return String(randomInt(1_000_000)).padStart(6, '0');
}

export function createPermanenteCodes(ctx: ConnectorContext): PermanenteCodes {
  const opts = ctx.config.connectors.permanente;
  const codes: OneTimeCodes = createOneTimeCodes(ctx.ephemeral, {
    namespace: 'permanente-code',
    validityMs: opts.codeValiditySeconds * 1000,
    maxAttempts: opts.codeMaxAttempts,
    now: ctx.now,
    normalise: (typed) => typed.replace(/\s+/g, ''),
  });
  return {
    async send(res, key, person, channel, purposeKey, ip) {
      const to = channel === 'sms' ? person.mobile : person.email;
      if (!to) return 'no-address';
      const withinIp = await ctx.rateLimit.hit(`permanente-code:ip:${ip}`, opts.codesPerIpPerHour, HOUR);
      const withinPerson = await ctx.rateLimit.hit(`permanente-code:person:${person.id}`, opts.codesPerPersonPerHour, HOUR);
      if (!withinIp || !withinPerson) return 'rate-limited';
      const code = sixDigitCode();
      await codes.issue(key, person.id, code, { channel });
      const minutes = String(Math.round(opts.codeValiditySeconds / 60));
      const purpose = ctx.pages.t(res, purposeKey);
      const text = ctx.pages.t(res, 'permanente.code.text', { code, purpose, minutes });
      try {
        await ctx.notify.send({ channel, to, text, code, ...(channel === 'email' ? { subject: ctx.pages.t(res, 'permanente.code.subject') } : {}) });
        return 'sent';
      } catch (err) {
        ctx.log.error({ err: (err as Error).message, channel }, 'one-time code delivery failed');
        await codes.discard(key);
        return 'failed';
      }
    },
    check: (key, typed) => codes.check(key, typed),
    hasLive: async (key) => (await codes.meta(key)) !== undefined,
    discard: (key) => codes.discard(key),
  };
}
