// The certificate registration pages: the start (a link to the client-certificate host carrying
// this visit's ticket), the form for an unknown holder (the holder's names as the certificate
// gives them; the contrast data, mobile, e-mail and conditions), and the endings.
import type { Request, Response } from 'express';
import type { PageRenderer } from '../../../web/render.js';
import { html, type SafeHtml } from '../../../web/html.js';
import { documentTypeOf } from '../../documents.js';
import type { CertificateHolder } from '../../../pki/model.js';

export interface FormValues {
  readonly documentDate?: string;
  readonly supportNumber?: string;
  readonly mobile?: string;
  readonly email?: string;
}

export function renderStart(pages: PageRenderer, req: Request, res: Response, presentUrl: string): void {
  const t = (k: string) => pages.t(res, k);
  pages.send(req, res, {
    title: t('registerCertificate.title'),
    body: html`<p>${t('registerCertificate.intro')}</p>
<p>${t('registerCertificate.prompt')}</p>
<div class="actions"><a class="button" id="present" href="${presentUrl}">${t('registerCertificate.present')}</a></div>`,
  });
}

export function renderEnd(pages: PageRenderer, req: Request, res: Response, status: number, messageKey: string, extra: SafeHtml = html``): void {
  const t = (k: string) => pages.t(res, k);
  pages.send(req, res, {
    status,
    title: t('registerCertificate.title'),
    body: html`<p class="${status < 300 ? 'notice' : 'error'}" role="${status < 300 ? 'status' : 'alert'}">${t(messageKey)}</p>${extra}
<p><a href="/register/certificate/">${t('registerCertificate.again')}</a> · <a href="/account/">${t('registerCertificate.account')}</a></p>`,
  });
}

export function renderForm(pages: PageRenderer, req: Request, res: Response, csrf: string, holder: CertificateHolder, values: FormValues = {}, errorKey?: string, status = 200): void {
  const t = (k: string) => pages.t(res, k);
  const nie = documentTypeOf(holder.documentNumber) === 'NIE';
  pages.send(req, res, {
    status: errorKey ? status : 200,
    title: t('registerCertificate.form.title'),
    body: html`${errorKey ? html`<p class="error" role="alert">${t(errorKey)}</p>` : ''}
<p>${t('registerCertificate.form.intro')}</p>
<p id="holder">${holder.givenName} ${holder.firstSurname}${holder.secondSurname ? ` ${holder.secondSurname}` : ''} — ${holder.documentNumber}</p>
<form method="post" action="/register/certificate/complete">
<input type="hidden" name="csrf" value="${csrf}">
${nie
    ? html`<label for="supportNumber">${t('pin.supportNumber')} <span class="hint" id="support-hint">${t('pin.supportNumber.hint')}</span></label>
<input type="text" id="supportNumber" name="supportNumber" required autocomplete="off" maxlength="12" aria-describedby="support-hint" value="${values.supportNumber ?? ''}">`
    : html`<label for="documentDate">${t('pin.documentDate')}</label>
<input type="date" id="documentDate" name="documentDate" required value="${values.documentDate ?? ''}">`}
<label for="mobile">${t('account.mobile.new')} <span class="hint" id="mobile-hint">${t('account.mobile.hint')}</span></label>
<input type="tel" id="mobile" name="mobile" required autocomplete="tel" maxlength="20" aria-describedby="mobile-hint" value="${values.mobile ?? ''}">
<label for="email">${t('account.email')}</label>
<input type="email" id="email" name="email" required autocomplete="email" maxlength="200" value="${values.email ?? ''}">
<p id="conditions">${t('registerCertificate.conditions')}</p>
<p><input type="checkbox" id="accepted" name="accepted" value="yes" required aria-describedby="conditions"> <label class="inline" for="accepted">${t('account.conditions.accept')}</label></p>
<div class="actions"><button type="submit">${t('registerCertificate.submit')}</button></div>
</form>`,
  });
}
