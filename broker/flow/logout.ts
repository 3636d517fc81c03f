// Single logout (SAML profiles §4.4), SP-initiated over either binding: the broker ends its SSO
// session, sends a signed LogoutRequest to every other SP of that session one after another
// through the browser (their LogoutResponses come back to /saml/slo carrying our RelayState),
// then answers the initiator with a signed LogoutResponse echoing its RelayState.
import type { Request, Response } from 'express';
import type { BrokerServices } from '../services.js';
import { BrokerError } from '../errors.js';
import type { SpEntry } from '../saml/sp-metadata.js';
import { buildLogoutRequest, buildLogoutResponse, type SignWith } from '../saml/build-logout.js';
import { newSamlId } from '../saml/build-assertion.js';
import { signingAlgorithmFor } from '../saml/signing-algorithm.js';
import { redirectUrl } from '../saml/send-binding.js';
import { idpEntityID } from '../saml/addresses.js';
import { BINDING } from '../saml/namespaces.js';
import type { SsoParticipant, SsoSessions } from './sso-session.js';
import { randomId } from './random-id.js';
import { sendPostToSp } from './post-to-sp.js';
import { html } from '../web/html.js';

interface LogoutState {
  readonly initiator: { readonly entityID: string; readonly requestId: string; readonly relayState: string | undefined } | undefined;
  readonly pending: readonly SsoParticipant[];
  /** the LogoutRequest we sent last: its ID and the SP it went to */
  readonly waitingFor: { readonly id: string; readonly sp: string } | undefined;
  readonly partial: boolean;
}

const KEY = (id: string) => `slo:${id}`;
const LOGOUT_TTL_MS = 10 * 60_000;

type Endpoint = { binding: string; location: string; responseLocation?: string };

function sloEndpoint(sp: SpEntry): Endpoint | undefined {
  return sp.slo.find((e) => e.binding === BINDING.redirect) ?? sp.slo.find((e) => e.binding === BINDING.post);
}

export interface LogoutDeps {
  readonly services: BrokerServices;
  readonly sessions: SsoSessions;
}

/**
 * Send a SAML message to an SP's SLO endpoint: Redirect (the query is signed) or POST (the XML is
 * signed). `build` makes the message, signed when given a key.
 */
function sendToSp(services: BrokerServices, res: Response, sp: SpEntry, endpoint: Endpoint, field: 'SAMLRequest' | 'SAMLResponse', build: (signWith?: SignWith) => string, relayState: string | undefined): void {
  const algorithm = signingAlgorithmFor(services.config, services.keys, sp.entityID);
  const location = field === 'SAMLResponse' ? (endpoint.responseLocation ?? endpoint.location) : endpoint.location;
  if (endpoint.binding === BINDING.redirect) {
    res.redirect(303, redirectUrl({ location, field, xml: build(), relayState, keys: services.keys, algorithm }));
    return;
  }
  sendPostToSp(res, { action: location, field, xml: build({ keys: services.keys, algorithm }), relayState });
}

async function continueLogout(deps: LogoutDeps, req: Request, res: Response, stateId: string, state: LogoutState): Promise<void> {
  const { services } = deps;
  const cfg = services.config;
  const [next, ...rest] = state.pending;
  if (next) {
    const sp = services.spRegistry.get(next.spEntityID);
    const endpoint = sp && sloEndpoint(sp);
    if (!sp || !endpoint) {
      await continueLogout(deps, req, res, stateId, { ...state, pending: rest, partial: true });
      return;
    }
    const input = {
      issuer: idpEntityID(cfg),
      destination: endpoint.location,
      nameID: { format: next.nameIDFormat, value: next.nameID, spNameQualifier: sp.entityID },
      sessionIndex: next.sessionIndex,
      now: services.now(),
    };
    // The state must name the ID we send, so the ID is drawn first.
    const id = newSamlId();
    await services.ephemeral.set(KEY(stateId), JSON.stringify({ ...state, pending: rest, waitingFor: { id, sp: sp.entityID } }), LOGOUT_TTL_MS);
    sendToSp(services, res, sp, endpoint, 'SAMLRequest', (signWith) => buildLogoutRequest({ ...input, id }, signWith).xml, stateId);
    return;
  }
  await services.ephemeral.del(KEY(stateId));
  const initiator = state.initiator;
  const initiatorSp = initiator && services.spRegistry.get(initiator.entityID);
  const endpoint = initiatorSp && sloEndpoint(initiatorSp);
  if (!initiator || !initiatorSp || !endpoint) {
    const { pages } = services;
    pages.send(req, res, { title: pages.t(res, 'logout.title'), body: html`<p>${pages.t(res, 'logout.done')}</p>` });
    return;
  }
  const input = {
    issuer: idpEntityID(cfg),
    destination: endpoint.responseLocation ?? endpoint.location,
    inResponseTo: initiator.requestId,
    status: state.partial ? ('PartialLogout' as const) : ('Success' as const),
    now: services.now(),
  };
  sendToSp(services, res, initiatorSp, endpoint, 'SAMLResponse', (signWith) => buildLogoutResponse(input, signWith), initiator.relayState);
}

/** A verified LogoutRequest from an SP: end the session and start the propagation. */
export async function startLogout(
  deps: LogoutDeps,
  req: Request,
  res: Response,
  msg: { issuer: string; requestId: string; nameID: string; sessionIndexes: readonly string[]; relayState: string | undefined },
): Promise<void> {
  const session = await deps.sessions.current(req);
  let pending: SsoParticipant[] = [];
  if (session) {
    const own = session.participants.find((p) => p.spEntityID === msg.issuer);
    // Only the session this SP knows (same NameID and, when given, SessionIndex) is ended.
    const matches = own !== undefined && own.nameID === msg.nameID && (msg.sessionIndexes.length === 0 || msg.sessionIndexes.includes(own.sessionIndex));
    if (matches) {
      await deps.sessions.destroy(res, session.id);
      pending = session.participants.filter((p) => p.spEntityID !== msg.issuer);
    }
  }
  const state: LogoutState = { initiator: { entityID: msg.issuer, requestId: msg.requestId, relayState: msg.relayState }, pending, waitingFor: undefined, partial: false };
  await continueLogout(deps, req, res, randomId(), state);
}

/** A verified LogoutResponse from an SP we sent a LogoutRequest to. */
export async function resumeLogout(deps: LogoutDeps, req: Request, res: Response, msg: { issuer: string; inResponseTo: string; success: boolean; relayState: string | undefined }): Promise<void> {
  const stateId = msg.relayState;
  const raw = stateId && /^[A-Za-z0-9_-]{22}$/.test(stateId) ? await deps.services.ephemeral.get(KEY(stateId)) : null;
  if (!stateId || !raw) throw new BrokerError('transaction-unknown', 'unknown logout', 'LogoutResponse without a logout in progress');
  const state = JSON.parse(raw) as LogoutState;
  if (state.waitingFor?.id !== msg.inResponseTo || state.waitingFor.sp !== msg.issuer) {
    throw new BrokerError('request-untrusted', 'unexpected LogoutResponse', `LogoutResponse from ${msg.issuer} to ${msg.inResponseTo}; waiting for ${JSON.stringify(state.waitingFor)}`);
  }
  await continueLogout(deps, req, res, stateId, { ...state, waitingFor: undefined, partial: state.partial || !msg.success });
}
