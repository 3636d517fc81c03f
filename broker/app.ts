// The express app: security headers and language first, then the SAML front, the login flow
// with the connectors, operations endpoints and the registrar API; one error handler decides
// where every error goes.
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrokerServices } from './services.js';
import { securityHeaders } from './web/security-headers.js';
import { languageMiddleware } from './web/language.js';
import { samlRouter } from './saml/endpoints.js';
import { flowRouter } from './flow/routes.js';
import { healthRouter } from './health.js';
import { errorHandler, notFound } from './flow/error-handler.js';
import { createRegistrarRouter } from './identity/registrar-api.js';
import { createRegistrarDevicesRouter } from './identity/devices/registrar-api.js';
import { createAppApiRouter } from './identity/devices/app-api/router.js';
import { createAuditRouter } from './admin/audit-api.js';
import { createAdminRouter } from './admin/index.js';
import { createLetterRouter } from './identity/channels/letter/index.js';
import { createVideoRouter } from './identity/channels/video/index.js';
import { createStaffRouter } from './identity/staff/index.js';
import { createTransactionStore } from './flow/transaction-store.js';
import { createSsoSessions } from './flow/sso-session.js';
import type { HandBackDeps } from './flow/hand-back.js';
import { proxyModeClientHost } from './pki/client-host/proxy-mode.js';
import { createAccountRouter } from './identity/self-service/index.js';
import { createCertificateRegistrationRouter } from './identity/channels/certificate/index.js';

export const STATIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'web', 'static');

export function createApp(services: BrokerServices): Express {
  const cfg = services.config;
  const app = express();
  app.disable('x-powered-by');
  // Every page is dynamic and no-store: an ETag would only cost a hash of each body.
  app.set('etag', false);
  // Only the configured proxies' X-Forwarded-* headers are believed (design.md "Addresses").
  app.set('trust proxy', cfg.trustProxy.length > 0 ? cfg.trustProxy : false);

  const deps: HandBackDeps = {
    services,
    transactions: createTransactionStore(services.ephemeral, cfg.flow.transactionTtlSeconds, services.now),
    sessions: createSsoSessions(services.ephemeral, cfg, services.now),
  };

  app.use((req, res, next) => {
    const end = services.metrics.httpLatency.startTimer();
    res.on('finish', () => end({ route: req.route?.path ?? 'other', method: req.method, status: String(res.statusCode) }));
    next();
  });
  // Request log: method, path without the query string (it carries SAML messages and RelayState),
  // status and time; never cookies, bodies or codes.
  app.use(
    pinoHttp({
      logger: services.log,
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics' },
      serializers: {
        // tokens in the path are secrets: the activation link, the video links, the renunciation proof
        req: (req: { method: string; url: string; id: unknown }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0]!.replace(/^\/admin\/activate\/[^/]+/, '/admin/activate/…').replace(/^\/register\/video\/(appointment|activate)\/(?!app$)[^/]+/, '/register/video/$1/…').replace(/^\/account\/renunciation\/[^/]+/, '/account/renunciation/…') }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(healthRouter(services));
  app.use(securityHeaders);
  app.use('/static', express.static(STATIC_DIR, { immutable: false, maxAge: '1h', index: false }));
  app.use(languageMiddleware);
  app.use(samlRouter(deps));
  app.use(flowRouter(deps));
  app.use('/api/app/v1', createAppApiRouter(services));
  app.use('/api/registrar', createRegistrarDevicesRouter(services));
  app.use('/api/registrar', createRegistrarRouter(services.identity, { token: cfg.api.registrarToken, accounts: services.credentials.accounts, audit: services.audit, now: services.now }));
  app.use('/api/audit', createAuditRouter(services.db, cfg.api.auditToken));
  app.use('/admin', createAdminRouter(services, () => services.mandates));
  app.use('/register/letter', createLetterRouter(services));
  app.use('/register/video', createVideoRouter(services));
  app.use('/staff', createStaffRouter(services));
  app.use('/register/certificate', createCertificateRegistrationRouter(services));
  app.use('/account', createAccountRouter(services));
  // the client-certificate host's pages, when a TLS-terminating proxy passes the certificate
  const clientHost = proxyModeClientHost(services);
  if (clientHost) app.use(clientHost);
  app.get('/', (_req, res) => {
    res.redirect(302, '/saml/metadata');
  });
  app.use(notFound);
  app.use(errorHandler(services));
  return app;
}
