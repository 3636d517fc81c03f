// The login flow's pages: the selector, the choice of a method, cancelling; and the connectors'
// routers under /connectors/<id>/, each given only its ConnectorContext.
import express, { Router, type Request, type Response } from 'express';
import type { ConnectorContext, LoginFailure } from '../../connectors/connector.js';
import { BrokerError } from '../errors.js';
import type { HandBackDeps } from './hand-back.js';
import { checkCsrf } from './csrf.js';
import { methodStates, offeredIds } from './selector.js';
import { renderSelector } from './selector-page.js';
import { finishLogin } from './finish.js';
import { replyTargetOf, type LoginTransaction } from './login-transaction.js';
import { representationRouter } from './representation.js';
import { txParam } from './tx-param.js';

const FAILURE_MESSAGES: Readonly<Record<LoginFailure, string>> = {
  cancelled: 'the person cancelled',
  denied: 'denied',
  'upstream-failed': 'the upstream identity provider could not authenticate the person',
  'upstream-denied': 'the upstream identity provider refused the request',
  'upstream-loa-too-low': 'the upstream identity provider reached a lower level of assurance than requested',
};

async function failLogin(deps: HandBackDeps, tx: LoginTransaction, code: LoginFailure, method: string): Promise<never> {
  await deps.transactions.remove(tx.id);
  deps.services.metrics.logins.inc({ method, outcome: code, loa: 'none' });
  throw new BrokerError(code, FAILURE_MESSAGES[code], undefined, replyTargetOf(tx));
}

export function flowRouter(deps: HandBackDeps): Router {
  const { services } = deps;
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });

  router.get('/login/:tx', async (req, res) => {
    const tx = await deps.transactions.load(req, txParam(req));
    renderSelector(services.pages, req, res, tx, methodStates(services.connectors, tx));
  });

  router.post('/login/:tx/choose', form, async (req, res) => {
    const tx = await deps.transactions.load(req, txParam(req));
    checkCsrf(tx, req.body);
    const method = (req.body as Record<string, unknown>).method;
    if (typeof method !== 'string' || !offeredIds(methodStates(services.connectors, tx)).includes(method)) {
      res.redirect(303, `/login/${tx.id}`);
      return;
    }
    res.redirect(303, `/connectors/${method}/${tx.id}`);
  });

  router.use(representationRouter(deps));

  router.post('/login/:tx/cancel', form, async (req, _res) => {
    const tx = await deps.transactions.load(req, txParam(req));
    checkCsrf(tx, req.body);
    await failLogin(deps, tx, 'cancelled', 'selector');
  });

  for (const connector of services.connectors) {
    const sub = Router();
    const ctx: ConnectorContext = {
      config: services.config,
      log: services.log.child({ connector: connector.id }),
      ephemeral: services.ephemeral,
      identity: services.identity,
      credentials: services.credentials,
      audit: services.audit,
      devices: services.devices,
      notify: services.notify,
      rateLimit: services.rateLimit,
      pages: services.pages,
      now: services.now,
      checkCsrf,
      async loadTransaction(req) {
        const tx = await deps.transactions.load(req, txParam(req));
        // A connector page is reachable only for a login where this connector is offered.
        if (!offeredIds(methodStates(services.connectors, tx)).includes(connector.id)) throw new BrokerError('transaction-unknown', 'method not available for this login');
        return tx;
      },
      async saveState(tx, connectorId, state) {
        if (connectorId !== connector.id) throw new TypeError(`connector ${connector.id} cannot write the state of ${connectorId}`);
        const updated: LoginTransaction = { ...tx, connectorState: { ...tx.connectorState, [connector.id]: state } };
        await deps.transactions.save(updated);
        return updated;
      },
      finish: (req: Request, res: Response, tx, result) => finishLogin(deps, req, res, tx, connector.id, result),
      fail: (_req, _res, tx, code) => failLogin(deps, tx, code, connector.id),
    };
    connector.mount(sub, ctx);
    router.use(`/connectors/${connector.id}`, sub);
    connector.mountPublic?.(router, ctx);
  }
  return router;
}
