// Citizen self-service logs in through the broker itself, as the management module and the staff
// consoles do: a third SP of our own IdP (entityID ${publicUrl}/account/saml/metadata). The pages
// must know how and at which rung the person logged in (the seed lets the e-mail change only after
// a Cl@ve PIN login), so its policy releases the Cl@ve SelectedIdP (the method) and nothing else
// but what the assertion always states (the pairwise NameID and the AuthnContextClassRef, the
// rung). It signs with the management SP's key pair, like the staff SP: same process, same operator.
import type { Config } from '../../config.js';
import { describeLocalSp, withLocalSpPolicy, type AdminSp } from '../../admin/admin-sp.js';

export type AccountSp = AdminSp;

export const SELECTED_IDP = 'http://es.minhafp.clave/SelectedIdP';

export function accountSpAddresses(cfg: Config): { entityID: string; acsUrl: string } {
  return { entityID: `${cfg.publicUrl}/account/saml/metadata`, acsUrl: `${cfg.publicUrl}/account/saml/acs` };
}

export function loadAccountSp(cfg: Config, adminSp: AdminSp): AccountSp {
  return describeLocalSp(accountSpAddresses(cfg), adminSp, adminSp.generatedKey);
}

/** The configuration with the self-service SP's policy (unless the operator wrote one). */
export function withAccountSpPolicy(cfg: Config): Config {
  return withLocalSpPolicy(cfg, accountSpAddresses(cfg).entityID, { displayName: 'Cl@ve: my registration', dialects: ['clave'], releasedAttributes: [SELECTED_IDP], loaFramework: 'eidas', minimumRung: '2' });
}
