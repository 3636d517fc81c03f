// Page rendering: one accessible layout (landmarks, skip link, lang attribute, labelled forms),
// the language of the request, and the security headers every page carries.
import type { Request, Response } from 'express';
import { html, type SafeHtml } from './html.js';
import { LANGUAGES, LANGUAGE_NAMES, translate, type Language } from './i18n/catalogue.js';

export interface Page {
  readonly title: string;
  readonly body: SafeHtml;
  readonly status?: number;
}

export interface PageRenderer {
  lang(res: Response): Language;
  t(res: Response, key: string, vars?: Record<string, string>): string;
  send(req: Request, res: Response, page: Page): void;
}

function languageLinks(req: Request, current: Language): SafeHtml {
  // Language links only on GET pages: they reload the same address with ?lang=.
  if (req.method !== 'GET') return html``;
  const url = new URL(req.originalUrl, 'http://x');
  return html`<nav class="lang" aria-label="${translate(current, 'lang.label')}"><ul>${LANGUAGES.map((l) => {
    url.searchParams.set('lang', l);
    return l === current
      ? html`<li><span aria-current="true" lang="${l}">${LANGUAGE_NAMES[l]}</span></li>`
      : html`<li><a href="${url.pathname + url.search}" lang="${l}" hreflang="${l}">${LANGUAGE_NAMES[l]}</a></li>`;
  })}</ul></nav>`;
}

export function createPageRenderer(): PageRenderer {
  const lang = (res: Response): Language => (res.locals.lang as Language | undefined) ?? 'es';
  return {
    lang,
    t: (res, key, vars) => translate(lang(res), key, vars),
    send(req, res, page) {
      const l = lang(res);
      const t = (k: string) => translate(l, k);
      const doc = html`<!doctype html>
<html lang="${l}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · ${t('app.name')}</title>
<link rel="stylesheet" href="/static/pasarela.css">
</head>
<body>
<a class="skip" href="#main">${t('skip.content')}</a>
<header class="top"><p class="brand"><strong>${t('app.name')}</strong> <span>${t('app.tagline')}</span></p>${languageLinks(req, l)}</header>
<main id="main" tabindex="-1">
<h1>${page.title}</h1>
${page.body}
</main>
</body>
</html>`;
      res.status(page.status ?? 200).type('html').send(doc.value);
    },
  };
}
