// Receiving an AuthnRequest (profiles §4.1.4.1): every step in ./sso/, composed in spec order.
// Errors before the ACS is verified carry no replyTo (the browser gets a page); after it, they
// carry one and go back to the SP as a SAML status.
import type { Config, SpPolicy } from '../config.js';
import type { ReplyTarget } from '../errors.js';
import type { EphemeralStore } from '../store/ephemeral.js';
import type { SpEntry } from './sp-metadata.js';
import type { SpRegistry } from './sp-registry.js';
import type { Verified } from './verified.js';
import {
  checkDestination, checkIssueInstant, checkVerifiedIssuer, checkNameIdPolicy, checkRelayState, decodeRequest, peekIssuerUnverified,
  readAuthnRequest, rejectReplay, replayWindowMs, resolveAcs, resolveSp, validateSchema, verifyMessageSignature,
  type AuthnRequestView, type BindingInput,
} from './sso/index.js';

export type { AuthnRequestView } from './sso/index.js';

export interface ReceivedAuthnRequest {
  request: Verified<AuthnRequestView>;
  sp: SpEntry;
  policy: SpPolicy;
  acsUrl: string;
  relayState: string | undefined;
  binding: 'redirect' | 'post';
  signed: boolean;
}

export interface ReceiveDeps {
  registry: SpRegistry;
  cfg: Config;
  replayCache: EphemeralStore;
  now: Date;
}

export async function receiveAuthnRequest(input: BindingInput, deps: ReceiveDeps): Promise<ReceivedAuthnRequest> {
  const { cfg, now } = deps;
  const decoded = decodeRequest(input, cfg.saml.maxMessageBytes);
  const parsed = validateSchema(decoded.xml, ['AuthnRequest'], cfg.saml.maxMessageBytes);
  const { sp, policy } = resolveSp(peekIssuerUnverified(parsed.root), deps.registry, cfg);
  const signatureRequired = sp.authnRequestsSigned || policy.requireSignedAuthnRequests;
  const trusted = verifyMessageSignature(decoded, parsed, sp, signatureRequired, ['AuthnRequest'], now);
  const request = readAuthnRequest(trusted); // from here on, only `request` is read
  checkVerifiedIssuer(request.issuer, sp);
  checkDestination(request.destination, `${cfg.publicUrl}/saml/sso`, trusted.signed);
  checkIssueInstant(request.issueInstant, now, cfg.saml.clockSkewSeconds);
  const acsUrl = resolveAcs(request, sp);
  checkRelayState(decoded.relayState, policy.relayStateMaxBytes);
  const replyTo: ReplyTarget = { spEntityID: sp.entityID, acsUrl, inResponseTo: request.id, relayState: decoded.relayState };
  await rejectReplay(deps.replayCache, `replay:authn:${request.issuer}:${request.id}`, replayWindowMs(cfg.saml.clockSkewSeconds), replyTo);
  checkNameIdPolicy(request.nameIDPolicy, replyTo);
  return { request, sp, policy, acsUrl, relayState: decoded.relayState, binding: decoded.binding, signed: trusted.signed };
}
