// The staff consoles' own SP of the broker's IdP: staff (registrars, interviewers, officials) log
// in through the broker like any person, at rung 3 or higher (staff.minimumRung). A second SP
// beside the management one, not the management SP with another rung: an SP asks for one minimum
// rung in its policy, and the two logins have different pairwise NameIDs, sessions and cookies,
// so a management session never opens a console. It signs with the management SP's key pair: both
// are the same broker process and operator, and one key pair to configure and rotate is enough.
import type { Config } from '../../config.js';
import { describeLocalSp, withLocalSpPolicy, type AdminSp } from '../../admin/admin-sp.js';

export type StaffSp = AdminSp;

export function staffSpAddresses(cfg: Config): { entityID: string; acsUrl: string } {
  return { entityID: `${cfg.publicUrl}/staff/saml/metadata`, acsUrl: `${cfg.publicUrl}/staff/saml/acs` };
}

export function loadStaffSp(cfg: Config, adminSp: AdminSp): StaffSp {
  return describeLocalSp(staffSpAddresses(cfg), adminSp, adminSp.generatedKey);
}

/**
 * The configuration with the staff SP's policy (unless the operator wrote one): the eIDAS
 * dialect's minimum data set and LoA framework, never below staff.minimumRung.
 */
export function withStaffSpPolicy(cfg: Config): Config {
  return withLocalSpPolicy(cfg, staffSpAddresses(cfg).entityID, { displayName: 'Pasarela staff consoles', dialects: ['eidas'], loaFramework: 'eidas', minimumRung: cfg.staff.minimumRung });
}
