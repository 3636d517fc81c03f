// The Cl@ve Móvil pages: choosing QR or DNI/NIE, waiting for the app (service, verification code,
// countdown, and a "continue" button that works without JavaScript), and the expired request.
import type { Request, Response } from 'express';
import type { PageRenderer } from '../../broker/web/render.js';
import { BASE_CSP } from '../../broker/web/security-headers.js';
import { html, raw, type SafeHtml } from '../../broker/web/html.js';
import { contrastDataFields, type ContrastDataValues } from '../../broker/web/contrast-data-fields.js';
import type { LoginTransaction } from '../../broker/flow/login-transaction.js';
import type { LoginRequest } from './login-request.js';

const BASE = '/connectors/movil';

export type IdentityFormValues = ContrastDataValues;

function alert(pages: PageRenderer, res: Response, key: string | undefined): SafeHtml {
  return key ? html`<p class="error" role="alert">${pages.t(res, key)}</p>` : html``;
}

export function renderStart(pages: PageRenderer, req: Request, res: Response, tx: LoginTransaction, opts: { errorKey?: string; values?: IdentityFormValues; status?: number } = {}): void {
  const t = (k: string) => pages.t(res, k);
  const v = opts.values ?? {};
  pages.send(req, res, {
    status: opts.status ?? (opts.errorKey ? 422 : 200),
    title: t('movil.title'),
    body: html`${alert(pages, res, opts.errorKey)}
<p>${t('movil.start.intro')}</p>
<h2>${t('movil.qr.heading')}</h2>
<p>${t('movil.qr.intro')}</p>
<form method="post" action="${BASE}/${tx.id}/qr">
<input type="hidden" name="csrf" value="${tx.csrf}">
<div class="actions"><button type="submit">${t('movil.qr.submit')}</button></div>
</form>
<h2>${t('movil.push.heading')}</h2>
<p>${t('movil.push.intro')}</p>
<form method="post" action="${BASE}/${tx.id}/push" novalidate>
<input type="hidden" name="csrf" value="${tx.csrf}">
${contrastDataFields(t, v)}
<div class="actions"><button type="submit">${t('movil.push.submit')}</button> <a href="/login/${tx.id}">${t('form.back')}</a></div>
</form>`,
  });
}

function minutesSeconds(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * The waiting page. The script (static/movil-wait.js) listens on the events address, falls back
 * to polling the status address, counts down and submits the continue form once the app has
 * answered; without JavaScript the person presses "continue" after answering in the app. The QR's
 * text is also in data-login-request, for scripts and tests that read the page rather than scan it.
 */
export function renderWait(pages: PageRenderer, req: Request, res: Response, tx: LoginTransaction, request: LoginRequest, opts: { now: Date; qr?: { svg: string; url: string }; noticeKey?: string }): void {
  const t = (k: string, vars?: Record<string, string>) => pages.t(res, k, vars);
  const remaining = request.expiresAt - opts.now.getTime();
  // the one script of these pages, and the connections it opens to its own origin
  res.setHeader('Content-Security-Policy', `${BASE_CSP}; script-src 'self'; connect-src 'self'`);
  pages.send(req, res, {
    title: t('movil.wait.title'),
    body: html`${opts.noticeKey ? html`<p class="notice" role="status">${t(opts.noticeKey)}</p>` : ''}
<p>${t('movil.wait.service')} <strong id="movil-service">${request.service}</strong></p>
${opts.qr ? html`<figure class="qr" data-login-request="${opts.qr.url}">${raw(opts.qr.svg)}<figcaption>${t('movil.wait.scan')}</figcaption></figure>` : html`<p>${t('movil.wait.pushed')}</p>`}
<p>${t('movil.wait.code')} <strong class="code" id="movil-code">${request.verificationCode}</strong></p>
<p class="hint">${t('movil.wait.compare')}</p>
<p>${t('movil.wait.remaining')} <span id="movil-countdown" data-remaining-ms="${Math.max(0, remaining)}">${minutesSeconds(remaining)}</span></p>
<p id="movil-status" role="status" aria-live="polite"></p>
<form method="post" action="${BASE}/${tx.id}/continue" id="movil-continue" data-events="${BASE}/${tx.id}/events" data-status="${BASE}/${tx.id}/status" data-expired-text="${t('movil.wait.expired')}">
<input type="hidden" name="csrf" value="${tx.csrf}">
<noscript><p class="hint">${t('movil.wait.noscript')}</p></noscript>
<div class="actions"><button type="submit">${t('movil.wait.continue')}</button> <a href="/login/${tx.id}">${t('movil.otherMethod')}</a></div>
</form>
<script src="/static/movil-wait.js" defer></script>`,
  });
}

export function renderExpired(pages: PageRenderer, req: Request, res: Response, tx: LoginTransaction): void {
  const t = (k: string) => pages.t(res, k);
  pages.send(req, res, {
    title: t('movil.expired.title'),
    body: html`<p class="error" role="alert">${t('movil.expired.intro')}</p>
<div class="actions"><a href="${BASE}/${tx.id}">${t('movil.expired.retry')}</a> <a href="/login/${tx.id}">${t('movil.otherMethod')}</a></div>`,
  });
}

export function renderUsed(pages: PageRenderer, req: Request, res: Response, tx: LoginTransaction): void {
  const t = (k: string) => pages.t(res, k);
  pages.send(req, res, {
    status: 409,
    title: t('movil.expired.title'),
    body: html`<p class="error" role="alert">${t('movil.used')}</p>
<div class="actions"><a href="${BASE}/${tx.id}">${t('movil.expired.retry')}</a></div>`,
  });
}
