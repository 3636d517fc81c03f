// The procedures the seed reserves to a certificate or eID card (seed 000 §2.3.1 the mobile's
// "specially protected" change, §2.5 a higher registration level): the person presents a qualified
// certificate on the client-certificate host, with the certificate connector's single-use ticket
// and return proof (broker/pki/client-host/tickets.ts), bound to this self-service session. The
// certificate must name the person of the session (same DNI/NIE); the outcome is kept in the
// session for a few minutes as the proof the next form needs.
import { Router, type Request, type Response } from 'express';
import type { BrokerServices } from '../../services.js';
import { html } from '../../web/html.js';
import { certificateTicketsFor } from '../../pki/client-host/tickets.js';
import { clientHostUrl } from '../../pki/client-host/url.js';
import { rejectionBody } from '../../pki/client-host/router.js';
import { takeReturnedPresentation } from '../../pki/client-host/returned-presentation.js';
import { accountOf } from './require-account.js';

export type CertificatePurpose = 'mobile' | 'upgrade';
const PURPOSES: readonly CertificatePurpose[] = ['mobile', 'upgrade'];
/** how long a presented certificate stands for the form that follows it */
export const CERTIFICATE_PROOF_MS = 600_000;

export interface CertificateProof {
  readonly purpose: CertificatePurpose;
  /** epoch ms, broker clock */
  readonly at: number;
  readonly qualifiedDevice: boolean;
  readonly issuer: string;
  readonly serialNumber: string;
}

declare module 'express-session' {
  interface SessionData {
    certificateProof?: CertificateProof;
  }
}

/** the ticket's owner: this session and purpose (tickets carry a login transaction id elsewhere) */
const owner = (req: Request, purpose: CertificatePurpose) => `account:${req.sessionID}:${purpose}`;

/** the session's proof for `purpose`, while it is fresh */
export function certificateProofFor(services: BrokerServices, req: Request, purpose: CertificatePurpose): CertificateProof | undefined {
  const proof = req.session.certificateProof;
  return proof && proof.purpose === purpose && services.now().getTime() - proof.at < CERTIFICATE_PROOF_MS ? proof : undefined;
}

export function certificateStepRouter(services: BrokerServices, onProof: Record<CertificatePurpose, (req: Request, res: Response, proof: CertificateProof) => Promise<void>>): Router {
  const router = Router();
  const { pages, config: cfg } = services;
  const tickets = certificateTicketsFor(cfg, services.ephemeral);
  const presentUrl = `${clientHostUrl(cfg)}/certificate/present`;

  router.get('/certificate/:purpose', async (req, res) => {
    const purpose = PURPOSES.find((p) => p === req.params.purpose);
    if (!purpose) return void res.redirect(303, '/account/');
    const ticket = await tickets.issue({ tx: owner(req, purpose), returnPath: `/account/certificate/${purpose}/return` });
    const t = (k: string) => pages.t(res, k);
    pages.send(req, res, {
      title: t(`account.certificate.${purpose}.title`),
      body: html`<p>${t('account.certificate.intro')}</p>
<div class="actions"><a class="button" id="present" href="${presentUrl}?ticket=${ticket}">${t('account.certificate.present')}</a> <a href="/account/">${t('account.back')}</a></div>`,
    });
  });

  router.get('/certificate/:purpose/return', async (req, res) => {
    const purpose = PURPOSES.find((p) => p === req.params.purpose);
    const t = (k: string) => pages.t(res, k);
    const back = html`<div class="actions"><a class="button" href="/account/certificate/${purpose ?? 'mobile'}">${t('account.certificate.retry')}</a> <a href="/account/">${t('account.back')}</a></div>`;
    const returned = await takeReturnedPresentation(tickets, req.query, purpose && owner(req, purpose));
    if (!purpose || returned.kind === 'invalid') {
      return pages.send(req, res, { status: 400, title: t('account.certificate.title'), body: html`<p class="error" role="alert">${t('certificate.ticket.invalid')}</p>${back}` });
    }
    if (returned.kind === 'rejected') {
      return pages.send(req, res, { status: 403, title: t('certificate.rejected.title'), body: rejectionBody(t, returned.category, back) });
    }
    const { person } = accountOf(res);
    const { accepted } = returned;
    if (!person.documentNumber || accepted.holder.documentNumber !== person.documentNumber) {
      await services.audit.record({ actor: `person:${person.id}`, action: 'account.certificate.refused', subject: person.id, ip: req.ip, detail: { purpose, reason: 'other-person', issuer: accepted.issuer, serialNumber: accepted.serialNumber } });
      return pages.send(req, res, { status: 403, title: t('account.certificate.title'), body: html`<p class="error" role="alert">${t('account.certificate.otherPerson')}</p>${back}` });
    }
    const proof: CertificateProof = { purpose, at: services.now().getTime(), qualifiedDevice: accepted.qualifiedDevice, issuer: accepted.issuer, serialNumber: accepted.serialNumber };
    req.session.certificateProof = proof;
    await onProof[purpose](req, res, proof);
  });
  return router;
}
