// The staff consoles' own SP of the broker's IdP: staff (registrars, interviewers, officials) log
// in through the broker like any person, at rung 3 or higher (staff.minimumRung). A second SP
// beside the management one, not the management SP with another rung: an SP asks for one minimum
// rung in its policy, and the two logins have different pairwise NameIDs, sessions and cookies,
// so a management session never opens a console. It signs with the management SP's key pair: both
// are the same broker process and operator, and one key pair to configure and rotate is enough.
import { SAML } from '@node-saml/passport-saml';
import { spPolicySchema, type Config } from '../../config.js';
import type { AdminSp } from '../../admin/admin-sp.js';
import { parseSpMetadata } from '../../saml/sp-metadata.js';
import { NAMEID_FORMAT } from '../../saml/namespaces.js';

export type StaffSp = AdminSp;

export function staffSpAddresses(cfg: Config): { entityID: string; acsUrl: string } {
  return { entityID: `${cfg.publicUrl}/staff/saml/metadata`, acsUrl: `${cfg.publicUrl}/staff/saml/acs` };
}

export function loadStaffSp(cfg: Config, adminSp: AdminSp): StaffSp {
  const { entityID, acsUrl } = staffSpAddresses(cfg);
  const { keyPem, certPem } = adminSp;
  const metadataXml = new SAML({
    issuer: entityID,
    callbackUrl: acsUrl,
    idpCert: certPem, // not used for metadata; the strategy gets the IdP's certificates
    identifierFormat: NAMEID_FORMAT.persistent,
    wantAssertionsSigned: true,
    privateKey: keyPem,
    signatureAlgorithm: 'sha256',
  }).generateServiceProviderMetadata(null, certPem);
  const entry = parseSpMetadata(metadataXml)[0];
  if (!entry) throw new TypeError('the staff SP metadata has no SPSSODescriptor');
  return { entityID, acsUrl, keyPem, certPem, metadataXml, entry, generatedKey: adminSp.generatedKey };
}

/**
 * The configuration with the staff SP's policy (unless the operator wrote one): the eIDAS
 * dialect's minimum data set and LoA framework, never below staff.minimumRung.
 */
export function withStaffSpPolicy(cfg: Config): Config {
  const { entityID } = staffSpAddresses(cfg);
  if (cfg.sps.policies[entityID]) return cfg;
  const policy = spPolicySchema.parse({ displayName: 'Pasarela staff consoles', dialects: ['eidas'], loaFramework: 'eidas', minimumRung: cfg.staff.minimumRung });
  return { ...cfg, sps: { ...cfg.sps, policies: { ...cfg.sps.policies, [entityID]: policy } } };
}
