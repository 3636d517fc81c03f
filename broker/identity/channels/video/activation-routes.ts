// Step 4 of seed 002: the activation link of the e-mail and the activation code read out at the
// interview together let the person choose their keys: Cl@ve Permanente with a password and a
// one-time code (SMS when a mobile is on file, authenticator app, e-mail), or the password only,
// with the seed's warning that most services do not accept it. The password rules, history and
// hashing are the Permanente connector's (acceptNewPassword), the app enrolment its TOTP module.
// A mobile stated on the request form was never proved to be the person's: before any key is set
// up, a code sent by SMS to it must come back (../mobile-proof.ts), so nobody activates an
// account whose SMS codes reach a stranger's phone. Without a mobile on file nothing is asked.
import express, { type Request, type Response } from 'express';
import { html, raw } from '../../../web/html.js';
import { activationCodeMatches } from '../../activation-code.js';
import type { Person } from '../../person.js';
import { acceptNewPassword, type NewPasswordProblem } from '../../../../connectors/permanente/new-password.js';
import { newPasswordFields } from '../../../../connectors/permanente/pages.js';
import { newTotpSecret, totpQrSvg, totpUri, verifyTotp } from '../../../../connectors/permanente/totp.js';
import { maskPhone } from '../../../../connectors/permanente/manage.js';
import { createMobileProof } from '../mobile-proof.js';
import { hashLinkToken } from './secrets.js';
import { field } from './request-form.js';
import { codeForm, csrfField, endNotice, notices, sendPage, translator, VIDEO, type Notice, type T } from './pages.js';
import type { VideoContext } from './context.js';
import type { VideoRequest } from './requests.js';
import type { VideoVisit } from './visit.js';

const HOUR = 3_600_000;
type Key = 'sms' | 'totp' | 'email' | 'password';

