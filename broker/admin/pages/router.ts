// The management pages (issue 8): the shell that mounts each section (section.ts says how one
// plugs in), sets up the page context for every request, gates organisation sections to those
// the person administers, checks the CSRF token of every form, and maps failures to pages.
// Server-rendered HTML forms that work without JavaScript, on the broker's session, CSP and
// escaping; /static/admin.js only adds conveniences (filtering a list as one types).
import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { MandateRuleError, type MandateRegistry } from '../../mandates/model.js';
import type { BrokerServices } from '../../services.js';
import { BASE_CSP } from '../../web/security-headers.js';
import { html } from '../../web/html.js';
import { carriesCsrfToken } from '../session/csrf.js';
import { actorOf, administeredOrganisations, pageContext, setPageContext, type AdminPageContext, type NavEntry } from './context.js';
import { adminLanguageOf, createAdminCatalogue, type AdminCatalogue } from './i18n.js';
import { sendAdminPage, sendPublicAdminPage } from './layout.js';
import { multipartBody } from './multipart.js';
import { isPageReturnPath, paths } from './paths.js';
import { refusalText } from './refusals.js';
import type { AdminSection, SectionDeps } from './section.js';
import { shellMessages } from './messages/shell.js';
import { usersSection } from './users/index.js';
import { profileSection } from './profile/index.js';
import { mandatesSection } from './mandates/index.js';
import { myMandatesSection } from './mandates/my-mandates.js';
import { chainSection } from './chain/index.js';

/** The sections in navigation order. */
export const adminSections: readonly AdminSection[] = [usersSection, mandatesSection, chainSection, myMandatesSection, profileSection];

/** pages may load the module's one script, from our own origin only */
const PAGE_CSP = BASE_CSP.replace("default-src 'none';", "default-src 'none'; script-src 'self';");

export function adminPagesRouter(services: BrokerServices, registry: () => MandateRegistry, sections: readonly AdminSection[] = adminSections): Router {
  const router = Router();
  const catalogue = createAdminCatalogue([shellMessages, ...sections.map((s) => s.messages)]);
  const navigation: NavEntry[] = sections.filter((s) => s.nav).map((s) => ({ id: s.id, scope: s.scope, labelKey: s.nav!.labelKey }));
  const withContext = contextMiddleware(services, registry, catalogue, navigation);

  const csrf: RequestHandler = (req, res, next) => {
    const ctx = pageContext(res);
    if (carriesCsrfToken((req.body as Record<string, unknown> | undefined)?.csrf, ctx.login)) return next();
    sendAdminPage(req, res, ctx, { status: 403, title: ctx.t('shell.csrf.title'), body: html`<p class="error" role="alert">${ctx.t('shell.csrf.text')}</p>` });
  };
  const deps: SectionDeps = {
    services,
    registry,
    form: Router().use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }), csrf),
    // two sides of an identity document at the configured maximum each, and the form's fields
    multipartForm: Router().use(...multipartBody(2 * services.config.mandates.documentMaxBytes + 256 * 1024), csrf),
  };

  router.use((_req, res, next) => {
    res.setHeader('Content-Security-Policy', PAGE_CSP);
    next();
  });

  router.get('/logged-out', (req, res) => {
    const lang = adminLanguageOf(res);
    const t = catalogue.translator(lang);
    sendPublicAdminPage(req, res, lang, t, { title: t('shell.loggedOut'), body: html`<p><a class="button" href="${paths.login(paths.home)}">${t('shell.login.button')}</a></p>` });
  });

  router.get('/', withContext, (_req, res) => {
    const ctx = pageContext(res);
    const first = ctx.administered[0];
    res.redirect(303, first ? paths.users(first.id) : paths.profile);
  });

  router.get('/switch', withContext, (req, res) => {
    const ctx = pageContext(res);
    const wanted = ctx.administered.find((o) => o.id === req.query.organisation);
    const section = sections.find((s) => s.scope === 'organisation' && s.id === req.query.section)?.id ?? 'users';
    res.redirect(303, wanted ? paths.section(wanted.id, section) : paths.home);
  });

  for (const section of sections) {
    const sectionRouter = Router({ mergeParams: true });
    section.mount(sectionRouter, deps);
    if (section.scope === 'organisation') {
      router.use(`/o/:organisationId/${section.id}`, withContext, administeredOnly, sectionRouter, notFoundPage);
    } else {
      router.use(`/${section.id}`, withContext, sectionRouter, notFoundPage);
    }
  }
  router.use(pageErrors(services, catalogue));
  return router;
}

