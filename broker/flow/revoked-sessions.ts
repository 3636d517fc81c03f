// A per-person "sessions valid after" mark in the ephemeral store: every SSO, self-service,
// management and staff session of the person that began at or before the mark is over. Renunciation sets
// it, so all of a person's sessions on every node end at once without a list of them and without
// a database statement on the SSO hot path (one ephemeral read where a session is read). The mark
// lives as long as the longest session could: after that no older session can be alive anyway.
import type { EphemeralStore } from '../store/ephemeral.js';
import type { Config } from '../config.js';

const KEY = (personId: string) => `sessions-revoked:${personId}`;

export interface RevokedSessions {
  /** every session of the person begun at or before `at` is over, on every node */
  revokeAllOf(personId: string, at: Date): Promise<void>;
  /** whether a session of the person begun at `startedAt` (epoch ms) was revoked */
  isRevoked(personId: string, startedAt: number): Promise<boolean>;
}

export function createRevokedSessions(store: EphemeralStore, longestSessionMs: number): RevokedSessions {
  return {
    async revokeAllOf(personId, at) {
      await store.set(KEY(personId), String(at.getTime()), longestSessionMs);
    },
    async isRevoked(personId, startedAt) {
      const mark = await store.get(KEY(personId));
      return mark !== null && startedAt <= Number(mark);
    },
  };
}

/** the mark as this configuration needs it: kept for the longest session lifetime it allows */
export function revokedSessionsFor(cfg: Config, store: EphemeralStore): RevokedSessions {
  return createRevokedSessions(store, Math.max(cfg.flow.ssoAbsoluteSeconds, cfg.admin.sessionAbsoluteSeconds, cfg.staff.sessionAbsoluteSeconds) * 1000);
}
