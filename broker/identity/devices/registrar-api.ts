// The registrar's side of Cl@ve app devices, under /api/registrar (same bearer token as the rest
// of the registrar API): issue an app activation code for a person identified in person or with
// a certificate — it stands in for activation with a qualified certificate until the broker
// validates certificates (broker/pki, issue 5) — and see or remove the person's active device.
import { Router, type Response } from 'express';
import type { BrokerServices } from '../../services.js';
import { requireBearerToken } from '../../web/bearer-token.js';
import { IdentityError } from '../registry-db.js';
import { deviceActivationFor } from './setup.js';
import { deviceView } from './app-api/routes.js';

export function createRegistrarDevicesRouter(services: BrokerServices): Router {
  const router = Router();
  const activation = deviceActivationFor(services);
  const personOf = async (res: Response, documentNumber: string) => {
    const person = await services.identity.findByDocument(documentNumber);
    if (!person) res.status(404).json({ error: 'not-found', message: 'no person with this document number' });
    return person;
  };

  router.use('/persons/:documentNumber/device', requireBearerToken(services.config.api.registrarToken, 'registrar', 'registrar API'));
  router.use('/persons/:documentNumber/device-activation', requireBearerToken(services.config.api.registrarToken, 'registrar', 'registrar API'));

  router.post('/persons/:documentNumber/device-activation', async (req, res) => {
    try {
      const { person, code, expiresAt } = await activation.issueRegistrarCode(String(req.params.documentNumber), req.ip);
      res.status(201).json({ documentNumber: person.documentNumber, activationCode: code, expiresAt: expiresAt.toISOString() });
    } catch (err) {
      if (!(err instanceof IdentityError)) throw err;
      res.status(err.code === 'not-found' ? 404 : 409).json({ error: err.code, message: err.message });
    }
  });

  router.get('/persons/:documentNumber/device', async (req, res) => {
    const person = await personOf(res, String(req.params.documentNumber));
    if (!person) return;
    const device = await services.devices.activeDeviceOf(person.id);
    if (!device) return void res.status(404).json({ error: 'not-found', message: 'the person has no active Cl@ve app device' });
    res.json(deviceView(device));
  });

  router.delete('/persons/:documentNumber/device', async (req, res) => {
    const person = await personOf(res, String(req.params.documentNumber));
    if (!person) return;
    const device = await services.devices.activeDeviceOf(person.id);
    const removed = device && (await services.devices.remove(person.id, device.id));
    if (!removed) return void res.status(404).json({ error: 'not-found', message: 'the person has no active Cl@ve app device' });
    await services.audit.record({ actor: 'registrar', action: 'device.removed', subject: person.id, ip: req.ip, detail: { device: removed.id } });
    res.json(deviceView(removed));
  });
  return router;
}
