// The Chain mandates section's lists (seed 004 §5): those this organisation gave, per
// intermediary ("issued", registry.listChainMandatesGiven) with their validity, adding more and
// removing the intermediary; and those it received from clients ("from relations",
// registry.listChainMandatesReceived).
import type { Request, Response } from 'express';
import { html, type SafeHtml } from '../../../web/html.js';
import type { ChainMandate, Organisation, Service } from '../../../mandates/model.js';
import type { SectionDeps } from '../section.js';
import type { AdminPageContext } from '../context.js';
import { sendAdminPage } from '../layout.js';
import { dayText, endingSoonBadge, organisationPage, scopeName, scrollingTable, servicesById, type OrganisationPage } from '../mandates/page-kit.js';
import { identifierText } from './identifier-field.js';
import { paths } from '../paths.js';

export function chainTabs(page: OrganisationPage, current: 'given' | 'received'): SafeHtml {
  const { ctx, base } = page;
  const tab = (which: 'given' | 'received', href: string) => html`<li><a href="${href}"${which === current ? html` aria-current="page"` : ''}>${ctx.t(`chain.${which}`)}</a></li>`;
  return html`<nav class="tabs" aria-label="${ctx.t('chain.tabs.label')}"><ul>${tab('given', base)}${tab('received', `${base}/received`)}</ul></nav>`;
}

/** the list as a download (the API's exports/chain-mandates/{given,received}) */
function exportLinks(page: OrganisationPage, direction: 'given' | 'received'): SafeHtml {
  const { ctx, organisation } = page;
  return html`<p class="exports">${ctx.t('mandates.export')} <a href="${paths.exportChainMandates(organisation.id, direction, 'xlsx')}" download>${ctx.t('mandates.export.xlsx')}</a> · <a href="${paths.exportChainMandates(organisation.id, direction, 'csv')}" download>${ctx.t('mandates.export.csv')}</a></p>`;
}

function chainTable(ctx: AdminPageContext, caption: string, chain: readonly ChainMandate[], services: ReadonlyMap<string, Service>): SafeHtml {
  return scrollingTable(caption, html`<table class="list"><caption>${caption}</caption><thead><tr><th scope="col">${ctx.t('mandates.col.service')}</th><th scope="col">${ctx.t('mandates.col.since')}</th><th scope="col">${ctx.t('mandates.col.endsOn')}</th></tr></thead>
<tbody>${chain.map((c) => html`<tr><th scope="row">${scopeName(ctx, c.scope, services)}</th><td>${dayText(ctx.lang, c.startDate)}</td><td>${dayText(ctx.lang, c.endDate)}${endingSoonBadge(ctx, c.endingSoon)}</td></tr>`)}</tbody></table>`);
}

function organisationCard(ctx: AdminPageContext, org: Organisation, chain: readonly ChainMandate[], services: ReadonlyMap<string, Service>, actions: SafeHtml): SafeHtml {
  const heading = `org-${org.id}`;
  return html`<section class="card" aria-labelledby="${heading}"><h2 id="${heading}">${org.name}</h2>
<p>${identifierText(ctx, org.identifier)} · ${ctx.t(chain.length === 1 ? 'chain.count.one' : 'chain.count.many', { n: String(chain.length) })}</p>
${chainTable(ctx, ctx.t('chain.mandatesOf', { organisation: org.name }), chain, services)}${actions}</section>`;
}

export async function givenPage(req: Request, res: Response, deps: SectionDeps): Promise<void> {
  const page = organisationPage(res, 'chain');
  const { ctx, organisation, base } = page;
  const [given, services] = await Promise.all([deps.registry().listChainMandatesGiven(ctx.actor, organisation.id), servicesById(() => deps.registry().listServices())]);
  const cards = given.map(({ intermediary, chainMandates }) => {
    const addMore = `${base}/add?identifierType=${intermediary.identifier.type}&identifier=${encodeURIComponent(intermediary.identifier.value)}`;
    return organisationCard(
      ctx,
      intermediary,
      chainMandates,
      services,
      html`<div class="actions"><a class="button secondary" href="${addMore}">${ctx.t('chain.addFor')}<span class="visually-hidden"> – ${intermediary.name}</span></a><a class="button secondary" href="${base}/intermediaries/${intermediary.id}/remove">${ctx.t('chain.remove')}<span class="visually-hidden"> – ${intermediary.name}</span></a></div>`,
    );
  });
  sendAdminPage(req, res, ctx, {
    section: 'chain',
    title: ctx.t('chain.title'),
    body: html`${chainTabs(page, 'given')}<p>${ctx.t('chain.given.intro')}</p>
<p><a class="button" href="${base}/add">${ctx.t('chain.add')}</a></p>
${cards.length === 0 ? html`<p>${ctx.t('chain.given.none')}</p>` : html`${exportLinks(page, 'given')}${cards}`}`,
  });
}

export async function receivedPage(req: Request, res: Response, deps: SectionDeps): Promise<void> {
  const page = organisationPage(res, 'chain');
  const { ctx, organisation } = page;
  const [received, services] = await Promise.all([deps.registry().listChainMandatesReceived(ctx.actor, organisation.id), servicesById(() => deps.registry().listServices())]);
  sendAdminPage(req, res, ctx, {
    section: 'chain',
    title: ctx.t('chain.title'),
    body: html`${chainTabs(page, 'received')}<p>${ctx.t('chain.received.intro')}</p>
${received.length === 0 ? html`<p>${ctx.t('chain.received.none')}</p>` : html`${exportLinks(page, 'received')}${received.map(({ client, chainMandates }) => organisationCard(ctx, client, chainMandates, services, html``))}`}`,
  });
}
