// A change made with the management session must carry the session's CSRF token: in the
// X-CSRF-Token header for the API (a cross-site form cannot set headers), in a hidden form field
// for the activation page. Compared in constant time.
import type { Request } from 'express';
import { constantEquals } from '../../constant-equals.js';
import type { AdminLogin } from './admin-session.js';

export const CSRF_HEADER = 'X-CSRF-Token';

export function carriesCsrfToken(sent: unknown, login: AdminLogin): boolean {
  return typeof sent === 'string' && sent.length > 0 && constantEquals(sent, login.csrfToken);
}

export function hasCsrfHeader(req: Request, login: AdminLogin): boolean {
  return carriesCsrfToken(req.get(CSRF_HEADER), login);
}
