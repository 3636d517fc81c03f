// The country page: one button per configured country whose node can be used now; the others
// are listed greyed out with the reason in words (never the technical one, which is logged).
import type { Request, Response } from 'express';
import type { LoginTransaction } from '../../broker/flow/login-transaction.js';
import { html } from '../../broker/web/html.js';
import type { PageRenderer } from '../../broker/web/render.js';
import type { ForeignNodes } from './foreign-metadata.js';

export function renderCountryPage(pages: PageRenderer, req: Request, res: Response, tx: LoginTransaction, nodes: ForeignNodes, opts: { errorKey?: string; status?: number } = {}): void {
  const t = (k: string, vars?: Record<string, string>) => pages.t(res, k, vars);
  const rows = nodes.countries.map((c) =>
    nodes.availability(c.code).available
      ? html`<li><button type="submit" name="country" value="${c.code}">${t('eidas.country.submit', { country: c.name })}</button></li>`
      : html`<li><button type="button" disabled aria-describedby="unavailable-${c.code}">${c.name}</button> <span class="hint" id="unavailable-${c.code}">${t('eidas.country.unavailable')}</span></li>`,
  );
  pages.send(req, res, {
    status: opts.status ?? (opts.errorKey ? 422 : 200),
    title: t('eidas.country.title'),
    body: html`${opts.errorKey ? html`<p class="error" role="alert">${t(opts.errorKey)}</p>` : ''}
<p>${t('eidas.country.intro')}</p>
<form method="post" action="/connectors/eidas/${tx.id}/country">
<input type="hidden" name="csrf" value="${tx.csrf}">
<ul class="methods">${rows}</ul>
</form>
<p><a href="/login/${tx.id}">${t('form.back')}</a></p>`,
  });
}

/** A page that ends here (the response could not be used), with the way back to the selector. */
export function renderEidasError(pages: PageRenderer, req: Request, res: Response, errorKey: string, status: number, tx?: LoginTransaction): void {
  const t = (k: string) => pages.t(res, k);
  pages.send(req, res, {
    status,
    title: t('error.title'),
    body: html`<p class="error" role="alert">${t(errorKey)}</p>${tx ? html`<p><a href="/login/${tx.id}">${t('form.back')}</a></p>` : ''}`,
  });
}
