// The self-service session: express-session over the ephemeral store (the management module's
// EphemeralSessionStore under its own prefix), cookie `pasarela.account` on /account only,
// HttpOnly, SameSite=Lax, Secure as the broker's other cookies, and no longer-lived than the
// broker's SSO session (flow.ssoIdleSeconds, flow.ssoAbsoluteSeconds). It holds who logged in,
// how (the Cl@ve SelectedIdP) and at which rung, and the CSRF token every form carries back.
// A renunciation ends it with every other session of the person (flow/revoked-sessions.ts).
import type { Request, RequestHandler } from 'express';
import type { LoaRung } from '../../loa.js';
import type { BrokerServices } from '../../services.js';
import { localSession } from '../../admin/session/local-session.js';
import { constantEquals } from '../../constant-equals.js';

export const ACCOUNT_COOKIE = 'pasarela.account';

/** Cl@ve SelectedIdP values (broker/saml/attributes.ts): the method of the login */
export type LoginMethod = 'PIN24H' | 'SEGSOC' | 'CLVMOVIL' | 'AFIRMA' | 'EIDAS';

export interface AccountLogin {
  readonly personId: string;
  readonly rung: LoaRung;
  readonly method: LoginMethod;
  /** ISO 8601, from the assertion */
  readonly authnInstant: string;
  /** epoch ms, broker clock: compared with the person's revocation mark */
  readonly loggedInAt: number;
  readonly csrfToken: string;
}

declare module 'express-session' {
  interface SessionData {
    account?: AccountLogin;
  }
}

export function accountSession(services: BrokerServices): RequestHandler {
  const cfg = services.config;
  return localSession(services, { cookie: ACCOUNT_COOKIE, path: '/account', purpose: 'account', keyPrefix: 'account-session', idleSeconds: cfg.flow.ssoIdleSeconds, absoluteSeconds: cfg.flow.ssoAbsoluteSeconds });
}

/** Whether a form carries the session's CSRF token (field `csrf`), compared in constant time. */
export function carriesAccountCsrf(req: Request, login: AccountLogin): boolean {
  const sent = (req.body as Record<string, unknown> | undefined)?.csrf;
  return typeof sent === 'string' && sent.length > 0 && constantEquals(sent, login.csrfToken);
}

export function endAccountSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.destroy((err) => (err ? reject(err as Error) : resolve())));
}
