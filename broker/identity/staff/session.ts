// The staff console session: express-session over the ephemeral store (the management module's
// EphemeralSessionStore under its own prefix), cookie `pasarela.staff` on /staff only, HttpOnly,
// SameSite=Lax, Secure as the broker's other cookies. It holds who logged in, at which rung and
// when, and the CSRF token every console form carries back. The roles are not in it: the consoles
// read them at each request (roles.ts), so a revocation needs no logout.
import { createHmac } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import session from 'express-session';
import type { LoaRung } from '../../loa.js';
import type { BrokerServices } from '../../services.js';
import { cookieSecure } from '../../flow/cookies.js';
import { constantEquals } from '../../constant-equals.js';
import { EphemeralSessionStore } from '../../admin/session/session-store.js';

export const STAFF_COOKIE = 'pasarela.staff';

export interface StaffLogin {
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
    staff?: StaffLogin;
  }
}

/** Signing secrets of the cookie, derived from the credential secrets apart from the management cookie's. */
function cookieSecrets(services: BrokerServices): string[] {
  return [...services.config.keys.credentialSecrets]
    .sort((a, b) => b.version - a.version)
    .map((s) => createHmac('sha256', s.secret).update('pasarela staff session cookie').digest('base64url'));
}

export function staffSession(services: BrokerServices): RequestHandler {
  const cfg = services.config;
  return session({
    name: STAFF_COOKIE,
    secret: cookieSecrets(services),
    store: new EphemeralSessionStore(services.ephemeral, { idleMs: cfg.staff.sessionIdleSeconds * 1000, absoluteMs: cfg.staff.sessionAbsoluteSeconds * 1000 }, services.now, 'staff-session'),
    resave: false,
    saveUninitialized: false,
    unset: 'destroy',
    // no maxAge: the cookie ends with the browser; the store enforces both lifetimes
    cookie: { path: '/staff', httpOnly: true, sameSite: 'lax', secure: cookieSecure(cfg) },
  });
}

/** Whether a console form carries the session's CSRF token (field `csrf`), compared in constant time. */
export function carriesStaffCsrf(req: Request, login: StaffLogin): boolean {
  const sent = (req.body as Record<string, unknown> | undefined)?.csrf;
  return typeof sent === 'string' && sent.length > 0 && constantEquals(sent, login.csrfToken);
}
