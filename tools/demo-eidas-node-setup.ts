// What `npm start` and `npm run demo:eidas-node` agree on: the demo node's address and its key
// pair (development only: one RSA-3072 key signs both its metadata and its Responses), kept in the
// broker's key directory so that the broker can trust its metadata certificate before the node
// has ever run.
import path from 'node:path';
import type { Config } from '../broker/config.js';
import { generateSelfSigned, keyDirectory, loadOrGenerateKeyPair } from '../broker/saml/keys.js';

export const DEMO_EIDAS_NODE_PORT = Number(process.env.DEMO_EIDAS_NODE_PORT ?? 8090);
export const DEMO_EIDAS_NODE_URL = `http://localhost:${DEMO_EIDAS_NODE_PORT}`;
const KEY_BASE = 'demo-eidas-node';

export function demoEidasNodeKeys(cfg: Config): Promise<{ keyPem: string; certPem: string }> {
  return loadOrGenerateKeyPair(keyDirectory(cfg, cfg.varDir), new Date(), KEY_BASE, (now) =>
    generateSelfSigned(now, { name: 'CN=Pasarela demo eIDAS node DE (development only), O=Pasarela, C=DE' }),
  );
}

/** The connectors.eidas.countries entry of the demo node. */
export function demoEidasCountry(cfg: Config): Config['connectors']['eidas']['countries'][number] {
  return { code: 'DE', name: 'Deutschland (demo)', metadata: `${DEMO_EIDAS_NODE_URL}/metadata`, metadataSigningCertFile: path.join(keyDirectory(cfg, cfg.varDir), `${KEY_BASE}.crt`), refreshMinutes: 5 };
}
