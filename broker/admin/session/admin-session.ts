// The management session: express-session over the ephemeral store (session-store.ts), cookie
// `pasarela.admin` on /admin only, HttpOnly, SameSite=Lax, Secure as the broker's other cookies
// (flow/cookies.ts). It holds who logged in, at which rung and when, and the CSRF token the API
// wants back on every state-changing call.
import type { RequestHandler } from 'express';
import type { LoaRung } from '../../loa.js';
import type { BrokerServices } from '../../services.js';
import { localSession } from './local-session.js';

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

export function adminSession(services: BrokerServices): RequestHandler {
  const cfg = services.config;
  return localSession(services, { cookie: ADMIN_COOKIE, path: '/admin', purpose: 'admin', keyPrefix: 'admin-session', idleSeconds: cfg.admin.sessionIdleSeconds, absoluteSeconds: cfg.admin.sessionAbsoluteSeconds });
}
