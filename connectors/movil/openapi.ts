// The Cl@ve Móvil routes of the app API, as OpenAPI 3.1 path items for the app API's document
// (/api/app/v1/openapi.json). They live under /connectors/movil/app rather than /api/app/v1 —
// a connector serves only under its own prefix — so each path item names its own server.
const ERROR = { $ref: '#/components/schemas/Error' };
const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ERROR } } });

const REQUEST_ID = { name: 'id', in: 'path', required: true, description: 'the login request id: the last segment of the URL in the QR code, or data.requestId of a login-request inbox message', schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{32}$' } };

const loginRequest = {
  type: 'object',
  required: ['requestId', 'service', 'verificationCode', 'expiresAt'],
  properties: {
    requestId: { type: 'string' },
    service: { type: 'string', description: 'the name of the service the person is logging in to; show it next to the code' },
    verificationCode: { type: 'string', pattern: '^\\d{3}$', description: 'the code the browser shows; the person compares both' },
    expiresAt: { type: 'string', format: 'date-time' },
  },
};

const decisionPayload = {
  type: 'object',
  required: ['requestId', 'verificationCode', 'service', 'decision', 'unlocked', 'at'],
  properties: {
    requestId: { type: 'string' },
    verificationCode: { type: 'string', description: 'as fetched' },
    service: { type: 'string', description: 'as fetched' },
    decision: { enum: ['confirm', 'refuse'] },
    unlocked: { type: 'boolean', description: 'the person unlocked the device (pattern, fingerprint…) to answer; required true to confirm' },
    at: { type: 'string', format: 'date-time', description: 'when the person answered, ISO 8601 UTC (e.g. 2026-05-01T10:00:00.000Z); within devices.clockSkewSeconds of the broker clock' },
  },
};

const CANONICAL = [
  'The decision is signed with the device key, in addition to the signed call: `signature` is base64url of the ECDSA P-256 / SHA-256 signature (IEEE P1363, r || s, 64 bytes)',
  'over the UTF-8 bytes of JSON.stringify of the six members in exactly this order, without whitespace:',
  '`{"requestId":…,"verificationCode":…,"service":…,"decision":"confirm"|"refuse","unlocked":true|false,"at":…}`',
  '(strings escaped as JSON.stringify does; other characters, such as "ó", as themselves).',
  'The broker checks that signature with the calling device\'s key, that code and service equal the request\'s (422 mismatch), that a confirmation has unlocked true (422 not-unlocked),',
  'that the request is still pending (409 decided, 410 expired) and takes the first decision only.',
].join(' ');

export function movilAppPaths(publicUrl: string): Record<string, unknown> {
  const servers = [{ url: publicUrl.replace(/\/+$/, '') }];
  return {
    '/connectors/movil/app/requests/{id}': {
      servers,
      get: {
        operationId: 'getMovilLoginRequest',
        summary: 'A Cl@ve Móvil login request: service and verification code',
        description: 'A request from a QR code is bound to the person of the first device that fetches it; a request sent after the person typed their DNI/NIE can be fetched only by their device. Another person\'s request is answered 404.',
        security: [{ deviceSignature: [] }],
        parameters: [REQUEST_ID],
        responses: {
          '200': { description: 'the pending request', content: { 'application/json': { schema: loginRequest } } },
          '401': errorResponse('signed call refused'),
          '404': errorResponse('no such request for this device'),
          '409': errorResponse('already answered'),
          '410': errorResponse('expired or replaced by a newer request'),
          '429': errorResponse('cooling-down: the person refused too many requests lately'),
        },
      },
    },
    '/connectors/movil/app/requests/{id}/decision': {
      servers,
      post: {
        operationId: 'postMovilDecision',
        summary: 'Confirm or refuse a Cl@ve Móvil login request',
        description: CANONICAL,
        security: [{ deviceSignature: [] }],
        parameters: [REQUEST_ID],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'object', required: ['decision', 'signature'], properties: { decision: decisionPayload, signature: { type: 'string', pattern: '^[A-Za-z0-9_-]{86}$' } } } } },
        },
        responses: {
          '200': { description: 'taken', content: { 'application/json': { schema: { type: 'object', required: ['status'], properties: { status: { enum: ['confirmed', 'refused'] } } } } } },
          '400': errorResponse('malformed body, or `at` too far from the broker clock'),
          '401': errorResponse('signed call or decision signature refused (decision-signature-invalid)'),
          '404': errorResponse('no such request for this device, or a QR request not fetched first'),
          '409': errorResponse('already answered'),
          '410': errorResponse('expired or replaced by a newer request'),
          '422': errorResponse('mismatch (code or service) or not-unlocked'),
        },
      },
    },
  };
}
