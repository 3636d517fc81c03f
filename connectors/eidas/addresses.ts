// The connector's addresses, from PUBLIC_URL only (design.md "Addresses"): its entityID is its
// metadata URL, as eIDAS nodes expect (they fetch the metadata from the Issuer of a request).
import type { Config } from '../../broker/config.js';

export const EIDAS_METADATA_PATH = '/eidas/metadata';

export function eidasAddresses(cfg: Config): { entityID: string; acsUrl: string } {
  return { entityID: `${cfg.publicUrl}${EIDAS_METADATA_PATH}`, acsUrl: `${cfg.publicUrl}/connectors/eidas/acs` };
}
