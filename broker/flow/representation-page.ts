// The "on whose behalf" page (issue 7 "At login"): "myself" unless the service requires
// representation, then one entry per organisation, "for <client> through <intermediary>" for a
// chain mandate, with the branch when the mandate is restricted to one. One small form per
// choice, so it works without JavaScript; each carries the login's CSRF token.
import type { Request, Response } from 'express';
import type { PageRenderer } from '../web/render.js';
import { html, type SafeHtml } from '../web/html.js';
import type { LoginService } from '../mandates/representations.js';
import type { RepresentationChoice } from '../mandates/model.js';
import type { LoginTransaction } from './login-transaction.js';

/** the choice key of acting for oneself */
export const MYSELF = 'self';

export interface RepresentationPage {
  readonly tx: LoginTransaction;
  readonly service: LoginService;
  readonly choices: readonly RepresentationChoice[];
  /** the choice posted is no longer valid (revoked or ended meanwhile) */
  readonly gone?: boolean;
}

function serviceName(service: LoginService, lang: string): string {
  return lang === 'nl' || lang === 'en' ? service.names[lang] : service.names.es;
}

export function renderRepresentationPage(pages: PageRenderer, req: Request, res: Response, page: RepresentationPage): void {
  const t = (k: string, v?: Record<string, string>) => pages.t(res, k, v);
  const { tx, service, choices } = page;
  const option = (key: string, label: string, detail: SafeHtml | string, kind: string): SafeHtml =>
    html`<li class="method" data-choice="${key}" data-kind="${kind}"><form method="post" action="/login/${tx.id}/represent"><input type="hidden" name="csrf" value="${tx.csrf}"><input type="hidden" name="choice" value="${key}"><button type="submit">${label}</button></form>${detail}</li>`;
  const identifier = (c: RepresentationChoice['organisation']) => t(`represent.identifier.${c.identifier.type}`, { value: c.identifier.value });
  const items = choices.map((c) => {
    const label = c.intermediary ? t('represent.chain', { client: c.organisation.name, intermediary: c.intermediary.name }) : t('represent.direct', { organisation: c.organisation.name });
    const branch = c.branch ? html`<p class="branch">${t('represent.branch', { name: c.branch.name, number: c.branch.branchNumber })}</p>` : '';
    return option(c.key, label, html`<p>${identifier(c.organisation)}</p>${branch}`, c.kind);
  });
  const myself = service.representation === 'required' ? '' : option(MYSELF, t('represent.myself'), html`<p>${t('represent.myself.detail')}</p>`, 'self');
  pages.send(req, res, {
    status: page.gone ? 409 : 200,
    title: t('represent.title'),
    body: html`${page.gone ? html`<p class="error" role="alert">${t('represent.gone')}</p>` : ''}
<p>${t('represent.intro', { service: serviceName(service, pages.lang(res)), sp: tx.sp.displayName })}</p>
${service.representation === 'required' ? html`<p>${t('represent.required')}</p>` : ''}
<ul class="methods representations">${myself}${items}</ul>
<form method="post" action="/login/${tx.id}/cancel" class="actions"><input type="hidden" name="csrf" value="${tx.csrf}"><button type="submit" class="secondary">${t('selector.cancel')}</button></form>`,
  });
}
