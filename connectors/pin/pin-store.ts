// One PIN per login transaction in the ephemeral store: valid for validitySeconds, single use
// (consumed with an atomic take, so of two concurrent correct entries exactly one wins), voided
// after maxAttempts wrong entries (an atomic counter shared by every broker node). A request for
// an unknown person stores a record no entry can match, so both cases behave alike.
import type { EphemeralStore } from '../../broker/store/ephemeral.js';
import { constantEquals } from '../../broker/constant-equals.js';
import { hashEntry, newSalt } from './pin-code.js';

interface PinRecord {
  readonly personId: string | null;
  readonly salt: string;
  readonly hash: string;
  readonly personalised: boolean;
  /** epoch ms; checked against the broker's clock, the store's TTL only cleans up */
  readonly expiresAt: number;
}

export type PinCheck = { outcome: 'ok'; personId: string } | { outcome: 'wrong'; attemptsLeft: number } | { outcome: 'voided' };

const KEY = (txId: string) => `pin:${txId}`;
const ATTEMPTS = (txId: string) => `pin:${txId}:attempts`;

export interface PinStore {
  /** replaces any earlier PIN of this transaction; `entry` is personal code + PIN, or null for nobody */
  issue(txId: string, personId: string | null, entry: string | null, personalised: boolean): Promise<void>;
  isPersonalised(txId: string): Promise<boolean | undefined>;
  check(txId: string, typed: string): Promise<PinCheck>;
}

export function createPinStore(store: EphemeralStore, opts: { validityMs: number; maxAttempts: number; now: () => Date }): PinStore {
  return {
    async issue(txId, personId, entry, personalised) {
      const salt = newSalt();
      // For nobody, the hash of random bytes: no typed text can match it.
      const record: PinRecord = { personId, salt, hash: hashEntry(salt, entry ?? newSalt()), personalised, expiresAt: opts.now().getTime() + opts.validityMs };
      await store.del(ATTEMPTS(txId));
      await store.set(KEY(txId), JSON.stringify(record), opts.validityMs);
    },
    async isPersonalised(txId) {
      const raw = await store.get(KEY(txId));
      return raw ? (JSON.parse(raw) as PinRecord).personalised : undefined;
    },
    async check(txId, typed) {
      const attempts = await store.incr(ATTEMPTS(txId), opts.validityMs);
      if (attempts > opts.maxAttempts) {
        await store.del(KEY(txId));
        return { outcome: 'voided' };
      }
      const raw = await store.get(KEY(txId));
      if (!raw) return { outcome: 'voided' };
      const record = JSON.parse(raw) as PinRecord;
      if (record.expiresAt <= opts.now().getTime()) {
        await store.del(KEY(txId));
        return { outcome: 'voided' };
      }
      if (!constantEquals(hashEntry(record.salt, typed), record.hash) || record.personId === null) {
        if (attempts >= opts.maxAttempts) {
          await store.del(KEY(txId));
          return { outcome: 'voided' };
        }
        return { outcome: 'wrong', attemptsLeft: opts.maxAttempts - attempts };
      }
      // Single use: only the caller whose take returns the record may log in.
      const taken = await store.take(KEY(txId));
      if (taken !== raw) return { outcome: 'voided' };
      return { outcome: 'ok', personId: record.personId };
    },
  };
}
