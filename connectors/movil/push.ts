// Tells the person's device about a login request (AppMessage 'login-request', seed 000 §3.2 step
// 4: "click the notification or open the app") through broker/notify, which keeps it in the
// device's inbox and sends a notice to its push address. The message carries only the request id;
// the app fetches the service and verification code with a signed call. Not awaited: the
// browser's answer must take the same time whether or not a push was sent (uniform answers).
import type { Response } from 'express';
import type { ConnectorContext } from '../connector.js';
import type { Device } from '../../broker/identity/devices/model.js';
import type { LoginRequest } from './login-request.js';

export function pushLoginRequest(ctx: ConnectorContext, res: Response, device: Device, request: LoginRequest): void {
  const text = ctx.pages.t(res, 'movil.push.text', { service: request.service });
  ctx.notify.push(device.id, { kind: 'login-request', data: { requestId: request.id }, text }).catch((err: unknown) => {
    ctx.log.error({ device: device.id, err: (err as Error).message }, 'Cl@ve Móvil push failed');
  });
}
