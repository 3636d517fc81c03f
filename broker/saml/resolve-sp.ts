// Issuer -> SP registry entry and policy. An unknown SP cannot be answered: error page.
import { BrokerError } from '../errors.js';
import { policyFor, type Config, type SpPolicy } from '../config.js';
import type { SpEntry } from './sp-metadata.js';
import type { SpRegistry } from './sp-registry.js';

export function resolveSp(issuerUnverified: string, registry: SpRegistry, cfg: Config): { sp: SpEntry; policy: SpPolicy } {
  const sp = registry.get(issuerUnverified);
  if (!sp) throw new BrokerError('request-untrusted', 'This service is not known to us.', `unknown SP ${issuerUnverified}`);
  return { sp, policy: policyFor(cfg, sp.entityID) };
}

/** The Issuer read from the verified view must be the SP whose key verified it. */
export function checkVerifiedIssuer(verifiedIssuer: string, sp: SpEntry): void {
  if (verifiedIssuer !== sp.entityID) throw new BrokerError('request-untrusted', 'The request does not name its sender.', `verified Issuer ${verifiedIssuer} is not ${sp.entityID}`);
}
