// /healthz (the process answers), /readyz (both stores answer; a signing certificate that
// expires within 30 days is a warning, not a failure), /metrics (Prometheus).
import { Router } from 'express';
import type { BrokerServices } from './services.js';
import { staleListWarnings } from './pki/setup.js';

const WARN_BEFORE_MS = 30 * 86_400_000;

export function healthRouter(services: BrokerServices): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const [database, ephemeral] = await Promise.all([services.dbPing().catch(() => false), services.ephemeral.ping().catch(() => false)]);
    const warnings: string[] = [];
    const expiresIn = services.keys.notAfter.getTime() - services.now().getTime();
    if (expiresIn < WARN_BEFORE_MS) warnings.push(`signing certificate expires ${services.keys.notAfter.toISOString()}`);
    warnings.push(...staleListWarnings(services.certificates, services.now()));
    for (const connector of services.connectors) warnings.push(...(connector.readinessWarnings?.() ?? []));
    const ready = database && ephemeral && expiresIn > 0;
    res.status(ready ? 200 : 503).json({ ready, checks: { database, ephemeral }, warnings });
  });
  router.get('/metrics', async (_req, res) => {
    services.metrics.certificateExpiry.set({ use: 'signing' }, (services.keys.notAfter.getTime() - services.now().getTime()) / 1000);
    res.type(services.metrics.registry.contentType).send(await services.metrics.registry.metrics());
  });
  return router;
}
