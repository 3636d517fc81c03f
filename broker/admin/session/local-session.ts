// The session of a module that logs people in through our own IdP (the management module, the
// staff consoles, citizen self-service): express-session over the ephemeral store, a cookie on the
// module's path only, HttpOnly, SameSite=Lax, Secure as the broker's other cookies, no expiry (it
// ends with the browser; the store enforces the idle and absolute lifetimes by the broker clock).
import { createHmac } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import session, { type SessionData } from 'express-session';
import type { BrokerServices } from '../../services.js';
import { cookieSecure } from '../../flow/cookies.js';
import { EphemeralSessionStore } from './session-store.js';

export interface LocalSessionOptions {
  readonly cookie: string;
  readonly path: string;
  /** names the module in the cookie's signing secret, so one module's cookie never signs for another */
  readonly purpose: 'admin' | 'staff' | 'account';
  readonly idleSeconds: number;
  readonly absoluteSeconds: number;
  /** keeps the modules' sessions apart in the one ephemeral store */
  readonly keyPrefix: 'admin-session' | 'staff-session' | 'account-session';
}

/**
 * The cookie's signing secrets, derived from the credential secrets (newest first, so every node
 * signs with the same one and older ones still verify during a rotation). The session id is
 * already unguessable; the signature keeps forged ids from reaching the store at all.
 */
function cookieSecrets(services: BrokerServices, purpose: LocalSessionOptions['purpose']): string[] {
  return [...services.config.keys.credentialSecrets]
    .sort((a, b) => b.version - a.version)
    .map((s) => createHmac('sha256', s.secret).update(`pasarela ${purpose} session cookie`).digest('base64url'));
}

export function localSession(services: BrokerServices, o: LocalSessionOptions): RequestHandler {
  const lifetimes = { idleMs: o.idleSeconds * 1000, absoluteMs: o.absoluteSeconds * 1000 };
  return session({
    name: o.cookie,
    secret: cookieSecrets(services, o.purpose),
    store: new EphemeralSessionStore(services.ephemeral, lifetimes, services.now, o.keyPrefix),
    resave: false,
    saveUninitialized: false,
    unset: 'destroy',
    cookie: { path: o.path, httpOnly: true, sameSite: 'lax', secure: cookieSecure(services.config) },
  });
}

/**
 * Opens the module's session for a login: a new session id at every login (an id planted before
 * it is worth nothing after), the login stored under the module's key, saved before the answer.
 */
export function startLocalSession<K extends 'admin' | 'staff' | 'account'>(req: Request, key: K, login: NonNullable<SessionData[K]>): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.regenerate((err) => {
      if (err) return reject(err as Error);
      (req.session as SessionData)[key] = login;
      req.session.save((saveErr) => (saveErr ? reject(saveErr as Error) : resolve()));
    });
  });
}
