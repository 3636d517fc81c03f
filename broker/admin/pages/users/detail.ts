// A user's detail (seed 004 §3.6, §3.5): personal data, identification and identity document,
// level, status with its dates (a new invitation when the activation expired), the membership's
// contact details, role, the regular mandates with "Extend mandate" when one ends within the
// registry's endingSoon window, and the actions (link to other organisations, end the means).
import type { Request, Response } from 'express';
import { html, type SafeHtml } from '../../../web/html.js';
import type { Mandate, Member, Service } from '../../../mandates/model.js';
import { currentOrganisation, pageContext, type AdminPageContext } from '../context.js';
import { sendAdminPage } from '../layout.js';
import { csrfField } from '../forms.js';
import { formatDay, levelBadge, roleBadge, statusBadge, youBadge } from '../badges.js';
import { paths } from '../paths.js';
import type { SectionDeps } from '../section.js';
import { isOwnMembership, memberName } from './common.js';

const row = (label: string, value: SafeHtml | string, change?: { href: string; what: string; ctx: AdminPageContext }) =>
  html`<div><dt>${label}</dt><dd>${value}${change ? html` <a class="change" href="${change.href}">${change.ctx.t('users.change')}<span class="visually-hidden"> ${change.what}</span></a>` : ''}</dd></div>`;

function statusText(ctx: AdminPageContext, m: Member, tz: string): SafeHtml {
  const dates: string[] = [];
  if (m.status === 'awaiting_activation' && m.activationDeadline) dates.push(ctx.t('users.status.activateUntil', { date: formatDay(m.activationDeadline, tz) }));
  if (m.status === 'activation_expired' && m.activationDeadline) dates.push(ctx.t('users.status.expiredOn', { date: formatDay(m.activationDeadline, tz) }));
  if (m.status === 'awaiting_approval') dates.push(ctx.t('users.status.requested', { date: formatDay(m.createdAt, tz) }));
  if (m.status === 'active' && m.activatedAt) dates.push(ctx.t('users.status.activeSince', { date: formatDay(m.activatedAt, tz) }));
  if (m.endDate) dates.push(ctx.t('users.status.endsOn', { date: m.endDate }));
  return html`${statusBadge(ctx, m.status)}${dates.map((d) => html` <span class="status-date">${d}</span>`)}`;
}

function meansText(ctx: AdminPageContext, m: Member): string {
  const s = m.subject;
  if (s.kind === 'registry') return ctx.t('users.means.registry', { type: s.documentType, number: s.documentNumber });
  if (s.kind === 'eidas') return ctx.t('users.means.eidas', { identifier: s.personIdentifier });
  return ctx.t('users.means.invitation');
}

function idDocumentText(ctx: AdminPageContext, m: Member): string {
  const d = m.idDocument;
  if (!d) return ctx.t('users.none.value');
  const type = ctx.t(`users.idType.${d.type}`);
  return d.expiry ? ctx.t('users.idDocument.value', { type, number: d.number, expiry: d.expiry }) : ctx.t('users.idDocument.valueNoExpiry', { type, number: d.number });
}

function mandateName(ctx: AdminPageContext, mandate: Mandate, services: ReadonlyMap<string, Service>): string {
  if (mandate.scope.kind === 'general') return ctx.t('users.mandates.general', { rung: mandate.scope.rung });
  const service = services.get(mandate.scope.serviceId);
  return service ? service.names[ctx.lang] : mandate.scope.serviceId;
}

