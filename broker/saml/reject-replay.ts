// The replay cache (saml-attacks.md "replay"): a message ID is accepted once per issuer. The key
// is created atomically in the shared ephemeral store, so two broker nodes receiving the same
// message at the same moment cannot both accept it.
import { BrokerError, type ReplyTarget } from '../errors.js';
import type { EphemeralStore } from '../store/ephemeral.js';

/** Refuse when `key` was seen within `ttlMs`; remember it otherwise. */
export async function rejectReplay(store: EphemeralStore, key: string, ttlMs: number, replyTo?: ReplyTarget): Promise<void> {
  const first = await store.setIfAbsent(key, '1', ttlMs);
  if (!first) throw new BrokerError('request-rejected', 'This request was already received.', `replay of ${key}`, replyTo);
}
