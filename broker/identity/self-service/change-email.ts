// Change of e-mail after a Cl@ve PIN login (seed 000 §2.4: identify with DNI/NIE and contrast data,
// ask for a PIN, authenticate with it, the e-mail is changed). A session opened any other way is
// sent through a fresh PIN login first (/account/login/pin: ForceAuthn). The previous address is
// told of the change.
import express, { Router, type Request, type Response } from 'express';
import type { BrokerServices } from '../../services.js';
import { html } from '../../web/html.js';
import { IdentityError } from '../registry-db.js';
import { accountOf } from './require-account.js';
import { carriesAccountCsrf } from './session.js';

export function changeEmailRouter(services: BrokerServices): Router {
  const router = Router();
  const { pages } = services;
  const form = express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 5 });

  function page(req: Request, res: Response, errorKey?: string, status = 200) {
    const { person, login } = accountOf(res);
    const t = (k: string) => pages.t(res, k);
    if (login.method !== 'PIN24H') {
      return pages.send(req, res, {
        status: 403,
        title: t('account.email.change'),
        body: html`<p>${t('account.email.needsPin')}</p><div class="actions"><a class="button" href="/account/login/pin?RelayState=%2Faccount%2Femail">${t('account.email.loginPin')}</a> <a href="/account/">${t('account.back')}</a></div>`,
      });
    }
    pages.send(req, res, {
      status,
      title: t('account.email.change'),
      body: html`${errorKey ? html`<p class="error" role="alert">${t(errorKey)}</p>` : ''}
<form method="post" action="/account/email">
<input type="hidden" name="csrf" value="${login.csrfToken}">
<label for="email">${t('account.email.new')}</label>
<input type="email" id="email" name="email" required autocomplete="email" maxlength="200" value="${person.email ?? ''}">
<div class="actions"><button type="submit">${t('account.save')}</button> <a href="/account/">${t('account.back')}</a></div>
</form>`,
    });
  }

  router.get('/email', (req, res) => page(req, res));
  router.post('/email', form, async (req, res) => {
    const { person, login } = accountOf(res);
    if (!carriesAccountCsrf(req, login)) return page(req, res, 'account.csrf', 403);
    if (login.method !== 'PIN24H') return page(req, res);
    const email = typeof req.body?.email === 'string' ? req.body.email : '';
    let changed;
    try {
      changed = await services.identity.changeContact(person.id, { email });
    } catch (err) {
      if (err instanceof IdentityError && err.code === 'invalid') return page(req, res, 'account.email.invalid', 422);
      throw err;
    }
    if (!changed) return page(req, res, 'account.gone', 409);
    await services.audit.record({ actor: `person:${person.id}`, action: 'person.email.changed', subject: person.id, ip: req.ip, detail: { method: login.method } });
    if (person.email && person.email !== changed.email) {
      await services.notify.send({ channel: 'email', to: person.email, subject: pages.t(res, 'account.email.told.subject'), text: pages.t(res, 'account.email.told.text') });
    }
    pages.send(req, res, { title: pages.t(res, 'account.email.change'), body: html`<p class="notice" role="status">${pages.t(res, 'account.email.done')}</p><p><a href="/account/">${pages.t(res, 'account.back')}</a></p>` });
  });
  return router;
}
