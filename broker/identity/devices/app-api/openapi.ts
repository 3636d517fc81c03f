// The app API's OpenAPI 3.1 document, from the route table (JSON Schema 2020-12 from zod 4's
// z.toJSONSchema, which OpenAPI 3.1 takes as is). The signed-call scheme cannot be expressed as
// an OpenAPI security type, so it is an apiKey on X-Signature whose description says the rest.
import type { AppRoute } from './route.js';
import { errorBody } from './schemas.js';
import { errorResponse, jsonSchemaOf as toSchema, operationIdOf, type JsonObject } from '../../../web/openapi.js';

const SIGNED_CALL = [
  'Every call after activation is signed with the device key (ECDSA P-256, generated on the device and registered by POST /activation). Four headers:',
  '`X-Device-Id` (the deviceId), `X-Timestamp` (epoch milliseconds), `X-Nonce` (16–64 base64url characters, never reused), `X-Signature`:',
  'base64url of the ECDSA P-256 / SHA-256 signature in IEEE P1363 form (r || s, 64 bytes) over the UTF-8 bytes of',
  '`METHOD + "\\n" + path with query (e.g. /api/app/v1/inbox) + "\\n" + timestamp + "\\n" + nonce + "\\n" + base64url(SHA-256(body bytes))` (the empty body for GET and DELETE).',
  'The broker refuses (401) a missing or wrong signature, an unknown or deactivated device, a timestamp more than devices.clockSkewSeconds away from its clock, and a nonce it has seen for that device.',
].join(' ');

function operation(route: AppRoute): JsonObject {
  const responses: JsonObject = {
    [String(route.status)]: { description: 'success', content: { 'application/json': { schema: toSchema(route.response, 'output') } } },
    '400': errorResponse('invalid input'),
  };
  if (route.signed) responses['401'] = errorResponse('signed call refused');
  if (route.path === '/activation') responses['403'] = errorResponse('the activation code is wrong, expired or used up');
  if (!route.signed && route.body) responses['429'] = errorResponse('rate limited');
  return {
    operationId: operationIdOf(route.method, route.path),
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    security: route.signed ? [{ deviceSignature: [] }] : [],
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(route.body, 'input') } } } } : {}),
    responses,
  };
}

/** `morePaths`: path items served elsewhere (a connector's app routes), each naming its own server */
export function buildAppOpenApi(routes: readonly AppRoute[], publicUrl: string, morePaths: JsonObject = {}): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of routes) (paths[route.path] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Pasarela Cl@ve app API',
      version: '1',
      description: 'What the Cl@ve app calls: device activation (by an SMS code or a registrar\'s code), the device, and its inbox of PINs, login requests and notices. Pushes carry only a notice; the content is fetched from the inbox. ' + SIGNED_CALL,
    },
    servers: [{ url: `${publicUrl}/api/app/v1` }],
    paths: { ...paths, ...morePaths },
    components: {
      securitySchemes: { deviceSignature: { type: 'apiKey', in: 'header', name: 'X-Signature', description: SIGNED_CALL } },
      schemas: { Error: toSchema(errorBody, 'output') },
    },
  };
}
