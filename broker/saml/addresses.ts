// Every URL and identifier of the broker derives from PUBLIC_URL, never from the request's Host
// (design.md "Addresses").
import type { Config } from '../config.js';

export const idpEntityID = (cfg: Config) => `${cfg.publicUrl}/saml/metadata`;
export const ssoUrl = (cfg: Config) => `${cfg.publicUrl}/saml/sso`;
export const sloUrl = (cfg: Config) => `${cfg.publicUrl}/saml/slo`;