export function mountActivationRoutes(router: express.Router, vc: VideoContext): void {
  const { services, requests, visits, cfg } = vc;
  const { pages, credentials, audit } = services;
  const permanente = services.config.connectors.permanente;
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });
  const mobileProof = createMobileProof({ namespace: 'video-mobile', ephemeral: services.ephemeral, notify: services.notify, rateLimit: services.rateLimit, now: services.now });
  const keysFor = (person: Person): Key[] => [...permanente.secondFactors.filter((f) => f !== 'sms' || !!person.mobile), 'password'];

  const codePage = (req: Request, res: Response, csrf: string, token: string, notice?: Notice, status?: number) =>
    sendPage(pages, req, res, 'video.activate.title', codeForm(translator(pages, res), csrf, `${VIDEO}/activate/${encodeURIComponent(token)}`, 'video.activate.intro', 'video.activationCode', 'video.securityCode.hint', notice), status ?? (notice ? 422 : 200));

  /** the approved request and person of this visit's proved activation, else a page saying to use the link */
  async function activationOf(req: Request, res: Response, visit: VideoVisit, states: readonly VideoRequest['state'][] = ['approved']): Promise<{ request: VideoRequest; person: Person } | undefined> {
    const a = visit.activation;
    const request = a ? await requests.byId(a.requestId) : undefined;
    const person = a ? await services.identity.findById(a.personId) : undefined;
    if (request && person && states.includes(request.state) && request.personId === person.id && person.status === 'active') return { request, person };
    refuse(req, res);
    return undefined;
  }

  function refuse(req: Request, res: Response): void {
    sendPage(pages, req, res, 'video.activate.title', endNotice(translator(pages, res), 'video.activate.wrong'), 403);
  }

  function choosePage(req: Request, res: Response, t: T, csrf: string, person: Person, chosen = '', problems: readonly NewPasswordProblem[] = [], notice?: Notice): void {
    const label = (k: Key) => t(`video.key.${k}`, { mobile: person.mobile ? maskPhone(person.mobile) : '', email: person.email ?? '' });
    sendPage(pages, req, res, 'video.activate.title', html`${notices(t, [notice])}
<form method="post" action="${VIDEO}/activate">
${csrfField(csrf)}
<fieldset class="choices"><legend>${t('video.activate.choose')}</legend>
<p class="hint">${t('video.activate.chooseIntro')}</p>
${keysFor(person).map((k) => html`<label><input type="radio" name="key" value="${k}" required${chosen === k ? html` checked` : ''}${k === 'password' ? html` aria-describedby="password-warning"` : ''}> ${label(k)}</label>`)}
<p class="hint" id="password-warning"><strong>${t('video.key.password.warning')}</strong></p>
</fieldset>
${newPasswordFields(t, services.config, problems)}
<div class="actions"><button type="submit">${t('video.activate.submit')}</button></div>
</form>`, problems.length || notice ? 422 : 200);
  }

  /** whether the keys may be chosen: no mobile on file, or the one on file proved in this visit */
  const mobileSettled = (visit: VideoVisit, person: Person) => !person.mobile || visit.activation?.mobileProved === true;

  function mobilePage(req: Request, res: Response, csrf: string, person: Person, step: 'send' | 'code', notice?: Notice, status?: number): void {
    const t = translator(pages, res);
    const mobile = maskPhone(person.mobile ?? '');
    res.set('Cache-Control', 'no-store');
    const body = step === 'send'
      ? html`${notices(t, [notice])}
<p>${t('video.mobile.intro', { mobile })}</p>
<form method="post" action="${VIDEO}/activate/mobile">
${csrfField(csrf)}
<div class="actions"><button type="submit">${t('video.mobile.send')}</button></div>
</form>`
      : html`${notices(t, [notice])}
${notice ? '' : html`<p role="status">${t('video.mobile.sent', { mobile })}</p>`}
<form method="post" action="${VIDEO}/activate/mobile/code">
${csrfField(csrf)}
<label for="code">${t('video.mobile.code')}</label>
<input type="text" id="code" name="code" required inputmode="numeric" autocomplete="one-time-code" maxlength="12">
<div class="actions"><button type="submit">${t('video.continue')}</button></div>
</form>`;
    sendPage(pages, req, res, 'video.mobile.title', body, status ?? (notice ? 422 : 200));
  }

  router.get('/activate', async (req, res) => {
    const visit = await visits.open(req, res);
    const found = await activationOf(req, res, visit);
    if (!found) return;
    if (!mobileSettled(visit, found.person)) return mobilePage(req, res, visit.csrf, found.person, 'send');
    choosePage(req, res, translator(pages, res), visit.csrf, found.person);
  });

  router.post('/activate', form, async (req, res) => {
    const visit = await visits.forForm(req);
    const found = await activationOf(req, res, visit);
    if (!found) return;
    const { request, person } = found;
    if (!mobileSettled(visit, person)) return mobilePage(req, res, visit.csrf, person, 'send', { key: 'video.mobile.first' }, 409);
    const t = translator(pages, res);
    const key = field(req.body, 'key') as Key;
    if (!keysFor(person).includes(key)) return choosePage(req, res, t, visit.csrf, person, '', [], { key: 'video.key.choose' });
    const result = await acceptNewPassword(services.config, credentials, person, field(req.body, 'newPassword'), field(req.body, 'repeatPassword'));
    if (!result.ok) return choosePage(req, res, t, visit.csrf, person, key, result.problems);
    if (!(await requests.markActivated(request.id, services.now()))) return void sendPage(pages, req, res, 'video.activate.title', endNotice(t, 'video.activate.wrong'), 409);
    await credentials.accounts.setPassword(person.id, result.hash, services.now(), permanente.passwordHistory);
    // 'sms' and 'password' leave the same account: the connector has no "no second factor" (SMS
    // is enrolled wherever a mobile is on file, for every way of registering), so "password only"
    // is the seed's advice not to set up a code, recorded in the audit entry below; what a login
    // reaches is decided by the level the service asks for and the factors enrolled, not by it
    if (key === 'email') {
      await credentials.accounts.setEmailCodes(person.id, true);
      await credentials.accounts.setSecondFactor(person.id, 'email');
    }
    await audit.record({ actor: `person:${person.id}`, action: 'permanente.activated', subject: person.id, ip: req.ip, detail: { channel: 'video', key } });
    if (key === 'totp') {
      // a fresh visit (new cookie, full lifetime): the password is set now, and the app step must
      // not inherit a visit about to expire while the person fetches their phone
      await visits.renew(res, visit, { activation: { ...visit.activation!, totpDraft: credentials.secrets.seal(newTotpSecret()) } }, { restart: true });
      return void res.redirect(303, `${VIDEO}/activate/app`);
    }
    await visits.end(res, visit);
    donePage(req, res, t, request);
  });

  async function appPage(req: Request, res: Response, visit: VideoVisit, person: Person, notice?: Notice): Promise<void> {
    const t = translator(pages, res);
    const secret = credentials.secrets.open(visit.activation!.totpDraft!);
    const uri = totpUri(secret, person.documentNumber ?? person.givenName, permanente.totpIssuer);
    sendPage(pages, req, res, 'video.activate.app', html`${notices(t, [notice])}
<p>${t('video.activate.appIntro')}</p>
<figure class="qr">${raw(await totpQrSvg(uri))}</figure>
<p>${t('video.activate.appSecret')} <code id="totp-secret">${secret.replace(/(.{4})/g, '$1 ').trim()}</code></p>
<form method="post" action="${VIDEO}/activate/app">
${csrfField(visit.csrf)}
<label for="code">${t('video.activate.appCode')}</label>
<input type="text" id="code" name="code" required inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*" maxlength="8">
<div class="actions"><button type="submit">${t('video.activate.submit')}</button></div>
</form>`, notice ? 422 : 200);
  }

  /**
   * The app step without its visit (expired, or another browser): the activation link is spent
   * once the password is set, so the way on is the account page, not the link again.
   */
  function appExpired(req: Request, res: Response): void {
    const t = translator(pages, res);
    sendPage(pages, req, res, 'video.activate.app', html`${notices(t, [{ key: 'video.activate.appExpired' }])}
<p>${t('video.activate.appExpiredNext')}</p>
<p><a href="/connectors/permanente/account">${t('permanente.account.link')}</a></p>
<p><a href="${VIDEO}">${t('video.title')}</a></p>`, 403);
  }

  router.get('/activate/app', async (req, res) => {
    const visit = await visits.open(req, res);
    if (!visit.activation?.totpDraft) return appExpired(req, res);
    const found = await activationOf(req, res, visit, ['activated']);
    if (found) await appPage(req, res, visit, found.person);
  });

  router.post('/activate/app', form, async (req, res) => {
    if (!(await visits.peek(req))?.activation?.totpDraft) return appExpired(req, res);
    const visit = await visits.forForm(req);
    if (!visit.activation?.totpDraft) return appExpired(req, res);
    const found = await activationOf(req, res, visit, ['activated']);
    if (!found) return;
    const { request, person } = found;
    const secret = credentials.secrets.open(visit.activation.totpDraft);
    const check = await verifyTotp(secret, field(req.body, 'code'), services.now(), null);
    if (!check.ok) return appPage(req, res, visit, person, { key: 'video.activate.appWrong' });
    await credentials.accounts.enrolTotp(person.id, visit.activation.totpDraft);
    await credentials.accounts.useTotpStep(person.id, check.timeStep);
    await credentials.accounts.setSecondFactor(person.id, 'totp');
    await audit.record({ actor: `person:${person.id}`, action: 'permanente.totp.enrolled', subject: person.id, ip: req.ip, detail: { channel: 'video' } });
    await visits.end(res, visit);
    donePage(req, res, translator(pages, res), request);
  });

  function donePage(req: Request, res: Response, t: T, request: VideoRequest): void {
    sendPage(pages, req, res, 'video.activate.title', html`<p class="notice" role="status" id="activated">${t('video.activate.done')}</p>
${request.grantedLevel === 'basic' ? html`<p>${t('video.activate.doneBasic')}</p>` : ''}
<p><a href="/connectors/permanente/account">${t('permanente.account.link')}</a></p>`);
  }

  router.post('/activate/mobile', form, async (req, res) => {
    const visit = await visits.forForm(req);
    const found = await activationOf(req, res, visit);
    if (!found) return;
    const { request, person } = found;
    if (mobileSettled(visit, person)) return void res.redirect(303, `${VIDEO}/activate`);
    const t = translator(pages, res);
    const sent = await mobileProof.send(request.id, person.mobile!, { person: person.id, ip: req.ip ?? 'unknown' }, (code) => t('video.mobile.sms', { code }));
    if (!sent) return mobilePage(req, res, visit.csrf, person, 'send', { key: 'video.mobile.rateLimited' }, 429);
    mobilePage(req, res, visit.csrf, person, 'code');
  });

  router.post('/activate/mobile/code', form, async (req, res) => {
    const visit = await visits.forForm(req);
    const found = await activationOf(req, res, visit);
    if (!found) return;
    const { request, person } = found;
    if (mobileSettled(visit, person)) return void res.redirect(303, `${VIDEO}/activate`);
    const proof = await mobileProof.check(request.id, person.mobile!, field(req.body, 'code'));
    if (proof.outcome === 'wrong') return mobilePage(req, res, visit.csrf, person, 'code', { key: 'video.mobile.wrong', vars: { left: String(proof.attemptsLeft) } });
    if (proof.outcome === 'voided') return mobilePage(req, res, visit.csrf, person, 'send', { key: 'video.mobile.voided' });
    await audit.record({ actor: `person:${person.id}`, action: 'video.activation.mobile-proved', subject: person.id, ip: req.ip, detail: { request: request.id } });
    await visits.save({ ...visit, activation: { ...visit.activation!, mobileProved: true } });
    res.redirect(303, `${VIDEO}/activate`);
  });

  // after /activate/app and /activate/mobile, which this one would otherwise swallow
  router.get('/activate/:token', async (req, res) => {
    const visit = await visits.open(req, res);
    codePage(req, res, visit.csrf, req.params.token);
  });

  router.post('/activate/:token', form, async (req, res) => {
    const visit = await visits.forForm(req);
    if (!(await services.rateLimit.hit(`video-activation:ip:${req.ip ?? 'unknown'}`, 10 * cfg.activationMaxWrong, HOUR))) return codePage(req, res, visit.csrf, req.params.token, { key: 'video.rateLimited' }, 429);
    const hash = hashLinkToken('activation-link', req.params.token);
    const request = hash ? await requests.byActivationLinkHash(hash) : undefined;
    const account = request?.personId ? await credentials.accounts.find(request.personId) : undefined;
    const right = activationCodeMatches(field(req.body, 'code'), account?.activationCodeHash ?? null);
    const usable = !!request && request.state === 'approved' && !!request.activationExpiresAt && request.activationExpiresAt > services.now() && account?.state === 'pending';
    if (!request || !usable) return codePage(req, res, visit.csrf, req.params.token, { key: 'video.activate.wrong' });
    if (request.wrongCodes >= cfg.activationMaxWrong) return codePage(req, res, visit.csrf, req.params.token, { key: 'video.activate.locked' }, 403);
    if (!right) {
      const wrong = await requests.countWrongCode(request.id);
      await audit.record({ actor: 'anonymous', action: 'video.activation-code.refused', subject: request.personId ?? undefined, ip: req.ip, detail: { request: request.id, wrong } });
      return codePage(req, res, visit.csrf, req.params.token, { key: wrong >= cfg.activationMaxWrong ? 'video.activate.locked' : 'video.activate.wrong' }, wrong >= cfg.activationMaxWrong ? 403 : 422);
    }
    await visits.renew(res, visit, { activation: { requestId: request.id, personId: request.personId! } });
    res.redirect(303, `${VIDEO}/activate`);
  });
}
