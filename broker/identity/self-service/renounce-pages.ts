// The renunciation pages (seed 000 §2.6.2): the data linked to Cl@ve (DNI/NIE, names, mobile and
// e-mail), the conditions to read and accept, then a one-time code sent by SMS to the registered
// mobile (a stolen session alone cannot renounce); with the right code everything is revoked at
// once (renounce.ts), the data shown again and the proof offered as a PDF. The proof waits an hour
// in the ephemeral store behind an unguessable link: nothing of the person remains to log in
// with afterwards, so it is downloaded from this page.
import express, { Router, type Request, type Response } from 'express';
import { randomBytes, randomInt } from 'node:crypto';
import type { BrokerServices } from '../../services.js';
import { html } from '../../web/html.js';
import { createOneTimeCodes } from '../../flow/one-time-codes.js';
import { revokedSessionsFor } from '../../flow/revoked-sessions.js';
import type { Person } from '../person.js';
import { accountOf } from './require-account.js';
import { ACCOUNT_COOKIE, carriesAccountCsrf, endAccountSession } from './session.js';
import { renounce, type Renounced } from './renounce.js';
import { renunciationProofPdf } from './renunciation-proof.js';
import { maskEmail, maskMobile } from './overview.js';

const HOUR = 3_600_000;
const PROOF_TTL_MS = HOUR;
const PROOF_TOKEN = /^[A-Za-z0-9_-]{32}$/;
const proofKey = (token: string) => `renunciation-proof:${token}`;

