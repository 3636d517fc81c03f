// What a staff console is, for the staff router (index.ts) to mount it at /staff/<id>/ behind
// requireStaff(...roles). A console builds its own router; inside it, staffOf(res) names the
// member of staff, and every form carries staffOf(res).login.csrfToken in a hidden `csrf` field,
// checked with carriesStaffCsrf(req, login) before anything changes.
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
