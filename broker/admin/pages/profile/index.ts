// "My profile" (seed 004 §2.3), for every logged-in person: personal data as the registry knows
// them, the second factor, the memberships with their contact details (the person changes their
// own contact e-mail once the membership is active, §3.7.2), the language, and the login history.
import type { Request, Response } from 'express';
import { html, type SafeHtml } from '../../../web/html.js';
import { readLoginHistory } from '../../login-history.js';
import type { AdminSection, SectionDeps } from '../section.js';
import { pageContext, type AdminPageContext } from '../context.js';
import { sendAdminPage } from '../layout.js';
import { csrfField, errorSummary, inputField, selectField, textOf, type FormErrors } from '../forms.js';
import { refusalErrors } from '../refusals.js';
import { setFlash } from '../flash.js';
import { levelBadge, roleBadge, statusBadge, formatInstant } from '../badges.js';
import { ADMIN_LANGUAGES, ADMIN_LANGUAGE_NAMES } from '../i18n.js';
import { paths } from '../paths.js';
import { profileMessages } from '../messages/profile.js';
import { historyWords } from './history-words.js';

const HISTORY_PAGE = 25;

function tabs(ctx: AdminPageContext, current: 'profile' | 'history'): SafeHtml {
  const tab = (id: 'profile' | 'history', href: string) => html`<li><a href="${href}"${current === id ? html` aria-current="page"` : ''}>${ctx.t(`profile.tab.${id}`)}</a></li>`;
  return html`<nav class="tabs" aria-label="${ctx.t('profile.tabs.label')}"><ul>${tab('profile', paths.profile)}${tab('history', paths.loginHistory)}</ul></nav>`;
}

const row = (label: string, value: SafeHtml | string) => html`<div><dt>${label}</dt><dd>${value}</dd></div>`;

async function profilePage(req: Request, res: Response, deps: SectionDeps): Promise<void> {
  const ctx = pageContext(res);
  const person = await deps.services.identity.findById(ctx.login.personId);
  if (!person) throw new Error('the logged-in person is no longer in the registry');
  const memberships = ctx.memberships;
  const body = html`${tabs(ctx, 'profile')}
<section aria-labelledby="personal"><h2 id="personal">${ctx.t('profile.personal')}</h2><dl class="facts">
${row(ctx.t('profile.givenName'), person.givenName)}
${row(ctx.t('profile.surname'), [person.firstSurname, person.secondSurname].filter(Boolean).join(' '))}
${row(ctx.t('profile.dateOfBirth'), person.dateOfBirth ?? ctx.t('profile.notLinked'))}
${row(ctx.t('profile.document'), person.documentNumber ? `${person.documentType ?? ''} ${person.documentNumber}`.trim() : (person.eidasPersonIdentifier ?? ctx.t('profile.notLinked')))}
${row(ctx.t('profile.registration'), ctx.t(`profile.registration.${person.registrationLevel}`))}
${row(ctx.t('profile.loginLevel'), levelBadge(ctx, ctx.login.rung))}
</dl></section>
<section aria-labelledby="contact"><h2 id="contact">${ctx.t('profile.contact')}</h2><dl class="facts">
${row(ctx.t('profile.email'), person.email ?? ctx.t('profile.notLinked'))}
${row(ctx.t('profile.mobile'), person.mobile ?? ctx.t('profile.notLinked'))}
${row(ctx.t('profile.secondFactor'), person.mobile ? ctx.t('profile.secondFactor.sms', { mobile: person.mobile }) : ctx.t('profile.notLinked'))}
</dl></section>
<section aria-labelledby="memberships"><h2 id="memberships">${ctx.t('profile.memberships')}</h2>
${memberships.length === 0 ? html`<p>${ctx.t('profile.memberships.none')}</p>` : html`<ul class="cards">${memberships.map(({ member, organisation }) => html`<li class="card"><h3>${organisation.name}</h3>
<p>${roleBadge(ctx, member.role)} ${statusBadge(ctx, member.status)} ${levelBadge(ctx, member.level)}</p><dl class="facts">
${row(ctx.t('profile.contactEmail'), member.contactEmail)}
${row(ctx.t('profile.contactMobile'), member.contactMobile ?? ctx.t('profile.notLinked'))}</dl>
${member.status === 'active' ? html`<p><a href="${paths.profile}/email/${member.id}">${ctx.t('profile.changeEmail')}<span class="visually-hidden"> (${organisation.name})</span></a></p>` : ''}</li>`)}</ul>`}
</section>
<section aria-labelledby="language"><h2 id="language">${ctx.t('profile.language')}</h2>
<p>${ctx.t('profile.language.current')}: <strong>${ADMIN_LANGUAGE_NAMES[ctx.lang]}</strong></p>
<form method="get" action="${paths.profile}">${selectField({ name: 'lang', label: ctx.t('profile.language.change'), value: ctx.lang, options: ADMIN_LANGUAGES.map((l) => ({ value: l, label: ADMIN_LANGUAGE_NAMES[l] })) })}
<div class="actions"><button type="submit">${ctx.t('profile.language.submit')}</button></div></form></section>`;
  sendAdminPage(req, res, ctx, { title: ctx.t('profile.title'), body, section: 'profile' });
}

