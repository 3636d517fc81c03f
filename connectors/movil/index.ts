// Cl@ve Móvil connector (seed 000 §3): the person confirms the login in the Cl@ve app, after
// scanning a QR code or after typing DNI/NIE and document date (the request is then pushed to
// their active device). Both screens show the service and a 3-digit verification code; the app's
// answer is signed with the device key. Rung from the method table (2+ basic, 3 advanced); a
// Móvil login may represent an organisation.
import type { Router } from 'express';
import type { Connector, ConnectorContext, ConnectorFactory } from '../connector.js';
import type { Config } from '../../broker/config.js';
import { createLoginRequests } from './login-requests.js';
import { createPushLimits } from './push-limits.js';
import { createWaitingBrowsers } from './wait-events.js';
import { mountAppApi } from './app-api.js';
import { highestMovilRung, mountBrowser } from './browser.js';

function mountMovil(router: Router, ctx: ConnectorContext): void {
  const opts = ctx.config.connectors.movil;
  const requests = createLoginRequests(ctx.ephemeral, { validityMs: opts.requestValiditySeconds * 1000, now: ctx.now });
  const limits = createPushLimits(ctx);
  const waiting = createWaitingBrowsers(requests, { max: opts.maxWaitingBrowsers, now: ctx.now, log: ctx.log });
  // the app's routes first: /app/requests/:id must never be read as a transaction's page
  mountAppApi(router, ctx, requests, limits);
  mountBrowser(router, ctx, requests, limits, waiting);
}

export const movil: ConnectorFactory = {
  id: 'movil',
  create(cfg: Config): Connector {
    return {
      id: 'movil',
      labelKey: 'method.movil',
      allowsRepresentation: true,
      reachableLoa: () => highestMovilRung(cfg),
      mount: mountMovil,
    };
  },
};