export async function userDetail(req: Request, res: Response, deps: SectionDeps): Promise<void> {
  const ctx = pageContext(res);
  const org = currentOrganisation(res);
  const registry = deps.registry();
  const [m, services] = await Promise.all([registry.getMember(ctx.actor, org.id, String(req.params.memberId)), registry.listServices()]);
  const byId = new Map(services.map((s) => [s.id, s]));
  const tz = deps.services.config.mandates.timeZone;
  const name = memberName(m);
  const own = isOwnMembership(ctx, m);
  const open = m.status !== 'ended' && m.status !== 'rejected';
  const beforeActivation = m.status === 'awaiting_approval' || m.status === 'awaiting_activation' || m.status === 'activation_expired';
  const mobileChangeable = !own && (m.status === 'awaiting_activation' || m.status === 'active');
  const contact = paths.userAction(org.id, m.id, 'contact');
  const body = html`<p class="badges">${roleBadge(ctx, m.role)} ${statusBadge(ctx, m.status)} ${levelBadge(ctx, m.level)}${own ? html` ${youBadge(ctx)}` : ''}</p>
<div class="detail-grid">
<section aria-labelledby="personal"><h2 id="personal">${ctx.t('users.personal')}</h2><dl class="facts">
${row(ctx.t('users.name'), name)}
${row(ctx.t('users.dateOfBirth'), m.dateOfBirth ?? ctx.t('users.none.value'))}
${row(ctx.t('users.email'), m.contactEmail, open && beforeActivation ? { href: contact, what: ctx.t('users.email'), ctx } : undefined)}
${row(ctx.t('users.mobile'), m.contactMobile ?? ctx.t('users.none.value'), open && mobileChangeable ? { href: contact, what: ctx.t('users.mobile'), ctx } : undefined)}
${row(ctx.t('users.means'), meansText(ctx, m))}
${row(ctx.t('users.secondFactor'), ctx.t(`users.secondFactor.${m.secondFactor ?? 'none'}`))}
${row(ctx.t('users.idDocument'), idDocumentText(ctx, m))}
</dl></section>
<section aria-labelledby="eh"><h2 id="eh">${ctx.t('users.eh')}</h2><dl class="facts">
${row(ctx.t('users.level'), ctx.t('level.long', { level: m.level }), open ? { href: paths.userAction(org.id, m.id, 'level'), what: ctx.t('users.level'), ctx } : undefined)}
${row(ctx.t('users.status'), statusText(ctx, m, tz))}
${row(ctx.t('users.role'), ctx.t(`role.${m.role}`), open ? { href: paths.userAction(org.id, m.id, 'role'), what: ctx.t('users.role'), ctx } : undefined)}
</dl>
${m.status === 'activation_expired' ? html`<form method="post" action="${paths.userAction(org.id, m.id, 'activation')}">${csrfField(ctx)}<button type="submit" class="secondary">${ctx.t('users.resend')}</button></form>` : ''}
</section></div>
<section aria-labelledby="mandates"><h2 id="mandates">${ctx.t('users.mandates')}</h2>
${m.mandates.length === 0 ? html`<p>${ctx.t('users.mandates.none')}</p>` : html`<ul class="mandates">${m.mandates.map((mandate) => {
    const service = mandateName(ctx, mandate, byId);
    return html`<li data-mandate="${mandate.id}"><span class="service">${service}</span> <span class="valid">${ctx.t('users.mandates.validUntil', { date: mandate.endDate })}</span>${mandate.endingSoon ? html` <a href="${paths.extendMandate(org.id, mandate.id)}" aria-label="${ctx.t('users.mandates.extendFor', { service })}">${ctx.t('users.mandates.extend')}</a>` : ''}</li>`;
  })}</ul>`}
</section>
${open ? html`<section aria-labelledby="actions"><h2 id="actions">${ctx.t('users.actions')}</h2><ul class="action-list">
${m.status === 'awaiting_approval' ? html`<li><a href="${paths.userAction(org.id, m.id, 'document')}">${ctx.t('users.document.link')}</a></li>` : ''}
${ctx.administered.length > 1 ? html`<li><a href="${paths.userAction(org.id, m.id, 'link')}">${ctx.t('users.link')}</a></li>` : ''}
<li><a class="danger-link" href="${paths.userAction(org.id, m.id, 'end')}">${ctx.t('users.end')}</a></li></ul></section>` : ''}
<p><a href="${paths.users(org.id)}">${ctx.t('shell.back')}</a></p>`;
  sendAdminPage(req, res, ctx, { title: ctx.t('users.details', { name }), body, section: 'users' });
}
