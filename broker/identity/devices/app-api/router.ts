// Serves the app API route table at /api/app/v1: signed routes through requireDeviceSignature,
// unsigned ones through a 16 kB JSON parser; bodies validated by their zod schema; every refusal
// a 4xx JSON {error, message}; nothing cached. GET /openapi.json publishes the same table.
import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import type { z } from 'zod';
import type { BrokerServices } from '../../../services.js';
import { requireDeviceSignature, type SignedLocals } from '../signed-request.js';
import { DeviceError, DEVICE_ERROR_STATUS } from '../device-error.js';
import { deviceActivationFor, deviceInboxFor } from '../setup.js';
import { appApiRoutes } from './routes.js';
import { buildAppOpenApi } from './openapi.js';
import { movilAppPaths } from '../../../../connectors/movil/openapi.js';

const issues = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');

export function createAppApiRouter(services: BrokerServices): Router {
  const router = Router();
  const routes = appApiRoutes(services, deviceActivationFor(services), deviceInboxFor(services.config, services.ephemeral));
  const signed = requireDeviceSignature({ devices: services.devices, ephemeral: services.ephemeral, now: services.now, clockSkewSeconds: services.config.devices.clockSkewSeconds });
  const json = express.json({ limit: '16kb', strict: true, type: () => true });
  // the Cl@ve Móvil connector's app routes (fetch and decide a login request), when it is enabled
  const movilPaths = services.config.connectors.enabled.includes('movil') ? movilAppPaths(services.config.publicUrl) : {};
  const openApi = buildAppOpenApi(routes, services.config.publicUrl, movilPaths);

  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.get('/openapi.json', (_req, res) => void res.json(openApi));
  for (const route of routes) {
    const pre = route.signed ? signed : route.body ? [json] : [];
    const serve: RequestHandler = async (req, res) => {
      const raw = route.signed ? (res.locals as SignedLocals).body : req.body;
      let body: unknown;
      if (route.body) {
        const parsed = route.body.safeParse(raw ?? {});
        if (!parsed.success) return void res.status(400).json({ error: 'invalid', message: issues(parsed.error) });
        body = parsed.data;
      }
      const device = route.signed ? (res.locals as SignedLocals).device : undefined;
      res.status(route.status).json(await route.handle({ body, device, req, res }));
    };
    router[route.method](route.path, ...pre, serve);
  }
  router.use((_req, res) => void res.status(404).json({ error: 'not-found', message: 'no such app API route (GET /api/app/v1/openapi.json lists them)' }));
  router.use(refusals);
  return router;
}

const refusals: ErrorRequestHandler = (err, _req, res, next) => {
  if (err instanceof DeviceError) return void res.status(DEVICE_ERROR_STATUS[err.code]).json({ error: err.code, message: err.message });
  const e = err as { type?: string };
  if (e?.type === 'entity.parse.failed') return void res.status(400).json({ error: 'invalid', message: 'the body is not valid JSON' });
  if (e?.type === 'entity.too.large') return void res.status(413).json({ error: 'invalid', message: 'the body is larger than 16 kB' });
  next(err);
};
