// `npm start`: demo staff for the consoles (issue 9), so the office and video consoles can be
// tried at once — Carmen at the registration office and as interviewer, Lucía as the official who
// reviews video identifications. Granted once; a role already held is left as it is.
import type { BrokerServices } from '../broker/services.js';
import { staffRegistryOf } from '../broker/identity/staff/index.js';
import { StaffError, type StaffRole } from '../broker/identity/staff/roles.js';

const DEMO_STAFF: readonly { readonly document: string; readonly roles: readonly StaffRole[] }[] = [
  { document: '12345678Z', roles: ['registrar', 'interviewer'] },
  { document: '87654321X', roles: ['official'] },
];

/** grants the demo roles; returns the banner line */
export async function prepareDemoStaff(services: BrokerServices): Promise<string> {
  const staff = staffRegistryOf(services);
  for (const { document, roles } of DEMO_STAFF) {
    for (const role of roles) {
      try {
        await staff.grant(document, role, 'operator');
      } catch (err) {
        // a configuration without the demo persons simply has no demo staff
        if (!(err instanceof StaffError && (err.code === 'already-granted' || err.code === 'not-found'))) throw err;
      }
    }
  }
  return `  Staff consoles    ${services.config.publicUrl}/staff/ (Carmen 12345678Z: office, video interviews; Lucía 87654321X: official review; log in at substantial)`;
}
