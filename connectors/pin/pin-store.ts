// One PIN per login transaction (seed 000 §4: 10 minutes, single use, 5 wrong entries void it),
// kept by the broker's one-time code store; the entry is the personal code (if chosen) + PIN.
import type { EphemeralStore } from '../../broker/store/ephemeral.js';
import { createOneTimeCodes, type CodeCheck } from '../../broker/flow/one-time-codes.js';
import { normaliseEntry } from './pin-code.js';

export type PinCheck = CodeCheck;

export interface PinStore {
  /** replaces any earlier PIN of this transaction; `entry` is personal code + PIN, or null for nobody */
  issue(txId: string, personId: string | null, entry: string | null, personalised: boolean): Promise<void>;
  isPersonalised(txId: string): Promise<boolean | undefined>;
  check(txId: string, typed: string): Promise<PinCheck>;
}

export function createPinStore(store: EphemeralStore, opts: { validityMs: number; maxAttempts: number; now: () => Date }): PinStore {
  const codes = createOneTimeCodes(store, { ...opts, namespace: 'pin', normalise: normaliseEntry });
  return {
    issue: (txId, personId, entry, personalised) => codes.issue(txId, personId, entry, { personalised }),
    async isPersonalised(txId) {
      const meta = await codes.meta(txId);
      return meta === undefined ? undefined : meta.personalised === true;
    },
    check: (txId, typed) => codes.check(txId, typed),
  };
}
