// The client-certificate host's pages: the browser arrives with a ticket (a login) or on its own
// (device activation), presents its certificate in the TLS handshake (direct mode) or through the
// proxy (proxy mode), and the broker validates it against the trusted lists. Every outcome is
// audited with the precise detail; the person only ever sees the category's sentence.
//
//  GET  /certificate/present?ticket=…         validate, record the outcome in the ticket once,
//                                              back to the main host with the ticket and a proof
//  GET  /devices/activation/certificate       the holder and a form to get an app activation code
//  POST /devices/activation/certificate       the code, exactly as a registrar issues it
import express, { Router, type Request, type Response } from 'express';
import { randomBytes } from 'node:crypto';
import type { BrokerServices } from '../../services.js';
import { html, type SafeHtml } from '../../web/html.js';
import { CertificateRejected, type CertificateValidator, type RejectionCategory } from '../model.js';
import { deviceActivationFor } from '../../identity/devices/setup.js';
import type { PresentedSource } from './presented.js';
import type { CertificateTickets, PresentationOutcome } from './tickets.js';

const HOUR = 3_600_000;
const FORM_TTL_MS = 600_000;

export interface ClientHostDeps {
  readonly services: BrokerServices;
  readonly validator: CertificateValidator;
  readonly tickets: CertificateTickets;
  readonly source: PresentedSource;
}

/** Validates what the browser presented and audits the outcome (purpose: 'login' | 'device-activation'). */
export async function validatePresented(deps: ClientHostDeps, req: Request, purpose: string): Promise<PresentationOutcome> {
  const { services } = deps;
  const presented = deps.source(req);
  const audit = (detail: Record<string, unknown>) => services.audit.record({ actor: 'certificate', action: 'certificate.presented', ip: req.ip, detail: { purpose, ...detail } });
  if (!presented) {
    await audit({ outcome: 'rejected', category: 'none', detail: 'no client certificate presented' });
    return { rejected: { category: 'none' } };
  }
  try {
    const accepted = await deps.validator.validate(presented, services.now());
    await audit({ outcome: 'accepted', profile: accepted.profile, qualifiedDevice: accepted.qualifiedDevice, issuer: accepted.issuer, serialNumber: accepted.serialNumber, fingerprint256: accepted.fingerprint256 });
    return { accepted };
  } catch (err) {
    if (!(err instanceof CertificateRejected)) throw err;
    await audit({ outcome: 'rejected', category: err.category, detail: err.detail });
    return { rejected: { category: err.category } };
  }
}

/** "The certificate provided is not valid" + the category's sentence, and where to go from here. */
export function rejectionBody(t: (k: string) => string, category: RejectionCategory | 'none', actions: SafeHtml) {
  return html`<p class="error" role="alert">${t(`certificate.rejected.${category}`)}</p>
${actions}`;
}

export function clientHostRouter(deps: ClientHostDeps): Router {
  const { services } = deps;
  const { pages } = services;
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 5 });
  const activation = deviceActivationFor(services);
  const invalidTicket = (req: Request, res: Response) =>
    pages.send(req, res, { status: 400, title: pages.t(res, 'certificate.title'), body: html`<p class="error" role="alert">${pages.t(res, 'certificate.ticket.invalid')}</p>` });

  router.get('/certificate/present', async (req, res) => {
    const id = typeof req.query.ticket === 'string' ? req.query.ticket : '';
    const ticket = await deps.tickets.peek(id);
    if (!ticket) return invalidTicket(req, res);
    // every presentation costs OCSP/CRL calls: bounded per address like every code entry
    if (!(await services.rateLimit.hit(`cert-present:ip:${req.ip}`, services.config.connectors.certificate.presentationsPerIpPerHour, HOUR))) {
      return pages.send(req, res, { status: 429, title: pages.t(res, 'certificate.title'), body: html`<p class="error" role="alert">${pages.t(res, 'certificate.rateLimited')}</p>` });
    }
    const proof = await deps.tickets.present(id, await validatePresented(deps, req, 'login'));
    if (!proof) return invalidTicket(req, res);
    const back = new URL(ticket.returnPath, services.config.publicUrl);
    back.searchParams.set('ticket', id);
    back.searchParams.set('proof', proof);
    res.redirect(303, back.href);
  });

  const activationPage = (req: Request, res: Response, body: SafeHtml, status = 200) =>
    pages.send(req, res, { status, title: pages.t(res, 'certificate.activation.title'), body });

  /** the validated holder's active person, or a page saying why not */
  async function holderPerson(req: Request, res: Response) {
    const t = (k: string) => pages.t(res, k);
    if (!(await services.rateLimit.hit(`cert-activation:ip:${req.ip}`, services.config.devices.activationRequestsPerIpPerHour, HOUR))) {
      activationPage(req, res, html`<p class="error" role="alert">${t('certificate.activation.rateLimited')}</p>`, 429);
      return undefined;
    }
    const result = await validatePresented(deps, req, 'device-activation');
    if ('rejected' in result) {
      activationPage(req, res, html`<h2>${t('certificate.rejected.title')}</h2>${rejectionBody(t, result.rejected.category, html``)}`, 403);
      return undefined;
    }
    const person = await services.identity.findByDocument(result.accepted.holder.documentNumber);
    if (!person || person.status !== 'active') {
      activationPage(req, res, html`<p class="error" role="alert">${t('certificate.activation.unknown')}</p>`, 403);
      return undefined;
    }
    return { person, accepted: result.accepted };
  }

  router.get('/devices/activation/certificate', async (req, res) => {
    const found = await holderPerson(req, res);
    if (!found) return;
    const t = (k: string) => pages.t(res, k);
    // a one-time form token bound to this certificate: a page on another site cannot read it, so
    // cannot make the browser ask for codes
    const token = randomBytes(24).toString('base64url');
    await services.ephemeral.set(`cert-activation-form:${token}`, found.accepted.fingerprint256, FORM_TTL_MS);
    const { person } = found;
    activationPage(req, res, html`<p>${t('certificate.activation.intro')}</p>
<p>${t('certificate.activation.holder')} ${person.givenName} ${person.firstSurname}${person.secondSurname ? ` ${person.secondSurname}` : ''}</p>
<form method="post" action="/devices/activation/certificate">
<input type="hidden" name="token" value="${token}">
<div class="actions"><button type="submit">${t('certificate.activation.submit')}</button></div>
</form>`);
  });

  router.post('/devices/activation/certificate', form, async (req, res) => {
    const token = (req.body as Record<string, unknown>).token;
    const bound = typeof token === 'string' && /^[A-Za-z0-9_-]{32}$/.test(token) ? await services.ephemeral.take(`cert-activation-form:${token}`) : null;
    const found = await holderPerson(req, res);
    if (!found) return;
    if (bound !== found.accepted.fingerprint256) {
      activationPage(req, res, html`<p class="error" role="alert">${pages.t(res, 'certificate.activation.expired')}</p>`, 403);
      return;
    }
    const { code, expiresAt } = await activation.issueRegistrarCode(found.person.documentNumber!, req.ip, 'certificate');
    activationPage(req, res, html`<p class="notice" role="status">${pages.t(res, 'certificate.activation.code', { code, expires: expiresAt.toISOString().replace('T', ' ').slice(0, 16) + ' UTC' })}</p>`);
  });
  return router;
}
