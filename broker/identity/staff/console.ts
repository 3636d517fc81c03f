// What a staff console is, for the staff router (index.ts) to mount it at /staff/<id>/ behind
// requireStaff(...roles). A console builds its own router; inside it, staffOf(res) names the
// member of staff, and every form carries staffOf(res).login.csrfToken in a hidden `csrf` field,
// checked with carriesStaffCsrf(req, login) before anything changes. Form bodies
// (application/x-www-form-urlencoded, up to 32 kB) arrive parsed; a console taking other bodies
// parses them itself. Answers are `Cache-Control: no-store`.
//
//   export const videoConsole: StaffConsole = { id: 'video', roles: ['interviewer', 'official'], titleKey: 'video.console.title', router: (services, staff) => … };
//   // and its line in consoles.ts
import type { Router } from 'express';
import type { BrokerServices } from '../../services.js';
import type { StaffRegistry, StaffRole } from './roles.js';

export interface StaffConsole {
  /** the path segment: the console lives under /staff/<id>/ (lower-case letters and dashes) */
  readonly id: string;
  /** holding any of these opens the console */
  readonly roles: readonly StaffRole[];
  /** message key of its name on the staff home page */
  readonly titleKey: string;
  router(services: BrokerServices, staff: StaffRegistry): Router;
}
