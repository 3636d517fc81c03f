// The representation step (design.md "Data through one login" step 5, issue 7 "At login"): after
// an authentication, or when an SSO session already suffices, a person who holds mandates valid
// now for the login's service at the rung reached chooses "myself" or an organisation. PIN logins
// never represent (their connector does not allow it). A service that requires representation and
// finds no valid mandate answers RequestDenied.
//
// The page only proposes: the POST names a choice key, and the choices are computed again, so a
// mandate revoked or ended while the page was open is refused at the click.
import express, { Router, type Request, type Response } from 'express';
import { BrokerError } from '../errors.js';
import { assertableRung } from '../loa.js';
import { createRepresentations, type LoginService, type Representations } from '../mandates/representations.js';
import type { RepresentationChoice } from '../mandates/model.js';
import { createCachedServiceLookup, type ServiceLookup } from '../mandates/service-lookup.js';
import type { BrokerServices } from '../services.js';
import { checkCsrf } from './csrf.js';
import { handBack, type HandBackDeps } from './hand-back.js';
import { replyTargetOf, type LoginTransaction } from './login-transaction.js';
import type { SsoSession } from './sso-session.js';
import { MYSELF, renderRepresentationPage } from './representation-page.js';
import { txParam } from './tx-param.js';

export function representationsOf(services: BrokerServices): Representations {
  const { mandates } = services.config;
  return createRepresentations(services.db, { timeZone: mandates.timeZone, chainMinimumRung: mandates.chainMinimumRung });
}

// one cache per broker (tests run several in one process)
const serviceLookups = new WeakMap<BrokerServices, ServiceLookup>();

/** The SP's catalogue entry for a new login, through this broker's per-node cache. */
export function serviceLookupOf(services: BrokerServices): ServiceLookup {
  let lookup = serviceLookups.get(services);
  if (!lookup) {
    lookup = createCachedServiceLookup(representationsOf(services), { ttlMs: services.config.mandates.catalogueCacheSeconds * 1000 });
    serviceLookups.set(services, lookup);
  }
  return lookup;
}

/** The choices of this login now; none when the service or the method rules representation out. */
async function choicesOf(services: BrokerServices, tx: LoginTransaction, session: SsoSession): Promise<{ service: LoginService | null; choices: RepresentationChoice[] }> {
  const service = tx.service ?? null;
  if (!service || service.representation === 'none') return { service: null, choices: [] };
  const auth = session.authentication;
  const rung = assertableRung(auth.loa, tx.request.loa);
  // a session below the request goes on to the hand-back, which answers NoAuthnContext
  if (!rung) return { service: null, choices: [] };
  const connector = services.connectors.find((c) => c.id === auth.connectorId);
  if (!connector?.allowsRepresentation) return { service, choices: [] };
  return { service, choices: await representationsOf(services).choicesFor({ personId: auth.personId, service, rung, now: services.now() }) };
}

function requiredButNone(tx: LoginTransaction): BrokerError {
  return new BrokerError('representation-required', 'no valid mandate for a service that requires representation', `service ${tx.service?.serviceId}`, replyTargetOf(tx));
}

/**
 * From an accepted authentication (or a sufficient SSO session) to the assertion, through the
 * choice of whom the person acts for when there is one to make.
 */
export async function continueToAssertion(deps: HandBackDeps, req: Request, res: Response, tx: LoginTransaction, session: SsoSession): Promise<void> {
  const { service, choices } = await choicesOf(deps.services, tx, session);
  if (choices.length === 0) {
    if (service?.representation === 'required') throw requiredButNone(tx);
    await handBack(deps, req, res, tx, session);
    return;
  }
  // A passive login shows no page: the person acts for themselves where the service allows it.
  if (tx.request.isPassive) {
    if (service?.representation === 'required') throw new BrokerError('passive-impossible', 'representation needs a choice on a page', undefined, replyTargetOf(tx));
    await handBack(deps, req, res, tx, session);
    return;
  }
  await deps.transactions.save({ ...tx, representationStep: { ssoSessionId: session.id } });
  res.redirect(303, `/login/${tx.id}/represent`);
}

export function representationRouter(deps: HandBackDeps): Router {
  const { services } = deps;
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 5 });

  /** The waiting transaction and the SSO session it waits for: only this browser, only that session. */
  async function waiting(req: Request): Promise<{ tx: LoginTransaction; session: SsoSession }> {
    const tx = await deps.transactions.load(req, txParam(req));
    const session = await deps.sessions.current(req);
    if (!tx.representationStep || !session || session.id !== tx.representationStep.ssoSessionId) {
      throw new BrokerError('transaction-unknown', 'no representation choice pending for this login', `tx ${tx.id}`);
    }
    return { tx, session };
  }

  router.get('/login/:tx/represent', async (req, res) => {
    const { tx, session } = await waiting(req);
    const { service, choices } = await choicesOf(services, tx, session);
    if (!service) throw new BrokerError('transaction-unknown', 'representation is off for this login', `tx ${tx.id}`);
    if (choices.length === 0 && service.representation === 'required') throw requiredButNone(tx);
    renderRepresentationPage(services.pages, req, res, { tx, service, choices });
  });

  router.post('/login/:tx/represent', form, async (req, res) => {
    const { tx, session } = await waiting(req);
    checkCsrf(tx, req.body);
    const key = (req.body as Record<string, unknown>).choice;
    const { service, choices } = await choicesOf(services, tx, session);
    if (!service) throw new BrokerError('transaction-unknown', 'representation is off for this login', `tx ${tx.id}`);
    if (key === MYSELF && service.representation !== 'required') {
      await handBack(deps, req, res, tx, session);
      return;
    }
    const chosen = choices.find((c) => c.key === key);
    if (!chosen) {
      if (choices.length === 0 && service.representation === 'required') throw requiredButNone(tx);
      services.log.info({ tx: tx.id }, 'representation choice no longer valid');
      renderRepresentationPage(services.pages, req, res, { tx, service, choices, gone: true });
      return;
    }
    await representationsOf(services).markUsed(chosen.mandateId, services.now());
    await handBack(deps, req, res, tx, session, chosen);
  });
  return router;
}
