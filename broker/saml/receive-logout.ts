// Receiving a LogoutRequest or LogoutResponse at ${publicUrl}/saml/slo (profiles §4.4.4). Logout
// messages must always be signed (either binding): an unsigned LogoutRequest could end anyone's
// session. Destination is required, IssueInstant within the skew, IDs never replayed.
import type { Config } from '../config.js';
import { BrokerError } from '../errors.js';
import type { EphemeralStore } from '../store/ephemeral.js';
import { checkDestination } from './check-destination.js';
import { checkIssueInstant, replayWindowMs } from './check-message-time.js';
import { decodePost, decodeRedirect } from './decode-binding.js';
import { childElement, childElements, optionalAttr, textOf } from './dom-read.js';
import { NS } from './namespaces.js';
import { peekIssuerUnverified } from './peek-issuer-unverified.js';
import { rejectReplay } from './reject-replay.js';
import { checkVerifiedIssuer, resolveSp } from './resolve-sp.js';
import type { SpEntry } from './sp-metadata.js';
import type { SpRegistry } from './sp-registry.js';
import type { BindingInput } from './sso/decode-request.js';
import { validateSchema } from './sso/validate-schema.js';
import { markVerified, type Verified } from './verified.js';
import { verifyMessageSignature, type TrustedRoot } from './verify-message-signature.js';

export interface LogoutRequestView {
  id: string;
  issuer: string;
  issueInstant: Date;
  destination?: string;
  nameID: string;
  nameIDFormat?: string;
  sessionIndexes: string[];
  notOnOrAfter?: Date;
}

export interface LogoutResponseView {
  id: string;
  issuer: string;
  inResponseTo: string;
  destination?: string;
  statusCode: string;
}

interface Common {
  sp: SpEntry;
  relayState?: string;
  binding: 'redirect' | 'post';
}
export type ReceivedLogoutMessage =
  | ({ kind: 'LogoutRequest'; view: Verified<LogoutRequestView> } & Common)
  | ({ kind: 'LogoutResponse'; view: Verified<LogoutResponseView> } & Common);

export interface ReceiveLogoutDeps {
  registry: SpRegistry;
  cfg: Config;
  replayCache: EphemeralStore;
  now: Date;
}

function readLogoutRequest(trusted: TrustedRoot): Verified<LogoutRequestView> {
  const root = trusted.root;
  const nameID = childElement(root, NS.saml, 'NameID')!;
  const view: LogoutRequestView = {
    id: root.getAttribute('ID')!,
    issuer: textOf(childElement(root, NS.saml, 'Issuer')!),
    issueInstant: new Date(root.getAttribute('IssueInstant')!),
    nameID: textOf(nameID),
    sessionIndexes: childElements(root, NS.samlp, 'SessionIndex').map(textOf),
  };
  const destination = optionalAttr(root, 'Destination');
  const format = optionalAttr(nameID, 'Format');
  const notOnOrAfter = optionalAttr(root, 'NotOnOrAfter');
  if (destination !== undefined) view.destination = destination;
  if (format !== undefined) view.nameIDFormat = format;
  if (notOnOrAfter !== undefined) view.notOnOrAfter = new Date(notOnOrAfter);
  return markVerified(view);
}

function readLogoutResponse(trusted: TrustedRoot): Verified<LogoutResponseView> & { issueInstant: Date } {
  const root = trusted.root;
  const inResponseTo = root.getAttribute('InResponseTo');
  if (!inResponseTo) throw new BrokerError('request-malformed', 'The logout answer does not say what it answers.', 'LogoutResponse without InResponseTo');
  const status = childElement(root, NS.samlp, 'Status')!;
  const view = {
    id: root.getAttribute('ID')!,
    issuer: textOf(childElement(root, NS.saml, 'Issuer')!),
    inResponseTo,
    statusCode: childElement(status, NS.samlp, 'StatusCode')!.getAttribute('Value')!,
    issueInstant: new Date(root.getAttribute('IssueInstant')!),
  } as LogoutResponseView & { issueInstant: Date };
  const destination = optionalAttr(root, 'Destination');
  if (destination !== undefined) view.destination = destination;
  return markVerified(view);
}

export async function receiveLogoutMessage(input: BindingInput, deps: ReceiveLogoutDeps): Promise<ReceivedLogoutMessage> {
  const { cfg, now } = deps;
  const max = cfg.saml.maxMessageBytes;
  const decoded = input.binding === 'redirect' ? decodeRedirect(input.rawQuery, max) : decodePost(input.body, max);
  const expect = decoded.param === 'SAMLRequest' ? (['LogoutRequest'] as const) : (['LogoutResponse'] as const);
  const parsed = validateSchema(decoded.xml, expect, max);
  const { sp } = resolveSp(peekIssuerUnverified(parsed.root), deps.registry, cfg);
  const trusted = verifyMessageSignature(decoded, parsed, sp, true, expect, now);
  const common = { sp, binding: decoded.binding, ...(decoded.relayState !== undefined ? { relayState: decoded.relayState } : {}) };
  const window = replayWindowMs(cfg.saml.clockSkewSeconds);
  if (expect[0] === 'LogoutRequest') {
    const view = readLogoutRequest(trusted);
    checkVerifiedIssuer(view.issuer, sp);
    checkDestination(view.destination, `${cfg.publicUrl}/saml/slo`, true);
    checkIssueInstant(view.issueInstant, now, cfg.saml.clockSkewSeconds);
    if (view.notOnOrAfter && view.notOnOrAfter.getTime() + cfg.saml.clockSkewSeconds * 1000 <= now.getTime())
      throw new BrokerError('request-rejected', 'The logout request has expired.', `NotOnOrAfter ${view.notOnOrAfter.toISOString()}`);
    await rejectReplay(deps.replayCache, `replay:logout:${view.issuer}:${view.id}`, window);
    return { kind: 'LogoutRequest', view, ...common };
  }
  const { issueInstant, ...rest } = readLogoutResponse(trusted);
  const view = markVerified(rest);
  checkVerifiedIssuer(view.issuer, sp);
  checkDestination(view.destination, `${cfg.publicUrl}/saml/slo`, true);
  checkIssueInstant(issueInstant, now, cfg.saml.clockSkewSeconds);
  await rejectReplay(deps.replayCache, `replay:logout-response:${view.issuer}:${view.id}`, window);
  return { kind: 'LogoutResponse', view, ...common };
}
