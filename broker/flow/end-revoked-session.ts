// Renunciation ends every session of the person (issue 9): the SSO and self-service sessions check
// the per-person mark themselves; the management and staff sessions, which live in express-session,
// drop their login here, right after the session is loaded, so a renounced administrator or
// registrar is logged out at the next request on every node.
import type { RequestHandler } from 'express';
import type { BrokerServices } from '../services.js';
import { revokedSessionsFor } from './revoked-sessions.js';

interface SessionLogin {
  readonly personId: string;
  /** ISO 8601, broker clock */
  readonly loggedInAt: string;
}

export function endRevokedSession(services: BrokerServices, key: 'admin' | 'staff'): RequestHandler {
  const revoked = revokedSessionsFor(services.config, services.ephemeral);
  return (req, _res, next) => {
    const login = req.session?.[key] as SessionLogin | undefined;
    if (!login) return next();
    revoked
      .isRevoked(login.personId, Date.parse(login.loggedInAt))
      .then((isRevoked) => {
        if (isRevoked) delete req.session[key];
        next();
      })
      .catch(next);
  };
}
