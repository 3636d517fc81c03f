// From a verified AuthnRequest to a LoginTransaction (design.md "Data through one login" 1–2):
// the service of the SP's catalogue is looked up once here (cached per node); reuse the SSO session when it suffices
// (through the representation step), answer NoPassive when it does not and the SP asked for
// a passive login, otherwise send the browser to the selector.
import type { Request, Response } from 'express';
import type { ReceivedAuthnRequest } from '../saml/receive-authn-request.js';
import { BrokerError } from '../errors.js';
import { assertableRung } from '../loa.js';
import type { LoginTransaction } from './login-transaction.js';
import { readRequestedLoa } from './read-requested-loa.js';
import { allowedMethods, methodPermissions } from './allowed-methods.js';
import { ensureBrowserBinding } from './browser-binding.js';
import { nameIDFormatOf } from './name-id.js';
import { randomId } from './random-id.js';
import type { HandBackDeps } from './hand-back.js';
import { continueToAssertion, serviceLookupOf } from './representation.js';
import { methodStates, offeredIds } from './selector.js';

export async function openLogin(deps: HandBackDeps, req: Request, res: Response, received: ReceivedAuthnRequest): Promise<void> {
  const { services } = deps;
  const cfg = services.config;
  const { request, sp, policy } = received;
  const replyTo = { spEntityID: sp.entityID, acsUrl: received.acsUrl, inResponseTo: request.id, relayState: received.relayState };

  const nameIDFormat = nameIDFormatOf(request.nameIDPolicy?.format);
  if (!nameIDFormat) throw new BrokerError('name-id-policy', 'unsupported NameID format', `format ${request.nameIDPolicy?.format}`, replyTo);
  const loa = readRequestedLoa(request.requestedAuthnContext, policy.minimumRung, replyTo);
  const methods = methodPermissions(cfg.connectors.enabled, policy, request.claveExcludedAttributes);

  const tx: LoginTransaction = {
    id: randomId(),
    browserBinding: ensureBrowserBinding(req, res, cfg),
    csrf: randomId(),
    createdAt: services.now().getTime(),
    sp: { entityID: sp.entityID, displayName: policy.displayName ?? sp.entityID },
    request: {
      id: request.id,
      acsUrl: received.acsUrl,
      relayState: received.relayState,
      forceAuthn: request.forceAuthn,
      isPassive: request.isPassive,
      nameIDFormat,
      allowCreate: request.nameIDPolicy?.allowCreate ?? true,
      requestedAttributes: request.requestedAttributes.map((a) => a.name),
      attributeConsumingServiceIndex: request.attributeConsumingServiceIndex,
      loa,
    },
    methods,
    connectorState: {},
    service: await serviceLookupOf(services).serviceFor(sp.entityID, request.attributeConsumingServiceIndex),
  };

  const session = request.forceAuthn ? undefined : await deps.sessions.current(req);
  const usable =
    session !== undefined &&
    assertableRung(session.authentication.loa, loa) !== undefined &&
    allowedMethods(methods).includes(session.authentication.connectorId);
  if (usable) {
    await continueToAssertion(deps, req, res, tx, session);
    return;
  }
  if (request.isPassive) throw new BrokerError('passive-impossible', 'no usable session for a passive login', undefined, replyTo);
  if (offeredIds(methodStates(services.connectors, tx)).length === 0) {
    throw new BrokerError('no-method-for-loa', 'no method reaches the requested level of assurance', undefined, replyTo);
  }
  await deps.transactions.save(tx);
  res.redirect(303, `/login/${tx.id}`);
}
