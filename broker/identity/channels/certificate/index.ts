// Online registration with a qualified certificate or eID card → advanced (issue 9; seed 000 §1.2,
// §2.1, 001 §5 "online with a digital certificate or electronic ID"), pages under
// /register/certificate. The certificate is presented on the client-certificate host with the
// certificate connector's single-use ticket and return proof (broker/pki/client-host/tickets.ts),
// issued for this browser's visit (visit.ts); the holder is read and validated by broker/pki.
//
//  GET  /register/certificate/           the start: the link to the client-certificate host
//  GET  /register/certificate/return     the outcome: a known person raised, an unknown one's form
//  POST /register/certificate/complete   contrast data, mobile, e-mail, conditions → advanced
import express, { Router } from 'express';
import type { BrokerServices } from '../../../services.js';
import { html } from '../../../web/html.js';
import { certificateTicketsFor } from '../../../pki/client-host/tickets.js';
import { clientHostUrl } from '../../../pki/client-host/url.js';
import { rejectionBody } from '../../../pki/client-host/router.js';
import { takeReturnedPresentation } from '../../../pki/client-host/returned-presentation.js';
import { formField as field } from '../../../web/form-field.js';
import { documentTypeOf, isIsoDate, isValidSupportNumber } from '../../documents.js';
import { renewActivationCode } from '../../registration.js';
import { createCertificateVisits } from './visit.js';
import { raiseKnownHolder, registerHolder, type RegistrationOutcome } from './register.js';
import { renderEnd, renderForm, renderStart, type FormValues } from './pages.js';

const HOUR = 3_600_000;

export function createCertificateRegistrationRouter(services: BrokerServices): Router {
  const router = Router();
  const { pages, config: cfg } = services;
  const tickets = certificateTicketsFor(cfg, services.ephemeral);
  // a visit lasts as long as a login transaction: long enough to find the card reader and type
  const visits = createCertificateVisits(cfg, services.ephemeral, cfg.flow.transactionTtlSeconds * 1000, services.now);
  const presentUrl = `${clientHostUrl(cfg)}/certificate/present`;
  const form = express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 8 });
  const owner = (visitId: string) => `register:${visitId}`;
  const deps = { identity: services.identity, audit: services.audit };

  /** the ending of a raise or a registration */
  function ended(req: express.Request, res: express.Response, outcome: RegistrationOutcome, activationCode?: string): void {
    if (!outcome.ok) return renderEnd(pages, req, res, 403, 'registerCertificate.notActive');
    const t = (k: string) => pages.t(res, k);
    const code = activationCode
      ? html`<p>${t('registerCertificate.activationCode')}</p><p><strong id="activation-code">${activationCode}</strong></p><p>${t('account.activationCode.once')}</p>`
      : html``;
    if (activationCode) res.set('Cache-Control', 'no-store');
    renderEnd(pages, req, res, 200, `registerCertificate.${outcome.change}`, code);
  }

  router.get('/', async (req, res) => {
    // every start writes a visit and a ticket for anybody who asks: bounded per address, as the
    // presentations they lead to are
    if (!(await services.rateLimit.hit(`cert-registration:ip:${req.ip}`, cfg.connectors.certificate.presentationsPerIpPerHour, HOUR))) {
      return renderEnd(pages, req, res, 429, 'certificate.rateLimited');
    }
    const visit = await visits.open(req, res);
    const ticket = await tickets.issue({ tx: owner(visit.id), returnPath: '/register/certificate/return' });
    renderStart(pages, req, res, `${presentUrl}?ticket=${ticket}`);
  });

  router.get('/return', async (req, res) => {
    const visit = await visits.peek(req);
    // the visit cookie first: a ticket brought by another browser is refused before it is spent
    const returned = await takeReturnedPresentation(tickets, req.query, visit && owner(visit.id));
    if (!visit || returned.kind === 'invalid') return renderEnd(pages, req, res, 400, 'certificate.ticket.invalid');
    if (returned.kind === 'rejected') {
      const t = (k: string) => pages.t(res, k);
      return pages.send(req, res, { status: 403, title: t('certificate.rejected.title'), body: rejectionBody(t, returned.category, html`<p><a href="/register/certificate/">${t('registerCertificate.again')}</a></p>`) });
    }
    const { accepted } = returned;
    const presented = { holder: accepted.holder, issuer: accepted.issuer, serialNumber: accepted.serialNumber };
    const raised = await raiseKnownHolder(deps, presented, req.ip);
    if (raised) {
      await visits.end(res, visit);
      return ended(req, res, raised);
    }
    const renewed = await visits.renew(res, visit, { presented }, { restart: true });
    renderForm(pages, req, res, renewed.csrf, presented.holder);
  });

  router.post('/complete', form, async (req, res) => {
    const visit = await visits.formVisit(req);
    const presented = visit?.presented;
    if (!visit || !presented) return renderEnd(pages, req, res, 403, 'registerCertificate.expired');
    const isNie = documentTypeOf(presented.holder.documentNumber) === 'NIE';
    const values: FormValues = { documentDate: field(req.body, 'documentDate'), supportNumber: field(req.body, 'supportNumber'), mobile: field(req.body, 'mobile'), email: field(req.body, 'email') };
    const again = (errorKey: string, status: number) => renderForm(pages, req, res, visit.csrf, presented.holder, values, errorKey, status);
    const contrastOk = isNie ? isValidSupportNumber(values.supportNumber!) : isIsoDate(values.documentDate!);
    if (!contrastOk) return again('certificate.register.invalid', 422);
    if (field(req.body, 'accepted') !== 'yes') return again('account.mustAccept', 422);
    const outcome = await registerHolder(deps, presented, { contrast: isNie ? { supportNumber: values.supportNumber! } : { documentDate: values.documentDate! }, mobile: values.mobile!, email: values.email! }, req.ip);
    if (!outcome.ok && outcome.reason === 'mobile-taken') return again('account.mobile.taken', 409);
    if (!outcome.ok && outcome.reason === 'invalid') return again('registerCertificate.invalid', 422);
    await visits.end(res, visit);
    const code = outcome.ok && outcome.change === 'registered' && outcome.person.documentNumber
      ? (await renewActivationCode({ registry: services.identity, accounts: services.credentials.accounts, audit: services.audit, now: services.now }, outcome.person.documentNumber, req.ip, `person:${outcome.person.id}`)).activationCode
      : undefined;
    ended(req, res, outcome, code);
  });
  return router;
}
