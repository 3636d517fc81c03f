// Serves the route table on an express Router, each route through the same steps: who is asking
// (session or operator token), the CSRF header on a session's changes, the body's media type,
// validation of params, query and body (422 with the zod issues), the handler, and the answer
// checked against the route's own response schema before it leaves.
import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { MandateRegistry, Actor } from '../../mandates/model.js';
import type { BrokerServices } from '../../services.js';
import { hasCsrfHeader } from '../session/csrf.js';
import { requireBearerToken } from '../../web/bearer-token.js';
import { ApiError, sendApiError } from '../api-error.js';
import { isFileReply, isFileResponse, type ApiRoute } from './route.js';

const JSON_LIMIT = '256kb';

function issuesOf(error: z.ZodError): { path: string; message: string; code: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message, code: i.code }));
}

function parsePart<S extends z.ZodType | undefined>(schema: S, value: unknown, part: string): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ApiError(422, 'invalid-input', `the request ${part} is not valid`, `invalid-${part}`, issuesOf(parsed.error));
  return parsed.data;
}

const hasBody = (req: Request) => Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;

/** Who asks: the session's person (and, on changes, the CSRF header proves it is our page asking). */
function requireSession(route: ApiRoute): RequestHandler {
  const changes = route.method !== 'get';
  return (req, res, next) => {
    const login = req.session?.admin;
    if (!login) return sendApiError(res, 401, 'unauthenticated', 'log in at /admin/login first');
    if (changes) {
      if (!hasCsrfHeader(req, login)) return sendApiError(res, 403, 'csrf', 'the X-CSRF-Token header is missing or wrong (GET /admin/api/session gives it)');
    }
    res.set('Cache-Control', 'no-store');
    next();
  };
}

function requireMediaType(route: ApiRoute, documentMaxBytes: number): RequestHandler[] {
  if (route.rawBody) {
    const types = route.rawBody.mediaTypes;
    return [
      (req, res, next) => (req.is(types as string[]) ? next() : sendApiError(res, 415, 'unsupported-media-type', `the body must be one of ${types.join(', ')}`)),
      express.raw({ type: () => true, limit: documentMaxBytes }),
    ];
  }
  return [
    (req, res, next) => {
      if (!hasBody(req)) return route.body ? sendApiError(res, 415, 'unsupported-media-type', 'a JSON body (Content-Type: application/json) is required') : next();
      if (!req.is('application/json')) return sendApiError(res, 415, 'unsupported-media-type', 'the body must be JSON (Content-Type: application/json)');
      next();
    },
    express.json({ limit: JSON_LIMIT, strict: false }),
  ];
}

function actorOf(route: ApiRoute, req: Request): Actor {
  const ip = req.ip ?? null;
  if (route.access === 'operator') return { kind: 'operator', ip };
  const login = req.session.admin!;
  return { kind: 'person', personId: login.personId, rung: login.rung, ip };
}

function handler(route: ApiRoute, services: BrokerServices, registry: () => MandateRegistry): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    void (async () => {
      const params = parsePart(route.params, req.params, 'params');
      const query = parsePart(route.query, { ...(req.query as object) }, 'query');
      const body = route.rawBody ? (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)) : parsePart(route.body, req.body, 'body');
      const result = await route.handle({ params, query, body, actor: actorOf(route, req), login: req.session?.admin, registry: registry(), services, req, res } as never);
      const status = route.status ?? 200;
      if (route.response === null) return void res.status(204).end();
      if (isFileResponse(route.response)) {
        if (!isFileReply(result)) throw new TypeError(`${route.method} ${route.path} answered no file`);
        res.status(status).type(result.mediaType).attachment(result.filename).send(result.bytes);
        return;
      }
      // the answer is what the OpenAPI document promises, or a 500 that says so in the log
      const answer = route.response.safeParse(JSON.parse(JSON.stringify(result ?? null)));
      if (!answer.success) throw new Error(`${route.method.toUpperCase()} ${route.path} answered outside its schema: ${JSON.stringify(issuesOf(answer.error)).slice(0, 500)}`);
      res.status(status).json(answer.data);
    })().catch(next);
  };
}

export interface MountOptions {
  readonly services: BrokerServices;
  /** read at each call: the registry is a service of the broker */
  readonly registry: () => MandateRegistry;
}

export function mountRoutes(routes: readonly ApiRoute[], opts: MountOptions): Router {
  const router = Router();
  const cfg = opts.services.config;
  const operator = requireBearerToken(cfg.api.operatorToken, 'pasarela-operator', 'operator API');
  for (const route of routes) {
    const access = route.access === 'operator' ? operator : requireSession(route);
    router[route.method](route.path, access, ...requireMediaType(route, cfg.mandates.documentMaxBytes), handler(route, opts.services, opts.registry));
  }
  return router;
}
