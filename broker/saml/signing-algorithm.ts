// Which signature algorithm our messages to an SP use: an EC signing key can only make ECDSA
// signatures (so its own algorithm wins); for RSA keys, the SP's policy, else saml.signatureAlgorithm.
import type { Config } from '../config.js';
import { policyFor } from '../config.js';
import type { SigningKeys } from './keys.js';
import type { SignatureAlgorithmName } from './sign-xml.js';

export function signingAlgorithmFor(cfg: Config, keys: Pick<SigningKeys, 'algorithm'>, spEntityID: string): SignatureAlgorithmName {
  if (keys.algorithm === 'ecdsa-sha256') return keys.algorithm;
  return policyFor(cfg, spEntityID).signatureAlgorithm ?? cfg.saml.signatureAlgorithm;
}
