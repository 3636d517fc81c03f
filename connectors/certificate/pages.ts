// The certificate connector's pages on the main host: the start page (a link to the
// client-certificate host carrying this login's ticket) and the refusal page ("the certificate
// provided is not valid" + the category's sentence, try again, choose another method).
import type { Request, Response } from 'express';
import type { PageRenderer } from '../../broker/web/render.js';
import { html } from '../../broker/web/html.js';
import type { LoginTransaction } from '../../broker/flow/login-transaction.js';
import type { CertificateHolder, RejectionCategory } from '../../broker/pki/model.js';
import { documentTypeOf } from '../../broker/identity/documents.js';
import { rejectionBody } from '../../broker/pki/client-host/router.js';

function actions(t: (k: string) => string, tx: LoginTransaction) {
  return html`<div class="actions"><a class="button" href="/connectors/certificate/${tx.id}">${t('certificate.retry')}</a> <a href="/login/${tx.id}">${t('certificate.otherMethod')}</a></div>`;
}

export function renderStart(pages: PageRenderer, req: Request, res: Response, tx: LoginTransaction, presentUrl: string): void {
  const t = (k: string) => pages.t(res, k);
  pages.send(req, res, {
    title: t('certificate.title'),
    body: html`<p>${t('certificate.start.intro')}</p>
<p>${t('certificate.start.prompt')}</p>
<div class="actions"><a class="button" id="present" href="${presentUrl}">${t('certificate.start.submit')}</a> <a href="/login/${tx.id}">${t('certificate.otherMethod')}</a></div>`,
  });
}

export function renderRejected(pages: PageRenderer, req: Request, res: Response, tx: LoginTransaction, category: RejectionCategory | 'none'): void {
  const t = (k: string) => pages.t(res, k);
  pages.send(req, res, { status: 403, title: t('certificate.rejected.title'), body: rejectionBody(t, category, actions(t, tx)) });
}

/** a refusal that is not about the certificate: unknown person, used or expired ticket */
export function renderRefused(pages: PageRenderer, req: Request, res: Response, tx: LoginTransaction, messageKey: string, status: number): void {
  const t = (k: string) => pages.t(res, k);
  pages.send(req, res, { status, title: t('certificate.title'), body: html`<p class="error" role="alert">${t(messageKey)}</p>${actions(t, tx)}` });
}

/** registration from the certificate: the holder's data, and the contrast data no certificate carries */
export function renderRegister(pages: PageRenderer, req: Request, res: Response, tx: LoginTransaction, holder: CertificateHolder, errorKey?: string): void {
  const t = (k: string) => pages.t(res, k);
  const nie = documentTypeOf(holder.documentNumber) === 'NIE';
  pages.send(req, res, {
    status: errorKey ? 422 : 200,
    title: t('certificate.register.title'),
    body: html`${errorKey ? html`<p class="error" role="alert">${t(errorKey)}</p>` : ''}
<p>${t('certificate.register.intro')}</p>
<p>${holder.givenName} ${holder.firstSurname}${holder.secondSurname ? ` ${holder.secondSurname}` : ''} — ${holder.documentNumber}</p>
<form method="post" action="/connectors/certificate/${tx.id}/register">
<input type="hidden" name="csrf" value="${tx.csrf}">
${nie
    ? html`<label for="supportNumber">${t('pin.supportNumber')} <span class="hint" id="support-hint">${t('pin.supportNumber.hint')}</span></label>
<input type="text" id="supportNumber" name="supportNumber" required autocomplete="off" maxlength="12" aria-describedby="support-hint">`
    : html`<label for="documentDate">${t('pin.documentDate')}</label>
<input type="date" id="documentDate" name="documentDate" required>`}
<div class="actions"><button type="submit">${t('certificate.register.submit')}</button> <a href="/login/${tx.id}">${t('certificate.otherMethod')}</a></div>
</form>`,
  });
}
