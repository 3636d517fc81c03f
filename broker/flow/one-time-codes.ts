// Short one-time codes in the ephemeral store (Cl@ve PIN, Permanente's SMS and e-mail codes):
// valid until expiresAt on the broker's clock, single use (consumed with an atomic take, so of two
// concurrent correct entries exactly one wins), voided after maxAttempts wrong entries (an atomic
// counter shared by every node). Only a salted hash is stored. A code issued for nobody (unknown
// person) is a record no entry can match, so both cases behave alike.
import { createHash, randomBytes } from 'node:crypto';
import type { EphemeralStore } from '../store/ephemeral.js';
import { constantEquals } from '../constant-equals.js';

interface CodeRecord {
  readonly personId: string | null;
  readonly salt: string;
  readonly hash: string;
  readonly meta: Readonly<Record<string, string | boolean>>;
  /** epoch ms; checked against the broker's clock, the store's TTL only cleans up */
  readonly expiresAt: number;
}

/** voided: too many wrong entries, used, or never issued; expired: issued, unused, past its validity */
export type CodeCheck = { outcome: 'ok'; personId: string } | { outcome: 'wrong'; attemptsLeft: number } | { outcome: 'voided' } | { outcome: 'expired' };

export interface OneTimeCodes {
  /** replaces any earlier code under `key`; `code` null issues one for nobody */
  issue(key: string, personId: string | null, code: string | null, meta?: Readonly<Record<string, string | boolean>>): Promise<void>;
  /** the metadata of a live code, undefined when there is none */
  meta(key: string): Promise<Readonly<Record<string, string | boolean>> | undefined>;
  check(key: string, typed: string): Promise<CodeCheck>;
  discard(key: string): Promise<void>;
}

export interface OneTimeCodeOptions {
  /** key prefix in the ephemeral store */
  readonly namespace: string;
  readonly validityMs: number;
  readonly maxAttempts: number;
  readonly now: () => Date;
  /** what a typed code is compared as (e.g. upper-case, no spaces) */
  readonly normalise: (typed: string) => string;
}

export function createOneTimeCodes(store: EphemeralStore, opts: OneTimeCodeOptions): OneTimeCodes {
  const KEY = (key: string) => `${opts.namespace}:${key}`;
  const ATTEMPTS = (key: string) => `${opts.namespace}:${key}:attempts`;
  const digest = (salt: string, text: string) => createHash('sha256').update(salt).update('\0').update(opts.normalise(text)).digest('base64url');
  const newSalt = () => randomBytes(16).toString('base64url');
  return {
    async issue(key, personId, code, meta = {}) {
      const salt = newSalt();
      // For nobody, the hash of random bytes: no typed text can match it.
      const record: CodeRecord = { personId, salt, hash: digest(salt, code ?? newSalt()), meta, expiresAt: opts.now().getTime() + opts.validityMs };
      await store.del(ATTEMPTS(key));
      // kept a minute past its validity, so a late entry is told "expired", not "unknown"
      await store.set(KEY(key), JSON.stringify(record), opts.validityMs + 60_000);
    },
    async meta(key) {
      const raw = await store.get(KEY(key));
      return raw ? (JSON.parse(raw) as CodeRecord).meta : undefined;
    },
    async check(key, typed) {
      const attempts = await store.incr(ATTEMPTS(key), opts.validityMs + 60_000);
      if (attempts > opts.maxAttempts) {
        await store.del(KEY(key));
        return { outcome: 'voided' };
      }
      const raw = await store.get(KEY(key));
      if (!raw) return { outcome: 'voided' };
      const record = JSON.parse(raw) as CodeRecord;
      if (record.expiresAt <= opts.now().getTime()) {
        await store.del(KEY(key));
        return { outcome: 'expired' };
      }
      if (!constantEquals(digest(record.salt, typed), record.hash) || record.personId === null) {
        if (attempts >= opts.maxAttempts) {
          await store.del(KEY(key));
          return { outcome: 'voided' };
        }
        return { outcome: 'wrong', attemptsLeft: opts.maxAttempts - attempts };
      }
      // Single use: only the caller whose take returns the record may go on.
      const taken = await store.take(KEY(key));
      if (taken !== raw) return { outcome: 'voided' };
      return { outcome: 'ok', personId: record.personId };
    },
    discard: (key) => store.del(KEY(key)),
  };
}
