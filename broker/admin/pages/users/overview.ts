// The users overview (seed 004 §3.1): role, status and level badges, "this is you", a search (the
// registry's; the page script also filters the rows as one types), "Add", and the exports. The
// table scrolls sideways inside its own region on narrow screens, reachable by keyboard.
import type { Request, Response } from 'express';
import { html } from '../../../web/html.js';
import { currentOrganisation, pageContext } from '../context.js';
import { sendAdminPage } from '../layout.js';
import { inputField } from '../forms.js';
import { levelBadge, roleBadge, statusBadge, youBadge } from '../badges.js';
import { paths } from '../paths.js';
import type { SectionDeps } from '../section.js';
import { isOwnMembership, memberName } from './common.js';

export async function usersOverview(req: Request, res: Response, deps: SectionDeps): Promise<void> {
  const ctx = pageContext(res);
  const org = currentOrganisation(res);
  const search = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 100) : '';
  const members = await deps.registry().listMembers(ctx.actor, org.id, search ? { search } : {});
  const body = html`<p>${ctx.t('users.intro', { organisation: org.name })}</p>
<div class="toolbar"><form method="get" action="${paths.users(org.id)}" role="search">${inputField({ name: 'q', label: ctx.t('shell.search.label'), type: 'search', value: search, hint: ctx.t('users.search.hint'), maxLength: 100 })}
<button type="submit" class="secondary">${ctx.t('shell.search.submit')}</button>${search ? html` <a href="${paths.users(org.id)}">${ctx.t('users.search.clear')}</a>` : ''}</form>
<p><a class="button" href="${paths.newUser(org.id)}">+ ${ctx.t('users.add')}</a></p></div>
${members.length === 0 ? html`<p>${ctx.t('users.none')}</p>` : html`<div class="table-wrap" role="region" tabindex="0" aria-labelledby="users-caption"><table data-filter="f-q"><caption id="users-caption">${ctx.t('users.caption', { organisation: org.name })}</caption>
<thead><tr><th scope="col">${ctx.t('users.col.name')}</th><th scope="col">${ctx.t('users.col.email')}</th><th scope="col">${ctx.t('users.col.role')}</th><th scope="col">${ctx.t('users.col.status')}</th><th scope="col">${ctx.t('users.col.level')}</th></tr></thead>
<tbody>${members.map((m) => html`<tr data-member="${m.id}"><th scope="row"><a href="${paths.user(org.id, m.id)}">${memberName(m)}</a>${isOwnMembership(ctx, m) ? html` ${youBadge(ctx)}` : ''}</th><td>${m.contactEmail}</td><td>${roleBadge(ctx, m.role)}</td><td>${statusBadge(ctx, m.status)}</td><td>${levelBadge(ctx, m.level)}</td></tr>`)}</tbody></table></div>`}
<p class="exports">${ctx.t('users.export')}: <a href="${paths.exportMembers(org.id, 'xlsx')}" download>xlsx</a> · <a href="${paths.exportMembers(org.id, 'csv')}" download>csv</a></p>`;
  sendAdminPage(req, res, ctx, { title: ctx.t('users.title'), body, section: 'users' });
}
