// The staff consoles under /staff (issue 9): the session, the login through the broker
// (/staff/login, /staff/saml/*, /staff/logout), the home page listing the consoles the member of
// staff may open, and each console of consoles.ts mounted at /staff/<id>/ behind requireStaff.
import express, { Router } from 'express';
import type { BrokerServices } from '../../services.js';
import { html } from '../../web/html.js';
import { staffSession } from './session.js';
import { staffLoginRouter } from './login.js';
import { requireStaff, staffOf } from './require-staff.js';
import { createStaffRegistry, STAFF_ROLES, type StaffRegistry } from './roles.js';
import type { StaffConsole } from './console.js';
import { staffConsoles } from './consoles.js';
import { endRevokedSession } from '../../flow/end-revoked-session.js';

export { requireStaff, staffOf, staffActor, type StaffContext } from './require-staff.js';
export { carriesStaffCsrf, type StaffLogin } from './session.js';
export type { StaffConsole } from './console.js';

/** The staff registry over the broker's stores (stateless: built where needed). */
export function staffRegistryOf(services: BrokerServices): StaffRegistry {
  return createStaffRegistry({ db: services.db, identity: services.identity, audit: services.audit, now: services.now });
}

export function createStaffRouter(services: BrokerServices, consoles: readonly StaffConsole[] = staffConsoles): Router {
  const router = Router();
  const staff = staffRegistryOf(services);
  const { pages } = services;
  router.use(staffSession(services));
  router.use(endRevokedSession(services, 'staff'));
  router.use(staffLoginRouter(services, staff));

  router.get('/', requireStaff(services, staff, ...STAFF_ROLES), (req, res) => {
    const { login, roles } = staffOf(res);
    const open = consoles.filter((c) => c.roles.some((r) => roles.includes(r)));
    pages.send(req, res, {
      title: pages.t(res, 'staff.home.title'),
      body: html`<p>${pages.t(res, 'staff.home.roles', { roles: roles.map((r) => pages.t(res, `staff.role.${r}`)).join(', ') })}</p>
<nav aria-label="${pages.t(res, 'staff.home.consoles')}"><ul>${open.map((c) => html`<li><a href="/staff/${c.id}/">${pages.t(res, c.titleKey)}</a></li>`)}</ul></nav>
<form method="post" action="/staff/logout"><input type="hidden" name="csrf" value="${login.csrfToken}"><button type="submit">${pages.t(res, 'staff.logout.submit')}</button></form>`,
    });
  });

  for (const console of consoles) {
    if (!/^[a-z][a-z-]{0,30}$/.test(console.id)) throw new TypeError(`staff console id "${console.id}" is not lower-case letters and dashes`);
    router.use(`/${console.id}`, requireStaff(services, staff, ...console.roles), express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 60 }), console.router(services, staff));
  }
  return router;
}
