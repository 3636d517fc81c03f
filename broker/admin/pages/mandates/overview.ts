// The Mandates section's reading pages (seed 004 §4.1, §4.3): per service (and general authority)
// how many members hold it; per service who, since when and until when, with "extend" for mandates
// ending soon, changing one end date, revoking, and a bulk change of the end date for the members
// ticked (the wizard's end-date step with the service and members chosen).
import type { Request, Response } from 'express';
import { html, type SafeHtml } from '../../../web/html.js';
import type { Service, ServiceMandates } from '../../../mandates/model.js';
import type { SectionDeps } from '../section.js';
import { sendAdminPage } from '../layout.js';
import { levelBadge } from '../badges.js';
import { inputField } from '../forms.js';
import { paths } from '../paths.js';
import { dayText, endingSoonBadge, organisationPage, parseScopeKey, scopeKey, scopeName, scopeRung, scrollingTable, servicesById, type OrganisationPage } from './page-kit.js';

function exportLinks(page: OrganisationPage): SafeHtml {
  const { ctx, organisation } = page;
  return html`<p class="exports">${ctx.t('mandates.export')} <a href="${paths.exportMandates(organisation.id, 'xlsx')}" download>${ctx.t('mandates.export.xlsx')}</a> · <a href="${paths.exportMandates(organisation.id, 'csv')}" download>${ctx.t('mandates.export.csv')}</a></p>`;
}

function overviewTable(page: OrganisationPage, groups: readonly ServiceMandates[], services: ReadonlyMap<string, Service>, search: string): SafeHtml {
  const { ctx, base } = page;
  const wanted = search.toLowerCase();
  const held = groups.filter((g) => g.mandates.length > 0 && (!wanted || scopeName(ctx, g.scope, services).toLowerCase().includes(wanted)));
  if (held.length === 0) return html`<p>${ctx.t(search ? 'mandates.noMatch' : 'mandates.none')}</p>`;
  return scrollingTable(ctx.t('mandates.overview.caption'), html`<table class="list" data-filter="f-q"><caption>${ctx.t('mandates.overview.caption')}</caption>
<thead><tr><th scope="col">${ctx.t('mandates.col.service')}</th><th scope="col">${ctx.t('mandates.col.level')}</th><th scope="col">${ctx.t('mandates.col.members')}</th></tr></thead>
<tbody>${held.map((g) => {
    const rung = scopeRung(g.scope, services);
    return html`<tr><th scope="row"><a href="${base}/scope/${scopeKey(g.scope)}">${scopeName(ctx, g.scope, services)}</a></th><td>${rung ? levelBadge(ctx, rung) : ''}</td><td>${ctx.t(g.mandates.length === 1 ? 'mandates.count.one' : 'mandates.count.many', { n: String(g.mandates.length) })}</td></tr>`;
  })}</tbody></table>`);
}

export async function overviewPage(req: Request, res: Response, deps: SectionDeps): Promise<void> {
  const page = organisationPage(res, 'mandates');
  const { ctx, organisation, base } = page;
  // seed 004 §2.1: a search above every overview (typing filters at once with /static/admin.js)
  const search = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 100) : '';
  const [groups, services] = await Promise.all([deps.registry().listMandates(ctx.actor, organisation.id), servicesById(() => deps.registry().listServices())]);
  sendAdminPage(req, res, ctx, {
    section: 'mandates',
    title: ctx.t('mandates.title'),
    body: html`<p>${ctx.t('mandates.overview.intro')}</p>
<div class="toolbar"><form method="get" action="${base}" role="search">${inputField({ name: 'q', label: ctx.t('mandates.searchServices'), type: 'search', value: search, maxLength: 100 })}
<button type="submit" class="secondary">${ctx.t('shell.search.submit')}</button></form>
<p><a class="button" href="${base}/add">${ctx.t('mandates.add')}</a></p></div>
${overviewTable(page, groups, services, search)}${exportLinks(page)}`,
  });
}

export async function scopePage(req: Request, res: Response, deps: SectionDeps, next: () => void): Promise<void> {
  const { ctx, organisation, base } = organisationPage(res, 'mandates');
  const scope = parseScopeKey(req.params.scope);
  const [groups, services] = await Promise.all([deps.registry().listMandates(ctx.actor, organisation.id), servicesById(() => deps.registry().listServices())]);
  const group = scope && groups.find((g) => scopeKey(g.scope) === scopeKey(scope));
  if (!group) return next();
  const who = (m: ServiceMandates['mandates'][number]) => `${m.member.givenName} ${m.member.surname}`;
  const hidden = (text: string) => html`<span class="visually-hidden"> – ${text}</span>`;
  const rows = group.mandates.map(
    (m) => html`<tr><td><input type="checkbox" name="member" value="${m.member.id}" id="pick-${m.id}"></td>
<th scope="row"><label for="pick-${m.id}">${who(m)}</label></th><td>${levelBadge(ctx, m.member.level)}</td>
<td>${dayText(ctx.lang, m.startDate)}</td><td>${dayText(ctx.lang, m.endDate)}${endingSoonBadge(ctx, m.endingSoon)}</td>
<td class="row-actions">${m.endingSoon ? html`<a href="${base}/${m.id}/extend">${ctx.t('mandates.extend')}${hidden(who(m))}</a> ` : ''}<a href="${base}/${m.id}/end">${ctx.t('mandates.changeEnd')}${hidden(who(m))}</a> <a href="${base}/${m.id}/revoke">${ctx.t('mandates.revoke')}${hidden(who(m))}</a></td></tr>`,
  );
  sendAdminPage(req, res, ctx, {
    section: 'mandates',
    title: scopeName(ctx, group.scope, services),
    body: html`<p><a href="${base}">${ctx.t('mandates.back')}</a></p>
${group.mandates.length === 0
      ? html`<p>${ctx.t('mandates.scope.none')}</p>`
      : html`<form method="get" action="${base}/add"><input type="hidden" name="scope" value="${scopeKey(group.scope)}"><input type="hidden" name="step" value="duration">
${scrollingTable(ctx.t('mandates.scope.caption'), html`<table class="list"><caption>${ctx.t('mandates.scope.caption')}</caption><thead><tr><th scope="col"><span class="visually-hidden">${ctx.t('mandates.col.select')}</span></th><th scope="col">${ctx.t('mandates.col.member')}</th><th scope="col">${ctx.t('mandates.col.level')}</th><th scope="col">${ctx.t('mandates.col.since')}</th><th scope="col">${ctx.t('mandates.col.endsOn')}</th><th scope="col">${ctx.t('mandates.col.actions')}</th></tr></thead>
<tbody>${rows}</tbody></table>`)}
<div class="actions"><button type="submit">${ctx.t('mandates.bulkChange')}</button></div></form>`}`,
  });
}