/** The session and everything a page needs; without a session, the invitation to log in. */
function contextMiddleware(services: BrokerServices, registry: () => MandateRegistry, catalogue: AdminCatalogue, navigation: readonly NavEntry[]): RequestHandler {
  return async (req, res, next) => {
    const lang = adminLanguageOf(res);
    const t = catalogue.translator(lang);
    const login = req.session?.admin;
    if (!login) return loginInvitation(req, res, services, lang, t);
    const actor = actorOf(req, login);
    const [person, memberships] = await Promise.all([services.identity.findById(login.personId), registry().myMemberships(actor)]);
    const ctx: AdminPageContext = {
      login,
      actor,
      personName: person ? `${person.givenName} ${person.firstSurname}` : '',
      lang,
      t,
      has: catalogue.has,
      memberships,
      administered: administeredOrganisations(memberships, login, services),
      navigation,
      organisation: null,
    };
    setPageContext(res, ctx);
    res.set('Cache-Control', 'no-store');
    next();
  };
}

function loginInvitation(req: Request, res: Response, services: BrokerServices, lang: ReturnType<typeof adminLanguageOf>, t: ReturnType<AdminCatalogue['translator']>): void {
  const back = req.baseUrl + req.path === '/admin' ? paths.home : (req.originalUrl.split('?')[0] ?? paths.home);
  const target = isPageReturnPath(back) ? back : paths.home;
  if (req.method !== 'GET') return void res.redirect(303, target);
  sendPublicAdminPage(req, res, lang, t, {
    status: 401,
    title: t('shell.login.title'),
    body: html`<p>${t('shell.login.intro', { rung: services.config.mandates.adminMinimumRung })}</p>
<p><a class="button" href="${paths.login(target)}">${t('shell.login.button')}</a></p>`,
  });
}

const administeredOnly: RequestHandler = (req, res, next) => {
  const ctx = pageContext(res);
  const organisation = ctx.administered.find((o) => o.id === req.params.organisationId);
  if (!organisation) return sendAdminPage(req, res, ctx, { status: 403, title: ctx.t('shell.forbidden.title'), body: html`<p class="error" role="alert">${ctx.t('shell.forbidden.text')}</p>` });
  ctx.organisation = organisation;
  next();
};

const notFoundPage: RequestHandler = (req, res) => {
  const ctx = pageContext(res);
  sendAdminPage(req, res, ctx, { status: 404, title: ctx.t('shell.notFound.title'), body: html`<p>${ctx.t('shell.notFound.text')}</p>` });
};

/** Refusals no form caught, bodies that cannot be read, and failures: a page, never a stack. */
function pageErrors(services: BrokerServices, catalogue: AdminCatalogue): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    const ctx = res.locals.adminPage as AdminPageContext | undefined;
    const lang = adminLanguageOf(res);
    const t = ctx?.t ?? catalogue.translator(lang);
    const send = (status: number, title: string, text: string) => {
      const page = { status, title, body: html`<p class="error" role="alert">${text}</p><p><a href="${paths.home}">${t('shell.back')}</a></p>` };
      if (ctx) sendAdminPage(req, res, ctx, page);
      else sendPublicAdminPage(req, res, lang, t, page);
    };
    if (err instanceof MandateRuleError) {
      if (err.code === 'not-found') return send(404, t('shell.notFound.title'), t('shell.notFound.text'));
      if (err.code === 'forbidden') return send(403, t('shell.forbidden.title'), ctx ? refusalText(ctx, err) : err.message);
      return send(409, t('shell.failure.title'), ctx ? refusalText(ctx, err) : err.message);
    }
    const status = (err as { status?: unknown }).status;
    if (status === 413) return send(413, t('shell.failure.title'), t('shell.tooLarge'));
    if (typeof status === 'number' && status >= 400 && status < 500) return send(400, t('shell.failure.title'), t('shell.failure.text'));
    services.log.error({ err, path: req.path, method: req.method }, 'management page failure');
    send(500, t('shell.failure.title'), t('shell.failure.text'));
  };
}
