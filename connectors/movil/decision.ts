// The app's decision on a login request, signed with the device key (issue 4: "a signature over
// {request id, verification code, service, decision}"), on top of the signature of the HTTP call
// itself. The call's signature proves which device sent the request; this one binds the person's
// answer to what their screen showed, and to the unlock the app attests.
//
// Canonical bytes — the UTF-8 bytes of JSON.stringify of exactly these six members, in this order,
// without whitespace:
//   {"requestId":"<id>","verificationCode":"<3 digits>","service":"<service name as fetched>",
//    "decision":"confirm"|"refuse","unlocked":true|false,"at":"<ISO 8601 UTC instant>"}
// e.g. {"requestId":"q1…","verificationCode":"042","service":"Agencia Tributaria","decision":"confirm","unlocked":true,"at":"2026-05-01T10:00:00.000Z"}
// Strings are escaped as JSON.stringify escapes them (\" \\ \u00XX for control characters; all
// other characters, "ó" included, as themselves). The signature is ECDSA P-256 with SHA-256 in
// IEEE P1363 form (r || s, 64 bytes), base64url, as the signed calls' (devices/model.ts).
export type AppDecision = 'confirm' | 'refuse';

export interface DecisionPayload {
  readonly requestId: string;
  readonly verificationCode: string;
  readonly service: string;
  readonly decision: AppDecision;
  readonly unlocked: boolean;
  readonly at: string;
}

export interface SignedDecision {
  readonly payload: DecisionPayload;
  readonly signature: string;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const B64URL = /^[A-Za-z0-9_-]{40,200}$/;

export function canonicalDecisionBytes(p: DecisionPayload): Buffer {
  const ordered = { requestId: p.requestId, verificationCode: p.verificationCode, service: p.service, decision: p.decision, unlocked: p.unlocked, at: p.at };
  return Buffer.from(JSON.stringify(ordered), 'utf8');
}

/** the body of POST …/decision: `{ decision: {six members}, signature }`; undefined when malformed */
export function readSignedDecision(body: unknown): SignedDecision | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { decision, signature } = body as Record<string, unknown>;
  if (typeof decision !== 'object' || decision === null || typeof signature !== 'string' || !B64URL.test(signature)) return undefined;
  const d = decision as Record<string, unknown>;
  const strings = [d.requestId, d.verificationCode, d.service, d.at];
  if (!strings.every((s) => typeof s === 'string' && s.length <= 256)) return undefined;
  if (d.decision !== 'confirm' && d.decision !== 'refuse') return undefined;
  if (typeof d.unlocked !== 'boolean' || !ISO_INSTANT.test(d.at as string)) return undefined;
  return {
    payload: {
      requestId: d.requestId as string,
      verificationCode: d.verificationCode as string,
      service: d.service as string,
      decision: d.decision,
      unlocked: d.unlocked,
      at: d.at as string,
    },
    signature,
  };
}
