// Every self-service page but the login needs a live self-service session of an active person
// whose sessions were not revoked (a renunciation on another node ends this one too). Without
// one, a page that says so and links to the login, coming back to the page asked for.
import type { NextFunction, Request, Response } from 'express';
import type { BrokerServices } from '../../services.js';
import type { Person } from '../person.js';
import { html } from '../../web/html.js';
import { revokedSessionsFor } from '../../flow/revoked-sessions.js';
import { endAccountSession, type AccountLogin } from './session.js';
import { isAccountPath } from './login.js';

export interface AccountContext {
  readonly login: AccountLogin;
  readonly person: Person;
}

declare module 'express-serve-static-core' {
  interface Locals {
    account?: AccountContext;
  }
}

export function requireAccount(services: BrokerServices) {
  const revoked = revokedSessionsFor(services.config, services.ephemeral);
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const login = req.session?.account;
    const person = login && !(await revoked.isRevoked(login.personId, login.loggedInAt)) ? await services.identity.findById(login.personId) : undefined;
    if (!login || !person || person.status !== 'active') {
      if (login) await endAccountSession(req);
      const back = isAccountPath(`/account${req.path}`) ? `/account${req.path}` : '/account/';
      const t = (k: string) => services.pages.t(res, k);
      services.pages.send(req, res, {
        status: 401,
        title: t('account.login.needed'),
        body: html`<p>${t('account.login.intro')}</p><div class="actions"><a class="button" href="/account/login?RelayState=${encodeURIComponent(back)}">${t('account.login.submit')}</a></div>`,
      });
      return;
    }
    res.locals.account = { login, person };
    next();
  };
}

export function accountOf(res: Response): AccountContext {
  const account = res.locals.account;
  if (!account) throw new TypeError('requireAccount must run before this handler');
  return account;
}
