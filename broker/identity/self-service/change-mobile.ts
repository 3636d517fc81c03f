// The mobile's "specially protected" change (seed 000 §2.3, §2.3.1): online only with a qualified
// certificate or eID card naming the person (certificate-step.ts); at an office or by video it is
// the staff consoles' work. The person types the new number and accepts the conditions; one person
// per mobile number (§2.7.3) is the registry's rule, explained when it refuses. The old number is
// told by SMS, so a change the person did not make does not go unnoticed, and the new one gets the
// confirmation (§2.3.1 step 4).
import express, { Router, type Request, type Response } from 'express';
import type { BrokerServices } from '../../services.js';
import { html } from '../../web/html.js';
import { IdentityError } from '../registry-db.js';
import { accountOf } from './require-account.js';
import { carriesAccountCsrf } from './session.js';
import { certificateProofFor } from './certificate-step.js';

export function changeMobileRouter(services: BrokerServices): { router: Router; form: (req: Request, res: Response, errorKey?: string, status?: number) => void } {
  const router = Router();
  const { pages } = services;
  const body = express.urlencoded({ extended: false, limit: '1kb', parameterLimit: 5 });

  function form(req: Request, res: Response, errorKey?: string, status = 200) {
    const { login } = accountOf(res);
    const t = (k: string) => pages.t(res, k);
    pages.send(req, res, {
      status,
      title: t('account.mobile.change'),
      body: html`${errorKey ? html`<p class="error" role="alert">${t(errorKey)}</p>` : ''}
<form method="post" action="/account/mobile">
<input type="hidden" name="csrf" value="${login.csrfToken}">
<label for="mobile">${t('account.mobile.new')} <span class="hint" id="mobile-hint">${t('account.mobile.hint')}</span></label>
<input type="tel" id="mobile" name="mobile" required autocomplete="tel" maxlength="20" aria-describedby="mobile-hint">
<p id="mobile-conditions">${t('account.mobile.conditions')}</p>
<p><input type="checkbox" id="accepted" name="accepted" value="yes" required aria-describedby="mobile-conditions"> <label class="inline" for="accepted">${t('account.conditions.accept')}</label></p>
<div class="actions"><button type="submit">${t('account.save')}</button> <a href="/account/">${t('account.back')}</a></div>
</form>`,
    });
  }

  router.get('/mobile', (req, res) => {
    if (certificateProofFor(services, req, 'mobile')) return form(req, res);
    const t = (k: string) => pages.t(res, k);
    pages.send(req, res, {
      title: t('account.mobile.change'),
      body: html`<p>${t('account.mobile.needsCertificate')}</p><div class="actions"><a class="button" href="/account/certificate/mobile">${t('account.certificate.continue')}</a> <a href="/account/">${t('account.back')}</a></div>`,
    });
  });

  router.post('/mobile', body, async (req, res) => {
    const { person, login } = accountOf(res);
    if (!carriesAccountCsrf(req, login)) return form(req, res, 'account.csrf', 403);
    const proof = certificateProofFor(services, req, 'mobile');
    if (!proof) return void res.redirect(303, '/account/mobile');
    if (req.body?.accepted !== 'yes') return form(req, res, 'account.mustAccept', 422);
    let changed;
    try {
      changed = await services.identity.changeContact(person.id, { mobile: typeof req.body?.mobile === 'string' ? req.body.mobile : '' });
    } catch (err) {
      if (err instanceof IdentityError && err.code === 'mobile-taken') return form(req, res, 'account.mobile.taken', 409);
      if (err instanceof IdentityError && err.code === 'invalid') return form(req, res, 'account.mobile.invalid', 422);
      throw err;
    }
    if (!changed) return form(req, res, 'account.gone', 409);
    delete req.session.certificateProof;
    await services.audit.record({ actor: `person:${person.id}`, action: 'person.mobile.changed', subject: person.id, ip: req.ip, detail: { channel: 'certificate', issuer: proof.issuer, serialNumber: proof.serialNumber } });
    if (person.mobile && person.mobile !== changed.mobile) {
      await services.notify.send({ channel: 'sms', to: person.mobile, text: pages.t(res, 'account.mobile.told') });
    }
    if (changed.mobile) await services.notify.send({ channel: 'sms', to: changed.mobile, text: pages.t(res, 'account.mobile.confirmed') });
    pages.send(req, res, { title: pages.t(res, 'account.mobile.change'), body: html`<p class="notice" role="status">${pages.t(res, 'account.mobile.done')}</p><p><a href="/account/">${pages.t(res, 'account.back')}</a></p>` });
  });
  return { router, form };
}
