// The OpenAPI 3.1 document of the management API, built from the same route table mount.ts serves
// (JSON Schema 2020-12 from zod's z.toJSONSchema, which OpenAPI 3.1 uses as is).
import type { ApiRoute } from './route.js';
import { isFileResponse } from './route.js';
import { errorBody } from './schemas.js';
import { CSRF_HEADER } from '../session/csrf.js';
import { ADMIN_COOKIE } from '../session/admin-session.js';
import { errorResponse, jsonSchemaOf as toSchema, openApiPath, operationIdOf, type JsonObject } from '../../web/openapi.js';

function parameters(route: ApiRoute): JsonObject[] {
  const out: JsonObject[] = [];
  for (const [where, schema] of [['path', route.params], ['query', route.query]] as const) {
    if (!schema) continue;
    const json = toSchema(schema, 'input') as { properties?: Record<string, JsonObject>; required?: string[] };
    for (const [name, prop] of Object.entries(json.properties ?? {})) {
      const { description, ...propSchema } = prop;
      out.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: propSchema, ...(description ? { description } : {}) });
    }
  }
  return out;
}

function responses(route: ApiRoute): JsonObject {
  const status = String(route.status ?? 200);
  const ok = route.response === null
    ? { description: 'done' }
    : isFileResponse(route.response)
      ? { description: 'a file (Content-Disposition: attachment)', content: Object.fromEntries(route.response.mediaTypes.map((t) => [t, { schema: { type: 'string', contentEncoding: 'binary' } }])) }
      : { description: 'success', content: { 'application/json': { schema: toSchema(route.response, 'output') } } };
  const out: JsonObject = { [status]: ok };
  out['401'] = errorResponse(route.access === 'operator' ? 'no or wrong bearer token' : 'not logged in');
  if (route.access === 'session' && route.method !== 'get') out['403'] = errorResponse('missing or wrong X-CSRF-Token, or a rule forbids it');
  else out['403'] = errorResponse('a rule forbids it');
  out['404'] = errorResponse('unknown, or outside what the caller administers');
  if (route.method !== 'get') out['409'] = errorResponse('the current state forbids it');
  if (route.body || route.rawBody) out['415'] = errorResponse('wrong Content-Type');
  if (route.rawBody) out['413'] = errorResponse('the body is too large');
  out['422'] = errorResponse('invalid input (zod issues) or a rule of the domain');
  out['500'] = errorResponse('internal failure');
  return out;
}

function operation(route: ApiRoute): JsonObject {
  const params = parameters(route);
  const security = route.access === 'operator' ? [{ operatorToken: [] }] : route.method === 'get' ? [{ adminSession: [] }] : [{ adminSession: [], csrfToken: [] }];
  const requestBody = route.body
    ? { required: true, content: { 'application/json': { schema: toSchema(route.body, 'input') } } }
    : route.rawBody
      ? { required: true, content: Object.fromEntries(route.rawBody.mediaTypes.map((t) => [t, { schema: { type: 'string', contentEncoding: 'binary' } }])) }
      : undefined;
  return {
    operationId: operationIdOf(route.method, route.path),
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    security,
    ...(params.length ? { parameters: params } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: responses(route),
  };
}

export function buildOpenApi(routes: readonly ApiRoute[], opts: { publicUrl: string; version: string }): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of routes) (paths[openApiPath(route.path)] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Pasarela management API',
      version: opts.version,
      description:
        'Organisations, members, mandates and chain mandates (seed 004). Administrators log in through the broker at /admin/login and send the session cookie, plus X-CSRF-Token (from GET /session) on every change; automation uses the operator bearer token.',
    },
    servers: [{ url: `${opts.publicUrl}/admin/api` }],
    paths,
    components: {
      securitySchemes: {
        adminSession: { type: 'apiKey', in: 'cookie', name: ADMIN_COOKIE, description: 'session cookie set by the login at /admin/login' },
        csrfToken: { type: 'apiKey', in: 'header', name: CSRF_HEADER, description: 'the csrfToken of GET /session, required with the session on every change' },
        operatorToken: { type: 'http', scheme: 'bearer', description: 'api.operatorToken; when it is not configured the operator routes answer 404' },
      },
      schemas: { Error: toSchema(errorBody, 'output') },
    },
  };
}
