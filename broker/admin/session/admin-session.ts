// The management session: express-session over the ephemeral store (session-store.ts), cookie
// `pasarela.admin` on /admin only, HttpOnly, SameSite=Lax, Secure as the broker's other cookies
// (flow/cookies.ts). It holds who logged in, at which rung and when, and the CSRF token the API
// wants back on every state-changing call.
import { createHmac } from 'node:crypto';
import type { RequestHandler } from 'express';
import session from 'express-session';
import type { LoaRung } from '../../loa.js';
import type { BrokerServices } from '../../services.js';
import { cookieSecure } from '../../flow/cookies.js';
import { EphemeralSessionStore } from './session-store.js';

export const ADMIN_COOKIE = 'pasarela.admin';

export interface AdminLogin {
  readonly personId: string;
  readonly rung: LoaRung;
  /** ISO 8601, from the assertion */
  readonly authnInstant: string;
  /** ISO 8601, broker clock */
  readonly loggedInAt: string;
  readonly csrfToken: string;
}

declare module 'express-session' {
  interface SessionData {
    admin?: AdminLogin;
  }
}

/**
 * The cookie's signing secrets, derived from the credential secrets (newest first, so every node
 * signs with the same one and older ones still verify during a rotation). The session id is
 * already unguessable; the signature keeps forged ids from reaching the store at all.
 */
function cookieSecrets(services: BrokerServices): string[] {
  return [...services.config.keys.credentialSecrets]
    .sort((a, b) => b.version - a.version)
    .map((s) => createHmac('sha256', s.secret).update('pasarela admin session cookie').digest('base64url'));
}

export function adminSession(services: BrokerServices): RequestHandler {
  const cfg = services.config;
  return session({
    name: ADMIN_COOKIE,
    secret: cookieSecrets(services),
    store: new EphemeralSessionStore(services.ephemeral, { idleMs: cfg.admin.sessionIdleSeconds * 1000, absoluteMs: cfg.admin.sessionAbsoluteSeconds * 1000 }, services.now),
    resave: false,
    saveUninitialized: false,
    unset: 'destroy',
    // no maxAge: the cookie ends with the browser; the store enforces both lifetimes
    cookie: { path: '/admin', httpOnly: true, sameSite: 'lax', secure: cookieSecure(cfg) },
  });
}
