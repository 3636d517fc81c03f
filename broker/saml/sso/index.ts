// broker/saml/sso: one file per step of receiving an AuthnRequest, in the order
// receive-authn-request.ts runs them (the order of the specs, read top to bottom):
//
//   decodeRequest                  bindings §3.4 (Redirect) / §3.5 (POST), capped inflate
//   validateSchema                 DOCTYPE refused, hardened parse, structural allowlist
//   peekIssuerUnverified           Issuer -> which SP's metadata to check with (nothing else)
//   resolveSp                      SP registry; unknown SP -> untrusted
//   verifyMessageSignature         from here on only the verified view is read
//   readAuthnRequest               the Verified<AuthnRequestView>
//   checkVerifiedIssuer            the signed Issuer is the SP whose key verified it
//   checkDestination               core §3.2.1
//   checkIssueInstant              clock skew + validity window
//   resolveAcs                     ACS from metadata only; after it, errors go back to the SP
//   checkRelayState                byte limit, never truncated
//   rejectReplay                   request ID never seen before
//   checkNameIdPolicy              persistent / transient / unspecified
export { decodeRequest, type BindingInput } from './decode-request.js';
export { validateSchema } from './validate-schema.js';
export { peekIssuerUnverified } from '../peek-issuer-unverified.js';
export { resolveSp, checkVerifiedIssuer } from '../resolve-sp.js';
export { verifyMessageSignature } from '../verify-message-signature.js';
export { readAuthnRequest, type AuthnRequestView } from './read-authn-request.js';
export { checkDestination } from '../check-destination.js';
export { checkIssueInstant, replayWindowMs } from '../check-message-time.js';
export { resolveAcs } from './resolve-acs.js';
export { checkRelayState } from './check-relay-state.js';
export { rejectReplay } from '../reject-replay.js';
export { checkNameIdPolicy } from './check-name-id-policy.js';
