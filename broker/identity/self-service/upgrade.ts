// A higher registration level with a certificate or eID card (seed 000 §2.5): a qualified
// certificate naming the person proves them as strictly as the online advanced channel does, so
// a basic registration becomes advanced at once (certificate-step.ts did the checks).
import { Router, type Request, type Response } from 'express';
import type { BrokerServices } from '../../services.js';
import { html } from '../../web/html.js';
import { accountOf } from './require-account.js';
import type { CertificateProof } from './certificate-step.js';

export function upgradeRouter(services: BrokerServices): Router {
  const router = Router();
  const { pages } = services;
  router.get('/upgrade', (req, res) => {
    const { person } = accountOf(res);
    const t = (k: string) => pages.t(res, k);
    pages.send(req, res, {
      title: t('account.upgrade'),
      body: person.registrationLevel === 'advanced'
        ? html`<p role="status">${t('account.upgrade.already')}</p><p><a href="/account/">${t('account.back')}</a></p>`
        : html`<p>${t('account.upgrade.intro')}</p><div class="actions"><a class="button" href="/account/certificate/upgrade">${t('account.certificate.continue')}</a> <a href="/account/">${t('account.back')}</a></div>`,
    });
  });
  return router;
}

/** after the certificate: raise the level (idempotent for an advanced person) */
export async function raiseWithCertificate(services: BrokerServices, req: Request, res: Response, proof: CertificateProof): Promise<void> {
  const { person } = accountOf(res);
  const t = (k: string) => services.pages.t(res, k);
  delete req.session.certificateProof;
  if (person.registrationLevel === 'basic') {
    const raised = await services.identity.raiseToAdvanced(person.id);
    if (raised) await services.audit.record({ actor: `person:${person.id}`, action: 'person.level.raised', subject: person.id, ip: req.ip, detail: { channel: 'certificate', level: 'advanced', issuer: proof.issuer, serialNumber: proof.serialNumber } });
  }
  services.pages.send(req, res, { title: t('account.upgrade'), body: html`<p class="notice" role="status">${t('account.upgrade.done')}</p><p><a href="/account/">${t('account.back')}</a></p>` });
}
