// The app's side of a login request (issue 4), JSON over signed calls (devices/signed-request.ts):
//   GET  /connectors/movil/app/requests/:id           the request: service, verification code, expiry
//   POST /connectors/movil/app/requests/:id/decision  the person's answer, signed again (decision.ts)
// A QR request is bound to the person of the first device that fetches it; a request pushed after
// a typed DNI/NIE may be fetched only by that person's device. A request that is not the caller's
// is answered as an unknown one. Answers: 200, or {error, message} with 400 (malformed), 401
// (signature), 404 (unknown), 409 (already answered), 410 (expired), 422 (code or service does
// not match, confirmation without unlock), 429 (the person is cooling down after refusals).
import type { Request, Response, Router } from 'express';
import type { ConnectorContext } from '../connector.js';
import type { Device } from '../../broker/identity/devices/model.js';
import { requireDeviceSignature, verifyDeviceSignature } from '../../broker/identity/devices/signed-request.js';
import { readDevicePublicKey } from '../../broker/identity/devices/device-key.js';
import { constantEquals } from '../../broker/constant-equals.js';
import { isPendingAt, isRequestId, type LoginRequest } from './login-request.js';
import type { LoginRequests } from './login-requests.js';
import type { PushLimits } from './push-limits.js';
import { canonicalDecisionBytes, readSignedDecision } from './decision.js';

export type AppApiError = 'invalid' | 'decision-signature-invalid' | 'not-found' | 'decided' | 'expired' | 'mismatch' | 'not-unlocked' | 'cooling-down';

const STATUS: Record<AppApiError, number> = {
  invalid: 400, 'decision-signature-invalid': 401, 'not-found': 404, decided: 409, expired: 410, mismatch: 422, 'not-unlocked': 422, 'cooling-down': 429,
};

function refuse(res: Response, error: AppApiError, message: string): void {
  res.status(STATUS[error]).json({ error, message });
}

export function appView(r: LoginRequest) {
  return { requestId: r.id, service: r.service, verificationCode: r.verificationCode, expiresAt: new Date(r.expiresAt).toISOString() };
}

export function mountAppApi(router: Router, ctx: ConnectorContext, requests: LoginRequests, limits: PushLimits): void {
  const signed = requireDeviceSignature({ devices: ctx.devices, ephemeral: ctx.ephemeral, now: ctx.now, clockSkewSeconds: ctx.config.devices.clockSkewSeconds });
  const skewMs = ctx.config.devices.clockSkewSeconds * 1000;

  /** the caller's pending request, or the refusal already sent */
  async function callersRequest(req: Request, res: Response, device: Device): Promise<LoginRequest | undefined> {
    const id = req.params.id;
    const request = isRequestId(id) ? await requests.get(id) : undefined;
    const theirs = request && (request.personId === null ? request.mode === 'qr' : request.personId === device.personId);
    if (!request || !theirs) return void refuse(res, 'not-found', 'no such login request for this device');
    if (request.status !== 'pending') return void refuse(res, request.status === 'expired' ? 'expired' : 'decided', 'the login request has already been answered or replaced');
    if (!isPendingAt(request, ctx.now())) return void refuse(res, 'expired', 'the login request has expired');
    return request;
  }

  router.get('/app/requests/:id', signed, async (req: Request, res: Response) => {
    const device = res.locals.device as Device;
    let request = await callersRequest(req, res, device);
    if (!request) return;
    if (request.personId === null) {
      if (await limits.coolingDown(device.personId)) return refuse(res, 'cooling-down', 'too many refused requests; try again later');
      request = await requests.bind(request, device.personId, device.id);
      if (!request) return refuse(res, 'not-found', 'no such login request for this device');
    }
    res.json(appView(request));
  });

  router.post('/app/requests/:id/decision', signed, async (req: Request, res: Response) => {
    const device = res.locals.device as Device;
    const answer = readSignedDecision(res.locals.body);
    if (!answer || answer.payload.requestId !== req.params.id) {
      return refuse(res, 'invalid', 'expected {"decision":{requestId, verificationCode, service, decision, unlocked, at}, "signature"} for this request');
    }
    const request = await callersRequest(req, res, device);
    if (!request) return;
    // a QR request must have been fetched (and so bound) by this device before it is answered
    if (request.personId === null) return refuse(res, 'not-found', 'no such login request for this device');
    const { payload, signature } = answer;
    if (!verifyDeviceSignature(readDevicePublicKey(device.publicKeyPem), canonicalDecisionBytes(payload), signature)) {
      return refuse(res, 'decision-signature-invalid', 'the decision signature does not verify with this device key');
    }
    if (Math.abs(Date.parse(payload.at) - ctx.now().getTime()) > skewMs) return refuse(res, 'invalid', 'the decision time is too far from the broker clock');
    if (!constantEquals(payload.verificationCode, request.verificationCode) || payload.service !== request.service) {
      return refuse(res, 'mismatch', 'the verification code or the service differs from the login request');
    }
    if (payload.decision === 'confirm' && !payload.unlocked) return refuse(res, 'not-unlocked', 'a confirmation needs the device unlocked (unlocked: true)');
    const decided = await requests.decide(request, payload.decision === 'confirm' ? 'confirmed' : 'refused');
    if (!decided) return refuse(res, 'decided', 'the login request has already been answered or replaced');
    if (decided.status === 'refused') await limits.refused(device.personId);
    await ctx.audit.record({ actor: `person:${device.personId}`, action: `movil.login.${decided.status}`, subject: device.personId, ip: req.ip, detail: { device: device.id } });
    res.json({ status: decided.status });
  });
}
