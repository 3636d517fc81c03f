// The app API's bodies and answers as zod schemas: the router validates with them and the OpenAPI
// document is generated from them (openapi.ts), so the two cannot drift apart.
import { z } from 'zod';

const document = z.string().min(1).max(20).describe('DNI or NIE, e.g. 12345678Z or X1234567L (spaces, dots and dashes ignored)');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const errorBody = z.object({
  error: z.string().describe('stable code: invalid, rate-limited, signature-missing, signature-invalid, device-unknown, timestamp-stale, nonce-replayed, invalid-key, invalid-push-address, invalid-label, proof-invalid, challenge-unknown, code-invalid, not-found'),
  message: z.string().describe('what went wrong, for the developer'),
});

export const smsCodeRequest = z
  .object({
    document,
    documentDate: isoDate.optional().describe('DNI: validity date (issue date of a permanent DNI), yyyy-mm-dd'),
    supportNumber: z.string().max(12).optional().describe('NIE: the support number printed on the card, e.g. E12345678'),
  })
  .describe('the same identity and contrast data as a Cl@ve PIN request');

export const accepted = z.object({
  status: z.literal('accepted'),
  message: z.string().describe('the same answer whether or not the data name a registered person'),
});

export const challenge = z.object({
  challenge: z.string().describe('43 base64url characters; single use'),
  expiresInSeconds: z.number().int(),
});

export const pushAddress = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('webhook'), url: z.string().max(2048).describe('https URL the broker POSTs each push notice to (JSON {deviceId, messageId, kind, at, text})') }),
  z.object({ kind: z.literal('token'), token: z.string().max(4096).describe('push-service token, handed to the broker\'s push gateway') }),
]);

export const activationRequest = z.object({
  document,
  code: z.string().min(1).max(20).describe('the 6-digit activation code received by SMS or from a registrar'),
  challenge: z.string().max(64).describe('from POST /activation/challenge'),
  publicKeyPem: z.string().max(1024).describe('the new device key: ECDSA P-256, SPKI PEM ("-----BEGIN PUBLIC KEY-----")'),
  pushAddress,
  label: z.string().max(60).describe('how the person names the device'),
  proof: z
    .string()
    .max(100)
    .describe('base64url ECDSA P-256/SHA-256 signature (IEEE P1363, r||s) with the new key over the UTF-8 bytes of "pasarela-device-activation\\n{document, normalised}\\n{code}\\n{challenge}"'),
});

export const deviceView = z.object({
  deviceId: z.string().describe('uuid: the X-Device-Id of every signed call'),
  label: z.string(),
  status: z.enum(['active', 'deactivated']),
  pushKind: z.enum(['webhook', 'token']),
  activatedAt: z.string().describe('ISO 8601'),
  lastSeenAt: z.string().nullable().describe('ISO 8601, to the minute'),
});

export const appMessage = z.object({
  id: z.string(),
  kind: z.enum(['pin', 'login-request', 'device-replaced']),
  at: z.string().describe('ISO 8601'),
  data: z.record(z.string(), z.string()).describe('pin: {pin, expiresAt, service}; login-request: the request id; device-replaced: {replacedBy}'),
});

export const inbox = z.object({ messages: z.array(appMessage).describe('oldest first; fetched messages leave the inbox') });
