// express-session's Store over the ephemeral store, so a management session is valid on every
// broker node. Each record keeps when it was last seen and when the session began, judged by the
// broker clock: the idle lifetime (admin.sessionIdleSeconds) and the absolute one
// (admin.sessionAbsoluteSeconds) hold whatever the store's own expiry does, and the record's TTL
// only lets the store forget it.
import session, { type SessionData } from 'express-session';
import type { EphemeralStore } from '../../store/ephemeral.js';

export interface SessionLifetimes {
  readonly idleMs: number;
  readonly absoluteMs: number;
}

interface Stored {
  readonly sess: SessionData;
  /** ms since the epoch, broker clock */
  readonly seenAt: number;
  readonly startedAt: number;
}

export class EphemeralSessionStore extends session.Store {
  constructor(
    private readonly store: EphemeralStore,
    private readonly lifetimes: SessionLifetimes,
    private readonly now: () => Date,
    /** keeps the management and the staff sessions apart in the one store */
    private readonly prefix: string = 'admin-session',
  ) {
    super();
  }

  private key(sid: string): string {
    return `${this.prefix}:${sid}`;
  }

  private async read(sid: string): Promise<Stored | null> {
    const raw = await this.store.get(this.key(sid));
    if (!raw) return null;
    const stored = JSON.parse(raw) as Stored;
    const at = this.now().getTime();
    if (at - stored.seenAt >= this.lifetimes.idleMs || at - stored.startedAt >= this.lifetimes.absoluteMs) {
      await this.store.del(this.key(sid));
      return null;
    }
    return stored;
  }

  private async write(sid: string, sess: SessionData, startedAt: number | undefined): Promise<void> {
    const at = this.now().getTime();
    const remaining = Math.min(this.lifetimes.idleMs, (startedAt ?? at) + this.lifetimes.absoluteMs - at);
    if (remaining <= 0) return this.store.del(this.key(sid));
    const stored: Stored = { sess, seenAt: at, startedAt: startedAt ?? at };
    await this.store.set(this.key(sid), JSON.stringify(stored), remaining);
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    this.read(sid).then((s) => callback(null, s?.sess ?? null), callback);
  }

  override set(sid: string, sess: SessionData, callback?: (err?: unknown) => void): void {
    this.store
      .get(this.key(sid))
      .then((raw) => this.write(sid, sess, raw ? (JSON.parse(raw) as Stored).startedAt : undefined))
      .then(() => callback?.(), (err: unknown) => callback?.(err));
  }

  override touch(sid: string, sess: SessionData, callback?: () => void): void {
    this.read(sid)
      .then((s) => (s ? this.write(sid, sess, s.startedAt) : undefined))
      .then(() => callback?.(), () => callback?.());
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.store.del(this.key(sid)).then(() => callback?.(), (err: unknown) => callback?.(err));
  }
}
