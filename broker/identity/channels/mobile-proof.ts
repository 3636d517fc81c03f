// Proof that whoever types a mobile number holds it (issue 9), before it becomes a person's SMS
// second factor and their "one person per mobile" key: a 6-digit code sent by SMS to that number
// and typed back in the same visit. Without it anyone could claim a stranger's number, blocking
// that stranger's registration and receiving their codes. The codes are the broker's one-time
// codes (flow/one-time-codes.ts: single use, salted hash, constant-time compare), issued for the
// number itself, so a code proves exactly the number it was sent to.
import { randomInt } from 'node:crypto';
import type { EphemeralStore } from '../../store/ephemeral.js';
import type { Notifier } from '../../notify/notifier.js';
import type { RateLimiter } from '../../flow/rate-limit.js';
import { createOneTimeCodes } from '../../flow/one-time-codes.js';

const HOUR = 3_600_000;
export const MOBILE_CODE_VALIDITY_MS = 10 * 60_000;
export const MOBILE_CODE_MAX_WRONG = 5;
/** codes sent per person (or visit) and per client address in an hour: each is an SMS we pay for and a stranger may receive */
export const MOBILE_CODES_PER_PERSON_PER_HOUR = 5;
export const MOBILE_CODES_PER_IP_PER_HOUR = 20;

export type MobileCheck = { outcome: 'proved' } | { outcome: 'wrong'; attemptsLeft: number } | { outcome: 'voided' };

export interface MobileProof {
  /**
   * Sends a new code to `mobile` under `key` (replacing an earlier one); false, and nothing
   * sent, when the person's or the address's hourly limit is reached.
   */
  send(key: string, mobile: string, limits: { readonly person: string; readonly ip: string }, text: (code: string) => string): Promise<boolean>;
  /** whether `typed` is the live code sent under `key` to `mobile`; expired, used or voided all answer 'voided' */
  check(key: string, mobile: string, typed: string): Promise<MobileCheck>;
}

export function createMobileProof(deps: {
  readonly namespace: string;
  readonly ephemeral: EphemeralStore;
  readonly notify: Notifier;
  readonly rateLimit: RateLimiter;
  readonly now: () => Date;
}): MobileProof {
  const codes = createOneTimeCodes(deps.ephemeral, {
    namespace: deps.namespace,
    validityMs: MOBILE_CODE_VALIDITY_MS,
    maxAttempts: MOBILE_CODE_MAX_WRONG,
    now: deps.now,
    normalise: (typed) => typed.replace(/\s+/g, ''),
  });
  return {
    async send(key, mobile, limits, text) {
      // both counted on every request, so neither limit is dodged by varying the other
      const withinPerson = await deps.rateLimit.hit(`${deps.namespace}:person:${limits.person}`, MOBILE_CODES_PER_PERSON_PER_HOUR, HOUR);
      const withinIp = await deps.rateLimit.hit(`${deps.namespace}:ip:${limits.ip}`, MOBILE_CODES_PER_IP_PER_HOUR, HOUR);
      if (!withinPerson || !withinIp) return false;
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      await codes.issue(key, mobile, code);
      await deps.notify.send({ channel: 'sms', to: mobile, text: text(code), code });
      return true;
    },
    async check(key, mobile, typed) {
      const result = await codes.check(key, typed);
      if (result.outcome === 'wrong') return result;
      if (result.outcome === 'ok' && result.personId === mobile) return { outcome: 'proved' };
      return { outcome: 'voided' };
    },
  };
}
