// A connector's claim becomes an authentication (style.md §4: the connector claims, the broker
// decides): the rung is capped by the person's registration level through the method table of
// the configuration, the person must be active, and the capped rung must still satisfy the
// request — otherwise the person is told why and may choose another method.
import type { Request, Response } from 'express';
import { BrokerError } from '../errors.js';
import { assertableRung, minRung, type LoaRung } from '../loa.js';
import { replyTargetOf, type AuthnResult, type Authentication, type LoginTransaction } from './login-transaction.js';
import type { HandBackDeps } from './hand-back.js';
import { continueToAssertion } from './representation.js';
import { html } from '../web/html.js';

export async function finishLogin(deps: HandBackDeps, req: Request, res: Response, tx: LoginTransaction, connectorId: string, result: AuthnResult): Promise<void> {
  const { services } = deps;
  const replyTo = replyTargetOf(tx);
  const person = await services.identity.findById(result.subject.personId);
  if (!person || person.status !== 'active') {
    services.metrics.logins.inc({ method: result.method, outcome: 'denied', loa: result.loa });
    throw new BrokerError('denied', 'the person cannot use this service', `person ${result.subject.personId} inactive`, replyTo);
  }
  const table = services.config.loa.methodRungs[result.method];
  const byRegistration: LoaRung | null | undefined = table?.[person.registrationLevel];
  if (!byRegistration) throw new TypeError(`method ${result.method} has no rung for ${person.registrationLevel} registration`);
  const cap = minRung(result.loa, byRegistration);
  if (!assertableRung(cap, tx.request.loa)) {
    services.metrics.logins.inc({ method: result.method, outcome: 'insufficient', loa: cap });
    const { pages } = services;
    pages.send(req, res, {
      status: 403,
      title: pages.t(res, 'selector.unavailable'),
      body: html`<p class="error" role="alert">${pages.t(res, 'selector.reason.registration')}</p>
<p><a href="/login/${tx.id}">${pages.t(res, 'form.back')}</a></p>`,
    });
    return;
  }
  const authentication: Authentication = {
    personId: person.id,
    connectorId,
    method: result.method,
    loa: cap,
    registrationLevel: person.registrationLevel,
    authnInstant: result.authnInstant.getTime(),
    ...(result.authenticatingAuthority ? { authenticatingAuthority: result.authenticatingAuthority } : {}),
    ...(result.upstreamAttributes?.length ? { upstreamAttributes: result.upstreamAttributes } : {}),
  };
  const session = await deps.sessions.start(req, res, authentication);
  await continueToAssertion(deps, req, res, tx, session);
}
