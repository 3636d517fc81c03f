// A device's inbox (issue 4): every message pushed to the app is also kept here until the app
// fetches it with a signed call, so an app without a working push service still gets it by
// polling, and fetching is what tells the broker the app has the message (the SMS fallback of a
// PIN waits on it). Kept in the ephemeral store: a ring of `max` slots per device, each message
// under slot seq % max with its own TTL, the sequence an atomic counter, so concurrent pushes
// from several nodes never overwrite each other's messages and a flood only replaces the oldest.
import type { EphemeralStore } from '../../store/ephemeral.js';
import type { AppMessage } from './model.js';

export interface DeviceInbox {
  /** keeps the message; returns its sequence number in this inbox */
  put(deviceId: string, message: AppMessage): Promise<number>;
  /** the messages not fetched yet, oldest first; they leave the inbox */
  takeAll(deviceId: string): Promise<AppMessage[]>;
  /** whether the message is still waiting (not fetched, not expired, not pushed out by newer ones) */
  holds(deviceId: string, seq: number, messageId: string): Promise<boolean>;
}

interface Slot {
  readonly seq: number;
  readonly message: AppMessage;
}

/** the sequence counter outlives every message by far; its TTL is only cleanup of idle devices */
const SEQUENCE_TTL_MS = 400 * 24 * 3_600_000;

export function createDeviceInbox(store: EphemeralStore, opts: { ttlMs: number; max: number }): DeviceInbox {
  const SEQ = (deviceId: string) => `inbox:${deviceId}:seq`;
  const SLOT = (deviceId: string, seq: number) => `inbox:${deviceId}:${seq % opts.max}`;
  const read = (raw: string | null): Slot | undefined => (raw ? (JSON.parse(raw) as Slot) : undefined);

  return {
    async put(deviceId, message) {
      const seq = await store.incr(SEQ(deviceId), SEQUENCE_TTL_MS);
      await store.set(SLOT(deviceId, seq), JSON.stringify({ seq, message } satisfies Slot), opts.ttlMs);
      return seq;
    },
    async takeAll(deviceId) {
      const last = Number((await store.get(SEQ(deviceId))) ?? 0);
      const out: AppMessage[] = [];
      for (let seq = Math.max(1, last - opts.max + 1); seq <= last; seq++) {
        const raw = await store.take(SLOT(deviceId, seq));
        const slot = read(raw);
        if (!slot) continue;
        if (slot.seq === seq) out.push(slot.message);
        // a message pushed after we read the counter took this slot: it stays for the next fetch
        else if (slot.seq > last) await store.set(SLOT(deviceId, seq), raw!, opts.ttlMs);
      }
      return out;
    },
    async holds(deviceId, seq, messageId) {
      const slot = read(await store.get(SLOT(deviceId, seq)));
      return slot?.seq === seq && slot.message.id === messageId;
    },
  };
}