async function historyPage(req: Request, res: Response, deps: SectionDeps): Promise<void> {
  const ctx = pageContext(res);
  const asked = Number(req.query.offset);
  const offset = Number.isInteger(asked) && asked >= 0 && asked <= 100_000 ? asked : 0;
  // one more than a page tells whether there are older entries
  const entries = await readLoginHistory(deps.services, ctx.login.personId, { limit: HISTORY_PAGE + 1, offset });
  const tz = deps.services.config.mandates.timeZone;
  const shown = entries.slice(0, HISTORY_PAGE);
  const body = html`${tabs(ctx, 'history')}
${shown.length === 0 ? html`<p>${ctx.t('profile.history.none')}</p>` : html`<div class="table-wrap" role="region" tabindex="0" aria-labelledby="history-caption"><table><caption id="history-caption">${ctx.t('profile.history.caption')}</caption>
<thead><tr><th scope="col">${ctx.t('profile.history.at')}</th><th scope="col">${ctx.t('profile.history.service')}</th><th scope="col">${ctx.t('profile.history.method')}</th><th scope="col">${ctx.t('profile.history.loa')}</th><th scope="col">${ctx.t('profile.history.outcome')}</th><th scope="col">${ctx.t('profile.history.ip')}</th></tr></thead>
<tbody>${shown.map((e) => {
    const words = historyWords(ctx, deps.services.config, e);
    return html`<tr><td>${formatInstant(e.at, tz)}</td><td>${words.service}</td><td>${words.method}</td><td>${e.loa}</td><td>${words.outcome}</td><td>${e.ip ?? ''}</td></tr>`;
  })}</tbody></table></div>`}
${shown.length === 0 ? '' : html`<p class="exports">${ctx.t('profile.history.export')} <a href="${paths.exportLoginHistory('xlsx')}" download>${ctx.t('mandates.export.xlsx')}</a> · <a href="${paths.exportLoginHistory('csv')}" download>${ctx.t('mandates.export.csv')}</a></p>`}
<nav class="pager" aria-label="${ctx.t('profile.history.title')}"><ul>
${offset > 0 ? html`<li><a href="${paths.loginHistory}?offset=${Math.max(0, offset - HISTORY_PAGE)}">${ctx.t('profile.history.newer')}</a></li>` : ''}
${entries.length > HISTORY_PAGE ? html`<li><a href="${paths.loginHistory}?offset=${offset + HISTORY_PAGE}">${ctx.t('profile.history.older')}</a></li>` : ''}</ul></nav>`;
  sendAdminPage(req, res, ctx, { title: ctx.t('profile.history.title'), body, section: 'profile' });
}

function emailForm(req: Request, res: Response, memberId: string, value: string, errors: FormErrors): void {
  const ctx = pageContext(res);
  const membership = ctx.memberships.find((m) => m.member.id === memberId && m.member.status === 'active');
  if (!membership) return void res.redirect(303, paths.profile);
  const action = `${paths.profile}/email/${memberId}`;
  sendAdminPage(req, res, ctx, {
    status: Object.keys(errors).length ? 422 : 200,
    title: ctx.t('profile.changeEmail.title', { organisation: membership.organisation.name }),
    section: 'profile',
    body: html`${errorSummary(ctx, errors)}<form method="post" action="${action}" novalidate>${csrfField(ctx)}
${inputField({ name: 'email', label: ctx.t('profile.changeEmail.label'), type: 'email', value, error: errors.email, required: true, autocomplete: 'email', maxLength: 254 })}
<div class="actions"><button type="submit">${ctx.t('profile.changeEmail.submit')}</button><a class="button secondary" href="${paths.profile}">${ctx.t('shell.cancel')}</a></div></form>`,
  });
}

export const profileSection: AdminSection = {
  id: 'profile',
  scope: 'person',
  nav: { labelKey: 'profile.nav' },
  messages: profileMessages,
  mount(router, deps) {
    router.get('/', (req, res) => profilePage(req, res, deps));
    router.get('/history', (req, res) => historyPage(req, res, deps));
    router.get('/email/:memberId', (req, res) => {
      const m = pageContext(res).memberships.find((x) => x.member.id === req.params.memberId);
      emailForm(req, res, req.params.memberId, m?.member.contactEmail ?? '', {});
    });
    router.post('/email/:memberId', deps.form, async (req, res) => {
      const ctx = pageContext(res);
      const memberId = String(req.params.memberId);
      const email = textOf(req.body, 'email');
      if (!email) return emailForm(req, res, memberId, email, { email: ctx.t('shell.required') });
      try {
        await deps.registry().changeOwnContactEmail(ctx.actor, memberId, email);
      } catch (err) {
        return emailForm(req, res, memberId, email, refusalErrors(ctx, err, { 'invalid-email': 'email', 'invalid-input': 'email' }));
      }
      const organisation = ctx.memberships.find((m) => m.member.id === memberId)?.organisation.name ?? '';
      setFlash(req, 'profile.changeEmail.done', { organisation });
      res.redirect(303, paths.profile);
    });
  },
};
