// The invitation-letter pages: ask for a letter, enter the CSV, give the contact details, done.
import type { Request, Response } from 'express';
import type { PageRenderer } from '../../../web/render.js';
import { html, type SafeHtml } from '../../../web/html.js';
import { contrastDataFields, type ContrastDataValues } from '../../../web/contrast-data-fields.js';

export const LETTER = '/register/letter';

export interface Notice {
  readonly key: string;
  readonly vars?: Record<string, string>;
}

interface Common {
  readonly csrf: string;
  readonly error?: Notice;
  readonly status?: number;
}

function page(pages: PageRenderer, req: Request, res: Response, body: SafeHtml, opts: { title?: string; error?: Notice; status?: number } = {}): void {
  const t = (k: string, vars?: Record<string, string>) => pages.t(res, k, vars);
  pages.send(req, res, {
    status: opts.status ?? (opts.error ? 422 : 200),
    title: t(opts.title ?? 'letter.title'),
    body: html`${opts.error ? html`<p class="error" role="alert" id="form-error">${t(opts.error.key, opts.error.vars)}</p>` : ''}
${body}`,
  });
}

export function renderStart(pages: PageRenderer, req: Request, res: Response, opts: Common & { values?: ContrastDataValues }): void {
  const t = (k: string) => pages.t(res, k);
  page(pages, req, res, html`<p>${t('letter.start.intro')}</p>
<p>${t('letter.start.needs')}</p>
<p><a href="${LETTER}/complete">${t('letter.start.haveLetter')}</a></p>
<h2>${t('letter.request.heading')}</h2>
<form method="post" action="${LETTER}/request" novalidate>
<input type="hidden" name="csrf" value="${opts.csrf}">
${contrastDataFields(t, opts.values ?? {})}
<div class="actions"><button type="submit">${t('letter.request.submit')}</button></div>
</form>`, opts);
}

export function renderRequested(pages: PageRenderer, req: Request, res: Response, validityDays: number): void {
  const t = (k: string, vars?: Record<string, string>) => pages.t(res, k, vars);
  page(pages, req, res, html`<p role="status">${t('letter.request.sent', { days: String(validityDays) })}</p>
<p>${t('letter.request.sent.next')}</p>
<p><a href="${LETTER}/complete">${t('letter.start.haveLetter')}</a></p>`, { title: 'letter.request.sent.title' });
}

export function renderComplete(pages: PageRenderer, req: Request, res: Response, opts: Common & { values?: ContrastDataValues }): void {
  const t = (k: string) => pages.t(res, k);
  page(pages, req, res, html`<h2>${t('letter.complete.heading')}</h2>
<p>${t('letter.complete.intro')}</p>
<form method="post" action="${LETTER}/complete" novalidate>
<input type="hidden" name="csrf" value="${opts.csrf}">
${contrastDataFields(t, opts.values ?? {})}
<label for="csv">${t('letter.csv')} <span class="hint" id="csv-hint">${t('letter.csv.hint')}</span></label>
<input type="text" id="csv" name="csv" required autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="24" aria-describedby="csv-hint">
<div class="actions"><button type="submit">${t('letter.complete.submit')}</button> <a href="${LETTER}">${t('letter.request.heading')}</a></div>
</form>`, opts);
}

export interface DetailsValues {
  readonly mobile?: string;
  readonly email?: string;
}

export function renderDetails(pages: PageRenderer, req: Request, res: Response, opts: Common & { values?: DetailsValues }): void {
  const t = (k: string) => pages.t(res, k);
  const v = opts.values ?? {};
  page(pages, req, res, html`<h2>${t('letter.details.heading')}</h2>
<p>${t('letter.details.intro')}</p>
<form method="post" action="${LETTER}/details" novalidate>
<input type="hidden" name="csrf" value="${opts.csrf}">
<label for="mobile">${t('letter.mobile')} <span class="hint" id="mobile-hint">${t('letter.mobile.hint')}</span></label>
<input type="tel" id="mobile" name="mobile" required autocomplete="tel" maxlength="24" aria-describedby="mobile-hint" value="${v.mobile ?? ''}">
<label for="email">${t('letter.email')}</label>
<input type="email" id="email" name="email" required autocomplete="email" maxlength="200" value="${v.email ?? ''}">
<h3 id="conditions-heading">${t('letter.conditions.heading')}</h3>
<p id="conditions-text">${t('letter.conditions.text')}</p>
<label><input type="checkbox" name="conditions" value="accepted" aria-describedby="conditions-text"> ${t('letter.conditions.accept')}</label>
<div class="actions"><button type="submit">${t('letter.details.submit')}</button></div>
</form>`, opts);
}

/** the code sent by SMS to the mobile just given, typed back to register */
export function renderMobileCode(pages: PageRenderer, req: Request, res: Response, opts: Common & { mobile: string }): void {
  const t = (k: string, vars?: Record<string, string>) => pages.t(res, k, vars);
  res.set('Cache-Control', 'no-store');
  page(pages, req, res, html`<h2>${t('letter.confirm.heading')}</h2>
${opts.error ? '' : html`<p role="status">${t('letter.confirm.sent', { mobile: opts.mobile })}</p>`}
<form method="post" action="${LETTER}/confirm" novalidate>
<input type="hidden" name="csrf" value="${opts.csrf}">
<label for="code">${t('letter.confirm.code')}</label>
<input type="text" id="code" name="code" required inputmode="numeric" autocomplete="one-time-code" maxlength="12">
<div class="actions"><button type="submit">${t('letter.confirm.submit')}</button> <a href="${LETTER}/details">${t('letter.confirm.otherNumber')}</a></div>
</form>`, opts);
}

export function renderDone(pages: PageRenderer, req: Request, res: Response, created: boolean): void {
  const t = (k: string) => pages.t(res, k);
  page(pages, req, res, html`<p role="status">${t(created ? 'letter.done.registered' : 'letter.done.contactAdded')}</p>
<p>${t('letter.done.advanced')}</p>`, { title: 'letter.done.title' });
}
