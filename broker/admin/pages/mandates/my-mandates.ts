// "My mandates" for every logged-in person (seed 004, Inleiding: users see the (chain) mandates
// of their means, read-only): per organisation they belong to, their mandates and the chain
// mandates that organisation received from clients (registry.myMandates, as GET /api/me/mandates).
import type { Request, Response } from 'express';
import { html, type SafeHtml } from '../../../web/html.js';
import type { ChainMandate, Mandate, Organisation, Service } from '../../../mandates/model.js';
import type { AdminSection, SectionDeps } from '../section.js';
import { pageContext, type AdminPageContext } from '../context.js';
import { sendAdminPage } from '../layout.js';
import { dayText, endingSoonBadge, scopeName, scrollingTable, servicesById } from './page-kit.js';

const NO_MESSAGES = { nl: {}, en: {}, es: {} } as const;

function mandatesTable(ctx: AdminPageContext, caption: string, rows: readonly (Mandate | ChainMandate)[], services: ReadonlyMap<string, Service>, client?: (r: ChainMandate) => string): SafeHtml {
  return scrollingTable(caption, html`<table class="list"><caption>${caption}</caption><thead><tr>${client ? html`<th scope="col">${ctx.t('mandates.col.client')}</th>` : ''}<th scope="col">${ctx.t('mandates.col.service')}</th><th scope="col">${ctx.t('mandates.col.since')}</th><th scope="col">${ctx.t('mandates.col.endsOn')}</th></tr></thead>
<tbody>${rows.map((m) => html`<tr>${client ? html`<td>${client(m as ChainMandate)}</td>` : ''}<th scope="row">${scopeName(ctx, m.scope, services)}</th><td>${dayText(ctx.lang, m.startDate)}</td><td>${dayText(ctx.lang, m.endDate)}${endingSoonBadge(ctx, m.endingSoon)}</td></tr>`)}</tbody></table>`);
}

async function myMandatesPage(req: Request, res: Response, deps: SectionDeps): Promise<void> {
  const ctx = pageContext(res);
  const [mine, services] = await Promise.all([deps.registry().myMandates(ctx.actor), servicesById(() => deps.registry().listServices())]);
  const block = ({ organisation, mandates, chain }: { organisation: Organisation; mandates: readonly Mandate[]; chain: readonly { chainMandate: ChainMandate; client: Organisation }[] }) => {
    const clients = new Map(chain.map((c) => [c.chainMandate.id, c.client.name]));
    const id = `org-${organisation.id}`;
    return html`<section class="card" aria-labelledby="${id}"><h2 id="${id}">${organisation.name}</h2>
${mandates.length === 0 ? html`<p>${ctx.t('myMandates.noneHere')}</p>` : mandatesTable(ctx, ctx.t('myMandates.caption', { organisation: organisation.name }), mandates, services)}
${chain.length === 0 ? '' : mandatesTable(ctx, ctx.t('myMandates.chainCaption', { organisation: organisation.name }), chain.map((c) => c.chainMandate), services, (c) => clients.get(c.id) ?? '')}</section>`;
  };
  sendAdminPage(req, res, ctx, {
    section: 'my-mandates',
    title: ctx.t('myMandates.title'),
    body: html`<p>${ctx.t('myMandates.intro')}</p>${mine.length === 0 ? html`<p>${ctx.t('myMandates.none')}</p>` : mine.map(block)}`,
  });
}

/** the person section; its messages live with the Mandates section's (messages/mandates.ts) */
export const myMandatesSection: AdminSection = {
  id: 'my-mandates',
  scope: 'person',
  nav: { labelKey: 'myMandates.nav' },
  messages: NO_MESSAGES,
  mount(router, deps) {
    router.get('/', (req, res, next) => void myMandatesPage(req, res, deps).catch(next));
  },
};
