// Citizen self-service logs in through the broker itself, as the management module and the staff
// consoles do: a third SP of our own IdP (entityID ${publicUrl}/account/saml/metadata). The pages
// must know how and at which rung the person logged in (the seed lets the e-mail change only after
// a Cl@ve PIN login), so its policy releases the Cl@ve SelectedIdP (the method) and nothing else
// but what the assertion always states (the pairwise NameID and the AuthnContextClassRef, the
// rung). It signs with the management SP's key pair, like the staff SP: same process, same operator.
import { SAML } from '@node-saml/passport-saml';
import { spPolicySchema, type Config } from '../../config.js';
import type { AdminSp } from '../../admin/admin-sp.js';
import { parseSpMetadata } from '../../saml/sp-metadata.js';
import { NAMEID_FORMAT } from '../../saml/namespaces.js';

export type AccountSp = AdminSp;

export const SELECTED_IDP = 'http://es.minhafp.clave/SelectedIdP';

export function accountSpAddresses(cfg: Config): { entityID: string; acsUrl: string } {
  return { entityID: `${cfg.publicUrl}/account/saml/metadata`, acsUrl: `${cfg.publicUrl}/account/saml/acs` };
}

export function loadAccountSp(cfg: Config, adminSp: AdminSp): AccountSp {
  const { entityID, acsUrl } = accountSpAddresses(cfg);
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
  if (!entry) throw new TypeError('the self-service SP metadata has no SPSSODescriptor');
  return { entityID, acsUrl, keyPem, certPem, metadataXml, entry, generatedKey: adminSp.generatedKey };
}

/** The configuration with the self-service SP's policy (unless the operator wrote one). */
export function withAccountSpPolicy(cfg: Config): Config {
  const { entityID } = accountSpAddresses(cfg);
  if (cfg.sps.policies[entityID]) return cfg;
  const policy = spPolicySchema.parse({ displayName: 'Cl@ve: my registration', dialects: ['clave'], releasedAttributes: [SELECTED_IDP], loaFramework: 'eidas', minimumRung: '2' });
  return { ...cfg, sps: { ...cfg.sps, policies: { ...cfg.sps.policies, [entityID]: policy } } };
}