/** `pages` need a self-service session; `proofOnly` (the PDF's download) cannot have one any more */
export function renounceRouters(services: BrokerServices): { pages: Router; proofOnly: Router } {
  const router = Router();
  const proofOnly = Router();
  const { pages, config: cfg } = services;
  const pin = cfg.connectors.pin;
  const codes = createOneTimeCodes(services.ephemeral, { namespace: 'renounce-code', validityMs: pin.validitySeconds * 1000, maxAttempts: pin.maxAttempts, now: services.now, normalise: (s) => s.replace(/\s+/g, '') });
  const revoked = revokedSessionsFor(cfg, services.ephemeral);
  const form = express.urlencoded({ extended: false, limit: '1kb', parameterLimit: 5 });

  const data = (res: Response, person: Person) => {
    const t = (k: string) => pages.t(res, k);
    return html`<dl>
<dt>${t('account.document')}</dt><dd>${person.documentNumber ?? person.eidasPersonIdentifier ?? '—'}</dd>
<dt>${t('account.name')}</dt><dd>${person.givenName} ${person.firstSurname}${person.secondSurname ? ` ${person.secondSurname}` : ''}</dd>
<dt>${t('account.mobile')}</dt><dd>${maskMobile(person.mobile)}</dd>
<dt>${t('account.email')}</dt><dd>${maskEmail(person.email)}</dd>
</dl>`;
  };

  function start(req: Request, res: Response, errorKey?: string, status = 200) {
    const { person, login } = accountOf(res);
    const t = (k: string) => pages.t(res, k);
    if (!person.mobile) {
      return pages.send(req, res, { status: 409, title: t('account.renounce'), body: html`<p class="error" role="alert">${t('account.renounce.noMobile')}</p><p><a href="/account/">${t('account.back')}</a></p>` });
    }
    pages.send(req, res, {
      status,
      title: t('account.renounce'),
      body: html`${errorKey ? html`<p class="error" role="alert">${t(errorKey)}</p>` : ''}
${data(res, person)}
<h2>${t('account.renounce.conditions.title')}</h2>
<p id="conditions">${t('account.renounce.conditions')}</p>
<form method="post" action="/account/renounce/code">
<input type="hidden" name="csrf" value="${login.csrfToken}">
<p><input type="checkbox" id="accepted" name="accepted" value="yes" required aria-describedby="conditions"> <label class="inline" for="accepted">${t('account.renounce.accept')}</label></p>
<div class="actions"><button type="submit">${t('account.renounce.sendCode')}</button> <a href="/account/">${t('account.back')}</a></div>
</form>`,
    });
  }

  function codePage(req: Request, res: Response, errorKey?: string, status = 200) {
    const { login } = accountOf(res);
    const t = (k: string) => pages.t(res, k);
    res.set('Cache-Control', 'no-store');
    pages.send(req, res, {
      status,
      title: t('account.renounce'),
      body: html`${errorKey ? html`<p class="error" role="alert">${t(errorKey)}</p>` : html`<p role="status">${t('account.renounce.codeSent')}</p>`}
<form method="post" action="/account/renounce">
<input type="hidden" name="csrf" value="${login.csrfToken}">
<label for="code">${t('account.renounce.code')}</label>
<input type="text" id="code" name="code" required inputmode="numeric" autocomplete="one-time-code" maxlength="12">
<div class="actions"><button type="submit">${t('account.renounce.confirm')}</button> <a href="/account/">${t('account.back')}</a></div>
</form>`,
    });
  }

  router.get('/renounce', (req, res) => start(req, res));

  router.post('/renounce/code', form, async (req, res) => {
    const { person, login } = accountOf(res);
    if (!carriesAccountCsrf(req, login)) return start(req, res, 'account.csrf', 403);
    if (req.body?.accepted !== 'yes') return start(req, res, 'account.renounce.mustAccept', 422);
    if (!person.mobile) return start(req, res);
    if (!(await services.rateLimit.hit(`renounce-code:person:${person.id}`, pin.requestsPerPersonPerHour, HOUR))) return start(req, res, 'account.renounce.rateLimited', 429);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await codes.issue(person.id, person.id, code);
    await services.notify.send({ channel: 'sms', to: person.mobile, text: pages.t(res, 'account.renounce.sms', { code }), code });
    codePage(req, res);
  });

  router.post('/renounce', form, async (req, res) => {
    const { person, login } = accountOf(res);
    if (!carriesAccountCsrf(req, login)) return codePage(req, res, 'account.csrf', 403);
    const typed = typeof req.body?.code === 'string' ? req.body.code : '';
    const check = await codes.check(person.id, typed);
    if (check.outcome === 'wrong') return codePage(req, res, 'account.renounce.wrongCode', 422);
    if (check.outcome !== 'ok' || check.personId !== person.id) return start(req, res, 'account.renounce.codeVoided', 422);
    const renounced = await renounce({ db: services.db, accounts: services.credentials.accounts, revoked, now: services.now }, person);
    if (!renounced) return start(req, res, 'account.gone', 409);
    const reference = randomBytes(9).toString('base64url').toUpperCase();
    await services.audit.record({ actor: `person:${person.id}`, action: 'person.renounced', subject: person.id, ip: req.ip, detail: { reference, method: login.method, permanenteCancelled: renounced.permanenteCancelled, devicesDeactivated: renounced.devicesDeactivated } });
    const token = randomBytes(24).toString('base64url');
    const pdf = await renunciationProofPdf(proofText(services, res, renounced, reference), renounced);
    await services.ephemeral.set(proofKey(token), Buffer.from(pdf).toString('base64'), PROOF_TTL_MS);
    await endAccountSession(req);
    res.clearCookie(ACCOUNT_COOKIE, { path: '/account' });
    const t = (k: string) => pages.t(res, k);
    pages.send(req, res, {
      title: t('account.renounce.done.title'),
      body: html`<p class="notice" role="status">${t('account.renounce.done')}</p>
${data(res, person)}
<p>${t('account.renounce.reference')} <strong>${reference}</strong></p>
<div class="actions"><a class="button" id="proof" href="/account/renunciation/${token}">${t('account.renounce.proof')}</a></div>`,
    });
  });

  proofOnly.get('/renunciation/:token', async (req, res) => {
    const token = req.params.token;
    const stored = PROOF_TOKEN.test(token) ? await services.ephemeral.get(proofKey(token)) : null;
    if (!stored) {
      return pages.send(req, res, { status: 404, title: pages.t(res, 'account.renounce.proof'), body: html`<p class="error" role="alert">${pages.t(res, 'account.renounce.proofGone')}</p>` });
    }
    res.set('Cache-Control', 'no-store');
    res.type('application/pdf').attachment('renuncia-clave.pdf').send(Buffer.from(stored, 'base64'));
  });
  return { pages: router, proofOnly };
}

function proofText(services: BrokerServices, res: Response, renounced: Renounced, reference: string) {
  const t = (k: string, vars?: Record<string, string>) => services.pages.t(res, k, vars);
  const { person } = renounced;
  const days = String(services.config.retention.renouncedPersonDays);
  return {
    title: t('account.renounce.pdf.title'),
    lines: [
      t('account.renounce.pdf.intro'),
      `${t('account.document')}: ${person.documentNumber ?? person.eidasPersonIdentifier ?? '—'}`,
      `${t('account.name')}: ${person.givenName} ${person.firstSurname}${person.secondSurname ? ` ${person.secondSurname}` : ''}`,
      `${t('account.mobile')}: ${person.mobile ?? '—'}`,
      `${t('account.email')}: ${person.email ?? '—'}`,
      `${t('account.renounce.pdf.at')}: ${renounced.at.toISOString().replace('T', ' ').slice(0, 19)} UTC`,
      `${t('account.renounce.reference')} ${reference}`,
      t('account.renounce.pdf.revoked'),
      t('account.renounce.pdf.retention', { days }),
    ],
  };
}
