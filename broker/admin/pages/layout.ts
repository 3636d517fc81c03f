// The management pages' one layout: skip link, the `lang` of the page, a header (the module's
// name, the organisation — a switcher when the person administers several —, the person's name
// with "My profile" and "Log out", the language links nl/en/es), the sections' navigation, and
// <main> with the title, the flash message and the page. Landmarks are labelled; the current
// section and language carry aria-current; focus is always visible (admin.css).
import type { Request, Response } from 'express';
import { html, type SafeHtml } from '../../web/html.js';
import type { AdminPageContext } from './context.js';
import { takeFlash } from './flash.js';
import { csrfField } from './forms.js';
import { ADMIN_LANGUAGES, ADMIN_LANGUAGE_NAMES, type AdminLanguage, type Translate } from './i18n.js';
import { paths } from './paths.js';

export interface AdminPage {
  readonly title: string;
  readonly body: SafeHtml;
  readonly status?: number;
  /** the section the page belongs to (marked in the navigation) */
  readonly section?: string;
}

function languageLinks(req: Request, lang: AdminLanguage, t: Translate): SafeHtml {
  // only on GET pages: the links reload the same address with ?lang= (web/language.ts remembers it)
  if (req.method !== 'GET') return html``;
  const url = new URL(req.originalUrl, 'http://x');
  return html`<nav class="lang" aria-label="${t('shell.lang.label')}"><ul>${ADMIN_LANGUAGES.map((l) => {
    url.searchParams.set('lang', l);
    return l === lang
      ? html`<li><span aria-current="true" lang="${l}">${ADMIN_LANGUAGE_NAMES[l]}</span></li>`
      : html`<li><a href="${url.pathname + url.search}" lang="${l}" hreflang="${l}">${ADMIN_LANGUAGE_NAMES[l]}</a></li>`;
  })}</ul></nav>`;
}

function organisationBlock(ctx: AdminPageContext, section: string | undefined): SafeHtml {
  const organisationSection = ctx.navigation.some((n) => n.id === section && n.scope === 'organisation');
  const current = ctx.organisation;
  if (ctx.administered.length > 1) {
    // a GET form: works without JavaScript, and the address names the organisation
    return html`<form class="switcher" method="get" action="${paths.switchOrganisation}"><label for="switch-organisation">${ctx.t('shell.switch.label')}</label>
<select id="switch-organisation" name="organisation">${ctx.administered.map((o) => html`<option value="${o.id}"${current?.id === o.id ? html` selected` : ''}>${o.name}</option>`)}</select>
${organisationSection ? html`<input type="hidden" name="section" value="${section}">` : ''}<button type="submit" class="secondary">${ctx.t('shell.switch.submit')}</button></form>`;
  }
  return current ? html`<p class="organisation">${current.name}</p>` : html``;
}

function navigation(ctx: AdminPageContext, section: string | undefined): SafeHtml {
  const org = ctx.organisation ?? ctx.administered[0] ?? null;
  const entries = ctx.navigation.filter((n) => n.scope === 'person' || org !== null);
  return html`<nav class="sections" aria-label="${ctx.t('shell.nav.label')}"><ul>${entries.map((n) => {
    const href = n.scope === 'organisation' ? paths.section(org!.id, n.id) : paths.personSection(n.id);
    return html`<li><a href="${href}"${n.id === section ? html` aria-current="page"` : ''}>${ctx.t(n.labelKey)}</a></li>`;
  })}</ul></nav>`;
}

function sendDocument(req: Request, res: Response, lang: AdminLanguage, t: Translate, page: AdminPage, header: SafeHtml, nav: SafeHtml, flash: SafeHtml): void {
  const doc = html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · ${t('shell.title')}</title>
<link rel="stylesheet" href="/static/pasarela.css">
<link rel="stylesheet" href="/static/admin.css">
<script src="/static/admin.js" defer></script>
</head>
<body class="admin">
<a class="skip" href="#main">${t('shell.skip')}</a>
<header class="admin-top"><p class="brand"><strong>Pasarela</strong> <span>${t('shell.title')}</span></p>${header}${languageLinks(req, lang, t)}</header>
${nav}
<main id="main" tabindex="-1">
<h1>${page.title}</h1>
${flash}${page.body}
</main>
</body>
</html>`;
  res.status(page.status ?? 200).type('html').send(doc.value);
}

/** A page for a logged-in person. */
export function sendAdminPage(req: Request, res: Response, ctx: AdminPageContext, page: AdminPage): void {
  const header = html`${organisationBlock(ctx, page.section)}<nav class="account" aria-label="${ctx.t('shell.account.label')}"><span class="person">${ctx.personName}</span>
<a href="${paths.profile}">${ctx.t('shell.profile')}</a>
<form method="post" action="${paths.logout}">${csrfField(ctx)}<button type="submit" class="link">${ctx.t('shell.logout')}</button></form></nav>`;
  sendDocument(req, res, ctx.lang, ctx.t, page, header, navigation(ctx, page.section), takeFlash(req, ctx));
}

/** A page without a session (the login invitation, logged out, a session-less refusal). */
export function sendPublicAdminPage(req: Request, res: Response, lang: AdminLanguage, t: Translate, page: AdminPage): void {
  sendDocument(req, res, lang, t, page, html``, html``, html``);
}
