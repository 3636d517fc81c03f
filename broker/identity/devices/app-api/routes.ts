// The app API's routes (issue 4), /api/app/v1: activation (unsigned: it is how a key gets
// registered), then the person's device and the inbox, each a signed call. Rate limits: SMS codes
// per person and per IP, activation attempts per IP; uniform answers never tell whether a
// document belongs to a registered person.
import type { Response } from 'express';
import type { BrokerServices } from '../../../services.js';
import type { ContrastData } from '../../person.js';
import type { Device } from '../model.js';
import type { DeviceActivation } from '../activation.js';
import type { DeviceInbox } from '../inbox.js';
import { isValidDocument, isValidSupportNumber, isIsoDate, normaliseDocument, normaliseSupportNumber } from '../../documents.js';
import { DeviceError } from '../device-error.js';
import { appRoute, type AppRoute } from './route.js';
import * as s from './schemas.js';

const HOUR = 3_600_000;

export function deviceView(d: Device) {
  return {
    deviceId: d.id,
    label: d.label,
    status: d.status,
    pushKind: d.pushAddress.kind,
    activatedAt: d.activatedAt.toISOString(),
    lastSeenAt: d.lastSeenAt ? d.lastSeenAt.toISOString() : null,
  };
}

function contrastOf(body: { documentDate?: string | undefined; supportNumber?: string | undefined }): ContrastData | undefined {
  if (body.documentDate && isIsoDate(body.documentDate)) return { documentDate: body.documentDate };
  if (body.supportNumber && isValidSupportNumber(body.supportNumber)) return { supportNumber: normaliseSupportNumber(body.supportNumber) };
  return undefined;
}

export function appApiRoutes(services: BrokerServices, activation: DeviceActivation, inbox: DeviceInbox): AppRoute[] {
  const d = services.config.devices;
  const t = (res: Response) => (key: string, vars?: Record<string, string>) => services.pages.t(res, key, vars);
  const within = async (key: string, limit: number) => {
    if (!(await services.rateLimit.hit(key, limit, HOUR))) throw new DeviceError('rate-limited', 'too many activation requests; try again later');
  };

  return [
    appRoute({
      method: 'post',
      path: '/activation/sms-code',
      summary: 'Ask for an activation code by SMS',
      description: 'Sends a 6-digit code to the mobile registered for the person, when the document and its date (DNI) or support number (NIE) match an active registration. The answer is the same either way.',
      signed: false,
      body: s.smsCodeRequest,
      status: 202,
      response: s.accepted,
      async handle({ body, req, res }) {
        const documentNumber = normaliseDocument(body.document);
        const contrast = contrastOf(body);
        if (!isValidDocument(documentNumber) || !contrast) throw new DeviceError('invalid', 'document must be a valid DNI/NIE, with documentDate (yyyy-mm-dd) or supportNumber');
        await within(`device-code:ip:${req.ip ?? 'unknown'}`, d.activationRequestsPerIpPerHour);
        await within(`device-code:doc:${documentNumber}`, d.activationRequestsPerPersonPerHour);
        await activation.requestSmsCode(documentNumber, contrast, t(res), req.ip);
        return { status: 'accepted', message: 'if the data belong to a registered person with a mobile phone, an activation code was sent by SMS' };
      },
    }),
    appRoute({
      method: 'post',
      path: '/activation/challenge',
      summary: 'A fresh challenge for the proof of key possession',
      signed: false,
      status: 201,
      response: s.challenge,
      handle: () => activation.newChallenge(),
    }),
    appRoute({
      method: 'post',
      path: '/activation',
      summary: 'Activate this device',
      description:
        'Binds the device key and push address to the person of the activation code (from SMS, or from a registrar: `pasarela registrar device-activation`, which stands in for activation with a qualified certificate until the broker validates certificates). The person\'s previous device, if any, is deactivated and they are told by SMS, e-mail and a notice to that device. Wrong codes count: 5 void the code.',
      signed: false,
      body: s.activationRequest,
      status: 201,
      response: s.deviceView,
      async handle({ body, req, res }) {
        await within(`device-activation:ip:${req.ip ?? 'unknown'}`, d.activationRequestsPerIpPerHour * d.activationCodeMaxAttempts);
        const device = await activation.complete({ ...body, documentNumber: normaliseDocument(body.document) }, t(res), req.ip);
        return deviceView(device);
      },
    }),
    appRoute({
      method: 'get',
      path: '/device',
      summary: "The person's active device (this one)",
      signed: true,
      status: 200,
      response: s.deviceView,
      handle: async ({ device }) => deviceView(device!),
    }),
    appRoute({
      method: 'delete',
      path: '/device',
      summary: 'Deactivate this device',
      description: 'After this, every signed call from the device is refused; activating again needs a new code.',
      signed: true,
      status: 200,
      response: s.deviceView,
      async handle({ device, req }) {
        const removed = await services.devices.remove(device!.personId, device!.id);
        if (!removed) throw new DeviceError('device-unknown', 'this device is no longer active');
        await services.audit.record({ actor: 'person', action: 'device.removed', subject: removed.personId, ip: req.ip, detail: { device: removed.id } });
        return deviceView(removed);
      },
    }),
    appRoute({
      method: 'get',
      path: '/inbox',
      summary: 'Messages not fetched yet (PINs, login requests, notices)',
      description: 'Every push also waits here; fetching removes the messages, and tells the broker the app has them (a PIN fetched here is not sent by SMS as well).',
      signed: true,
      status: 200,
      response: s.inbox,
      handle: async ({ device }) => ({ messages: await inbox.takeAll(device!.id) }),
    }),
  ];
}
