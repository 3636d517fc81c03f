// The management module under /admin: the session, the administrator login through the broker's
// own IdP (/admin/login, /admin/saml/*), the activation link's page (/admin/activate/<token>),
// /admin/logout, and the JSON API under /admin/api with its OpenAPI document. Everything under /admin/api answers JSON, errors included.
import { Router } from 'express';
import type { BrokerServices } from '../services.js';
import type { MandateRegistry } from '../mandates/model.js';
import { hasCsrfHeader } from './session/csrf.js';
import { adminSession, ADMIN_COOKIE } from './session/admin-session.js';
import { samlLoginRouter } from './session/saml-login.js';
import { activationPageRouter } from './session/activation-page.js';
import { apiErrorHandler, apiNotFound, sendApiError } from './api-error.js';
import { mountRoutes } from './api/mount.js';
import { buildOpenApi } from './api/openapi.js';
import { adminRoutes } from './api/routes/index.js';

const API_VERSION = '1.0.0';

export function createAdminRouter(services: BrokerServices, registry: () => MandateRegistry): Router {
  const router = Router();
  const openApi = buildOpenApi(adminRoutes, { publicUrl: services.config.publicUrl, version: API_VERSION });
  router.use(adminSession(services));
  router.use(samlLoginRouter(services));
  router.use(activationPageRouter(services, registry));

  // ends the management session only; the broker's SSO session is the IdP's to end
  router.post('/logout', (req, res, next) => {
    const login = req.session?.admin;
    if (!login) return sendApiError(res, 401, 'unauthenticated', 'there is no session to end');
    if (!hasCsrfHeader(req, login)) return sendApiError(res, 403, 'csrf', 'the X-CSRF-Token header is missing or wrong');
    req.session.destroy((err) => {
      if (err) return next(err);
      res.clearCookie(ADMIN_COOKIE, { path: '/admin' });
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
  return router;
}
