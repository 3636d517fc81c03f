// The staff console session: express-session over the ephemeral store (the management module's
// EphemeralSessionStore under its own prefix), cookie `pasarela.staff` on /staff only, HttpOnly,
// SameSite=Lax, Secure as the broker's other cookies. It holds who logged in, at which rung and
// when, and the CSRF token every console form carries back. The roles are not in it: the consoles
// read them at each request (roles.ts), so a revocation needs no logout.
import type { Request, RequestHandler } from 'express';
import type { LoaRung } from '../../loa.js';
import type { BrokerServices } from '../../services.js';
import { localSession } from '../../admin/session/local-session.js';
import { constantEquals } from '../../constant-equals.js';

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

export function staffSession(services: BrokerServices): RequestHandler {
  const cfg = services.config;
  return localSession(services, { cookie: STAFF_COOKIE, path: '/staff', purpose: 'staff', keyPrefix: 'staff-session', idleSeconds: cfg.staff.sessionIdleSeconds, absoluteSeconds: cfg.staff.sessionAbsoluteSeconds });
}

/** Whether a console form carries the session's CSRF token (field `csrf`), compared in constant time. */
export function carriesStaffCsrf(req: Request, login: StaffLogin): boolean {
  const sent = (req.body as Record<string, unknown> | undefined)?.csrf;
  return typeof sent === 'string' && sent.length > 0 && constantEquals(sent, login.csrfToken);
}
