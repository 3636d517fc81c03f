// The PIN connector's two pages: ask for the identity data, then for the PIN.
import type { Request, Response } from 'express';
import type { PageRenderer } from '../../broker/web/render.js';
import { html } from '../../broker/web/html.js';
import { contrastDataFields, type ContrastDataValues } from '../../broker/web/contrast-data-fields.js';
import type { LoginTransaction } from '../../broker/flow/login-transaction.js';

export interface RequestFormValues extends ContrastDataValues {
  readonly personalise?: boolean;
}

export function renderRequestForm(pages: PageRenderer, req: Request, res: Response, tx: LoginTransaction, opts: { errorKey?: string; values?: RequestFormValues; status?: number } = {}): void {
  const t = (k: string) => pages.t(res, k);
  const v = opts.values ?? {};
  pages.send(req, res, {
    status: opts.status ?? (opts.errorKey ? 422 : 200),
    title: t('pin.title'),
    body: html`${opts.errorKey ? html`<p class="error" role="alert" id="form-error">${t(opts.errorKey)}</p>` : ''}
<p>${t('pin.request.intro')}</p>
<form method="post" action="/connectors/pin/${tx.id}/request" novalidate>
<input type="hidden" name="csrf" value="${tx.csrf}">
${contrastDataFields(t, v)}
<label><input type="checkbox" name="personalise" value="1"${v.personalise ? html` checked` : ''}> ${t('pin.personalise')}</label>
<label for="personalCode">${t('pin.personalCode')} <span class="hint" id="pc-hint">${t('pin.personalCode.hint')}</span></label>
<input type="text" id="personalCode" name="personalCode" autocomplete="off" maxlength="4" aria-describedby="pc-hint">
<div class="actions"><button type="submit">${t('pin.request.submit')}</button> <a href="/login/${tx.id}">${t('form.back')}</a></div>
</form>`,
  });
}

export function renderCodeForm(pages: PageRenderer, req: Request, res: Response, tx: LoginTransaction, opts: { personalised: boolean; errorKey?: string; noticeKey?: string; status?: number }): void {
  const t = (k: string) => pages.t(res, k);
  pages.send(req, res, {
    status: opts.status ?? (opts.errorKey ? 422 : 200),
    title: t('pin.title'),
    body: html`${opts.errorKey ? html`<p class="error" role="alert">${t(opts.errorKey)}</p>` : ''}
${opts.noticeKey ? html`<p class="notice" role="status">${t(opts.noticeKey)}</p>` : ''}
<p>${t('pin.enter.intro')}</p>
<p>${t('pin.enter.app')}</p>
${opts.personalised ? html`<p>${t('pin.enter.intro.personal')}</p>` : ''}
<form method="post" action="/connectors/pin/${tx.id}/code">
<input type="hidden" name="csrf" value="${tx.csrf}">
<label for="pin">${t('pin.code')} <span class="hint" id="pin-hint">${t('pin.code.hint')}</span></label>
<input type="text" id="pin" name="pin" required autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" maxlength="${opts.personalised ? 7 : 3}" aria-describedby="pin-hint" autofocus>
<div class="actions"><button type="submit">${t('pin.enter.submit')}</button></div>
</form>
<form method="post" action="/connectors/pin/${tx.id}/sms">
<input type="hidden" name="csrf" value="${tx.csrf}">
<button type="submit" class="secondary">${t('pin.smsInstead.submit')}</button>
</form>
<form method="get" action="/connectors/pin/${tx.id}"><button type="submit" class="secondary">${t('pin.enter.newPin')}</button></form>`,
  });
}
