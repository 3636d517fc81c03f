// The management module under /admin: the session, the administrator login through the broker's
// own IdP (/admin/login, /admin/saml/*), the activation link's page (/admin/activate/<token>),
// /admin/logout, the JSON API under /admin/api with its OpenAPI document, and the pages
// (pages/router.ts). Everything under /admin/api answers JSON, errors included.
import express, { Router } from 'express';
import type { BrokerServices } from '../services.js';
import type { MandateRegistry } from '../mandates/model.js';
import { carriesCsrfToken, hasCsrfHeader } from './session/csrf.js';
import { adminSession, ADMIN_COOKIE } from './session/admin-session.js';
import { samlLoginRouter } from './session/saml-login.js';
import { activationPageRouter } from './session/activation-page.js';
import { apiErrorHandler, apiNotFound, sendApiError } from './api-error.js';
import { mountRoutes } from './api/mount.js';
import { buildOpenApi } from './api/openapi.js';
import { adminRoutes } from './api/routes/index.js';
import { adminPagesRouter } from './pages/router.js';
import { endRevokedSession } from '../flow/end-revoked-session.js';

const API_VERSION = '1.0.0';

export function createAdminRouter(services: BrokerServices, registry: () => MandateRegistry): Router {
  const router = Router();
  const openApi = buildOpenApi(adminRoutes, { publicUrl: services.config.publicUrl, version: API_VERSION });
  router.use(adminSession(services));
  router.use(endRevokedSession(services, 'admin'));
  router.use(samlLoginRouter(services));
  router.use(activationPageRouter(services, registry));

  // ends the management session only; the broker's SSO session is the IdP's to end. The API
  // sends the CSRF token as a header and gets 204; the pages' form sends it as a field and is
  // taken to the logged-out page.
  router.post('/logout', express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 5 }), (req, res, next) => {
    const fromPage = typeof req.is('application/x-www-form-urlencoded') === 'string';
    const login = req.session?.admin;
    if (!login) return fromPage ? void res.redirect(303, '/admin/logged-out') : sendApiError(res, 401, 'unauthenticated', 'there is no session to end');
    const sent = fromPage ? carriesCsrfToken((req.body as Record<string, unknown> | undefined)?.csrf, login) : hasCsrfHeader(req, login);
    if (!sent) return sendApiError(res, 403, 'csrf', fromPage ? 'the form does not carry the session\'s CSRF token' : 'the X-CSRF-Token header is missing or wrong');
    req.session.destroy((err) => {
      if (err) return next(err);
      res.clearCookie(ADMIN_COOKIE, { path: '/admin' });
      if (fromPage) return res.redirect(303, '/admin/logged-out');
      res.status(204).end();
    });
  });

  const api = Router();
  api.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  api.use(mountRoutes(adminRoutes, { services, registry }));
  api.use(apiNotFound);
  api.use(apiErrorHandler(services.log));
  router.use('/api', api);
  router.use(adminPagesRouter(services, registry));
  return router;
}
