// The one-time code that lets the app bind a device key to a person (issue 4, seed 000 §3.3.2):
// 6 digits, sent by SMS to the registered mobile (10 minutes) or issued by a registrar after an
// in-person or certificate-verified identification (longer validity), one live code per person,
// 5 wrong entries void it. Both kinds live in the broker's one-time code store under the
// person's document number, so the app uses them alike; checks use the longest validity for
// their attempt counter, so waiting never resets the count.
import { randomInt } from 'node:crypto';
import type { EphemeralStore } from '../../store/ephemeral.js';
import { createOneTimeCodes, type CodeCheck } from '../../flow/one-time-codes.js';

export type ActivationCodeOrigin = 'sms' | 'registrar';

export interface ActivationCodes {
  issue(documentNumber: string, personId: string, origin: ActivationCodeOrigin): Promise<{ code: string; expiresAt: Date }>;
  check(documentNumber: string, typed: string): Promise<CodeCheck>;
}

export function newDeviceActivationCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

export function createActivationCodes(store: EphemeralStore, opts: { smsValidityMs: number; registrarValidityMs: number; maxAttempts: number; now: () => Date }): ActivationCodes {
  const codes = (validityMs: number) => createOneTimeCodes(store, { namespace: 'device-activation', validityMs, maxAttempts: opts.maxAttempts, now: opts.now, normalise: (t) => t.replace(/\s+/g, '') });
  const byOrigin = { sms: codes(opts.smsValidityMs), registrar: codes(opts.registrarValidityMs) };
  const checker = codes(Math.max(opts.smsValidityMs, opts.registrarValidityMs));
  return {
    async issue(documentNumber, personId, origin) {
      const code = newDeviceActivationCode();
      await byOrigin[origin].issue(documentNumber, personId, code, { origin });
      const validityMs = origin === 'sms' ? opts.smsValidityMs : opts.registrarValidityMs;
      return { code, expiresAt: new Date(opts.now().getTime() + validityMs) };
    },
    check: (documentNumber, typed) => checker.check(documentNumber, typed),
  };
}
