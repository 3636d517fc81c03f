// The guard in front of every staff console: a staff session (else the login, coming back to the
// console), then one of the console's roles held *now* (read from the database at each request,
// so a revoked role closes the console at the next click). What it found is on res.locals for
// the console's handlers (staffOf).
import type { Request, RequestHandler, Response } from 'express';
import type { BrokerServices } from '../../services.js';
import { html } from '../../web/html.js';
import type { StaffLogin } from './session.js';
import type { StaffRegistry, StaffRole } from './roles.js';
import { isConsolePath } from './login.js';

export interface StaffContext {
  readonly login: StaffLogin;
  /** the roles held now */
  readonly roles: readonly StaffRole[];
}

/** The member of staff the guard let through; a programmer error where no guard ran. */
export function staffOf(res: Response): StaffContext {
  const staff = res.locals.staff as StaffContext | undefined;
  if (!staff) throw new TypeError('staffOf() outside a route guarded by requireStaff()');
  return staff;
}

/** The audit log's actor for a console action: the member of staff, by internal id. */
export function staffActor(res: Response): string {
  return `person:${staffOf(res).login.personId}`;
}

export function requireStaff(services: BrokerServices, staff: StaffRegistry, ...roles: StaffRole[]): RequestHandler {
  if (roles.length === 0) throw new TypeError('requireStaff() needs at least one role');
  const { pages } = services;
  return (req: Request, res: Response, next) => {
    res.set('Cache-Control', 'no-store');
    const login = req.session?.staff;
    if (!login) {
      if (req.method !== 'GET') return pages.send(req, res, { status: 401, title: pages.t(res, 'staff.login.needed'), body: html`<p class="error" role="alert">${pages.t(res, 'staff.login.expired')}</p><p><a href="/staff/login">${pages.t(res, 'staff.login.again')}</a></p>` });
      const back = `${req.baseUrl}/`;
      return void res.redirect(303, isConsolePath(back) ? `/staff/login?RelayState=${encodeURIComponent(back)}` : '/staff/login');
    }
    staff
      .rolesOf(login.personId)
      .then((held) => {
        if (!roles.some((r) => held.includes(r))) {
          return pages.send(req, res, {
            status: 403,
            title: pages.t(res, 'staff.forbidden.title'),
            body: html`<p class="error" role="alert">${pages.t(res, 'staff.forbidden.role', { roles: roles.map((r) => pages.t(res, `staff.role.${r}`)).join(', ') })}</p><p><a href="/staff/">${pages.t(res, 'staff.home.title')}</a></p>`,
          });
        }
        res.locals.staff = { login, roles: held } satisfies StaffContext;
        next();
      })
      .catch(next);
  };
}
