// The selector page: one card per method that is not hidden; greyed ones are shown with the
// reason and a disabled button, as Cl@ve does (seed 000 §1.5.2).
import type { Request, Response } from 'express';
import type { PageRenderer } from '../web/render.js';
import { html } from '../web/html.js';
import type { LoginTransaction } from './login-transaction.js';
import type { MethodState } from './selector.js';
import { lowestSatisfyingRung } from '../loa.js';

export function renderSelector(pages: PageRenderer, req: Request, res: Response, tx: LoginTransaction, states: readonly MethodState[]): void {
  const t = (k: string, v?: Record<string, string>) => pages.t(res, k, v);
  const needed = lowestSatisfyingRung(tx.request.loa);
  const visible = states.filter((s) => s.state !== 'hidden');
  const cards = visible.map((s) => {
    const label = t(`${s.connector.labelKey}.label`);
    const description = t(`${s.connector.labelKey}.description`);
    const id = `m-${s.connector.id}`;
    if (s.state === 'offered') {
      return html`<li class="method" data-method="${s.connector.id}" data-state="offered"><h2 id="${id}">${label}</h2><p>${description}</p>
<form method="post" action="/login/${tx.id}/choose"><input type="hidden" name="csrf" value="${tx.csrf}"><input type="hidden" name="method" value="${s.connector.id}"><button type="submit" aria-describedby="${id}">${t('selector.choose', { method: label })}</button></form></li>`;
    }
    const reason = s.state === 'greyed' ? t(`selector.reason.${s.reason}`) : '';
    return html`<li class="method greyed" data-method="${s.connector.id}" data-state="greyed" aria-disabled="true"><h2 id="${id}">${label}</h2><p>${description}</p>
<p class="reason" id="${id}-why">${reason}</p><button type="button" disabled aria-describedby="${id}-why">${t('selector.unavailable')}</button></li>`;
  });
  pages.send(req, res, {
    title: t('selector.title'),
    body: html`<p>${t('selector.intro', { service: tx.sp.displayName })}</p>
${needed ? html`<p>${t('selector.loa', { loa: t(`loa.${needed}`) })}</p>` : ''}
${states.some((s) => s.state === 'offered') ? '' : html`<p class="error" role="alert">${t('selector.none')}</p>`}
<ul class="methods">${cards}</ul>
<form method="post" action="/login/${tx.id}/cancel" class="actions"><input type="hidden" name="csrf" value="${tx.csrf}"><button type="submit" class="secondary">${t('selector.cancel')}</button></form>`,
  });
}
