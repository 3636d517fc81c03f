// A new Cl@ve Permanente activation code (seed 000 §2.5 "regenerate the activation code", §5.4.3):
// shown once on this page, stored only as a hash; renewing reopens a cancelled account and
// unblocks a blocked code (registration.ts). The page asks for a POST so a link cannot do it.
// A code is blocked after too many wrong entries; a session that could renew it at will would
// make that block meaningless, so renewals are limited per person (RENEWALS_PER_DAY, counted
// in the shared rate limiter, so across broker instances).
import express, { Router } from 'express';
import type { BrokerServices } from '../../services.js';
import { html } from '../../web/html.js';
import { canActivatePermanente, renewActivationCode } from '../registration.js';
import { accountOf } from './require-account.js';
import { carriesAccountCsrf } from './session.js';

const RENEWALS_PER_DAY = 3;
const DAY = 24 * 3600 * 1000;

export function activationCodeRouter(services: BrokerServices): Router {
  const router = Router();
  const { pages } = services;
  const form = express.urlencoded({ extended: false, limit: '1kb', parameterLimit: 3 });

  router.get('/activation-code', (req, res) => {
    const { person, login } = accountOf(res);
    const t = (k: string) => pages.t(res, k);
    pages.send(req, res, {
      title: t('account.activationCode'),
      body: canActivatePermanente(person)
        ? html`<p>${t('account.activationCode.intro')}</p>
<form method="post" action="/account/activation-code"><input type="hidden" name="csrf" value="${login.csrfToken}">
<div class="actions"><button type="submit">${t('account.activationCode.submit')}</button> <a href="/account/">${t('account.back')}</a></div></form>`
        : html`<p class="error" role="alert">${t('account.activationCode.cannot')}</p><p><a href="/account/">${t('account.back')}</a></p>`,
    });
  });

  router.post('/activation-code', form, async (req, res) => {
    const { person, login } = accountOf(res);
    const t = (k: string, vars?: Record<string, string>) => pages.t(res, k, vars);
    if (!carriesAccountCsrf(req, login) || !person.documentNumber || !canActivatePermanente(person)) {
      return pages.send(req, res, { status: 403, title: t('account.activationCode'), body: html`<p class="error" role="alert">${t('account.csrf')}</p><p><a href="/account/activation-code">${t('account.back')}</a></p>` });
    }
    if (!(await services.rateLimit.hit(`account-activation-code:person:${person.id}`, RENEWALS_PER_DAY, DAY))) {
      await services.audit.record({ actor: `person:${person.id}`, action: 'permanente.activation-code.limited', subject: person.id, ip: req.ip });
      return pages.send(req, res, { status: 429, title: t('account.activationCode'), body: html`<p class="error" role="alert">${t('account.activationCode.limit', { count: String(RENEWALS_PER_DAY) })}</p><p><a href="/account/">${t('account.back')}</a></p>` });
    }
    const { activationCode } = await renewActivationCode({ registry: services.identity, accounts: services.credentials.accounts, audit: services.audit, now: services.now }, person.documentNumber, req.ip, `person:${person.id}`);
    res.set('Cache-Control', 'no-store');
    pages.send(req, res, {
      title: t('account.activationCode'),
      body: html`<p class="notice" role="status">${t('account.activationCode.done')}</p><p><strong id="activation-code">${activationCode}</strong></p><p>${t('account.activationCode.once')}</p><p><a href="/account/">${t('account.back')}</a></p>`,
    });
  });
  return router;
}
