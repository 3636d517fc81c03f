// The broker SSO session: which person authenticated how, and which SPs received an assertion
// (with the NameID and SessionIndex each got, for single logout). Its id lives in a cookie that
// ends with the browser; the server enforces an idle and an absolute lifetime. A new id is issued
// after every authentication or step-up (session fixation).
import type { Request, Response } from 'express';
import type { Config } from '../config.js';
import type { EphemeralStore } from '../store/ephemeral.js';
import type { Authentication } from './login-transaction.js';
import { COOKIE_SSO, clearCookie, readCookie, setCookie } from './cookies.js';
import { randomId } from './random-id.js';
import { revokedSessionsFor } from './revoked-sessions.js';

export interface SsoParticipant {
  readonly spEntityID: string;
  readonly nameID: string;
  readonly nameIDFormat: string;
  readonly sessionIndex: string;
}

export interface SsoSession {
  readonly id: string;
  readonly authentication: Authentication;
  readonly participants: readonly SsoParticipant[];
  readonly createdAt: number;
  readonly lastSeenAt: number;
}

const KEY = (id: string) => `sso:${id}`;
const ID = /^[A-Za-z0-9_-]{22}$/;
const TOUCH_AFTER_MS = 60_000;

export interface SsoSessions {
  /** the browser's live session, or undefined (expired sessions are removed) */
  current(req: Request): Promise<SsoSession | undefined>;
  /** start a new session for a fresh authentication, replacing (and destroying) any current one */
  start(req: Request, res: Response, authentication: Authentication): Promise<SsoSession>;
  addParticipant(session: SsoSession, participant: SsoParticipant): Promise<SsoSession>;
  destroy(res: Response | undefined, id: string): Promise<void>;
  byId(id: string): Promise<SsoSession | undefined>;
}

export function createSsoSessions(store: EphemeralStore, cfg: Config, now: () => Date): SsoSessions {
  const idleMs = cfg.flow.ssoIdleSeconds * 1000;
  const absoluteMs = cfg.flow.ssoAbsoluteSeconds * 1000;
  const revoked = revokedSessionsFor(cfg, store);

  async function write(session: SsoSession): Promise<void> {
    const ttl = Math.min(idleMs, session.createdAt + absoluteMs - now().getTime());
    if (ttl > 0) await store.set(KEY(session.id), JSON.stringify(session), ttl);
    else await store.del(KEY(session.id));
  }

  async function byId(id: string): Promise<SsoSession | undefined> {
    if (!ID.test(id)) return undefined;
    const raw = await store.get(KEY(id));
    if (!raw) return undefined;
    const session = JSON.parse(raw) as SsoSession;
    const t = now().getTime();
    // a renounced person's sessions end everywhere at once (revoked-sessions.ts)
    if (t - session.lastSeenAt >= idleMs || t - session.createdAt >= absoluteMs || (await revoked.isRevoked(session.authentication.personId, session.createdAt))) {
      await store.del(KEY(id));
      return undefined;
    }
    return session;
  }

  return {
    byId,
    async current(req) {
      const id = readCookie(req, COOKIE_SSO);
      if (!id) return undefined;
      const session = await byId(id);
      if (!session) return undefined;
      // The idle lifetime is kept to the minute: a session used again within a minute of its
      // last write is not rewritten (one store write less per SSO round trip).
      const t = now().getTime();
      if (t - session.lastSeenAt < TOUCH_AFTER_MS) return session;
      const touched = { ...session, lastSeenAt: t };
      await write(touched);
      return touched;
    },
    async start(req, res, authentication) {
      const old = readCookie(req, COOKIE_SSO);
      const previous = old ? await byId(old) : undefined;
      if (old) await store.del(KEY(old));
      const t = now().getTime();
      // A step-up by the same person keeps the SPs already served, so logout still reaches them.
      const participants = previous && previous.authentication.personId === authentication.personId ? previous.participants : [];
      const session: SsoSession = { id: randomId(), authentication, participants, createdAt: t, lastSeenAt: t };
      await write(session);
      setCookie(res, cfg, COOKIE_SSO, session.id);
      return session;
    },
    async addParticipant(session, participant) {
      const others = session.participants.filter((p) => p.spEntityID !== participant.spEntityID);
      const updated = { ...session, participants: [...others, participant], lastSeenAt: now().getTime() };
      await write(updated);
      return updated;
    },
    async destroy(res, id) {
      await store.del(KEY(id));
      if (res) clearCookie(res, cfg, COOKIE_SSO);
    },
  };
}
