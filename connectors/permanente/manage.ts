// Password management for a Permanente user (seed 000 §5.4, §5.7.5; seed 003): after the password,
// change it, cancel the user, enrol or remove an authenticator app, switch e-mail codes on or off,
// choose the factor offered first. Every change waits for a one-time code sent to the person's
// phone (or e-mail when they have no phone) before it happens (§5.7.5: "as confirmation of the
// operation"), and is audited.
import express, { type Request, type Response } from 'express';
import type { ConnectorContext } from '../connector.js';
import type { Person } from '../../broker/identity/person.js';
import type { PermanenteAccount, SecondFactor } from '../../broker/identity/permanente-accounts.js';
import { html, raw } from '../../broker/web/html.js';
import { checkPassword, passwordExpired } from './password-check.js';
import { acceptNewPassword, type NewPasswordProblem } from './new-password.js';
import { newTotpSecret, totpQrSvg, totpUri, verifyTotp } from './totp.js';
import type { AccountFlow, AccountFlows, PendingAction } from './account-flows.js';
import type { PermanenteCodes } from './codes.js';
import { enrolledFactors, field } from './login.js';
import { ACCOUNT, codeField, csrfField, documentField, newPasswordFields, notices, passwordField, sendPage, translator, type Notice } from './pages.js';

const HOUR = 3_600_000;
const FACTORS: readonly SecondFactor[] = ['sms', 'totp', 'email'];

export function mountManagement(router: express.Router, ctx: ConnectorContext, flows: AccountFlows, codes: PermanenteCodes): void {
  const opts = ctx.config.connectors.permanente;
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 12 });
  const codeKey = (flow: AccountFlow) => `manage:${flow.id}`;
  const confirmChannel = (person: Person) => (person.mobile ? 'sms' : 'email') as 'sms' | 'email';

  /** the person and account of a signed-in flow, or undefined (signed out, cancelled, suspended) */
  async function signedIn(flow: AccountFlow): Promise<{ person: Person; account: PermanenteAccount } | undefined> {
    if (!flow.personId) return undefined;
    const person = await ctx.identity.findById(flow.personId);
    const account = person ? await ctx.credentials.accounts.find(person.id) : undefined;
    return person && account && person.status === 'active' && account.state === 'active' ? { person, account } : undefined;
  }

  function loginPage(req: Request, res: Response, flow: AccountFlow, notice?: Notice, document = '', status?: number): void {
    const t = translator(ctx.pages, res);
    sendPage(ctx.pages, req, res, 'permanente.account.title', html`${notices(t, [notice])}
<p>${t('permanente.account.intro')}</p>
<form method="post" action="${ACCOUNT}/login">
${csrfField(flow.csrf)}
${documentField(t, document)}
${passwordField(t)}
<div class="actions"><button type="submit">${t('permanente.login.submit')}</button></div>
</form>
<ul class="links">
<li><a href="${ACCOUNT}/forgot">${t('permanente.link.forgot')}</a></li>
<li><a href="${ACCOUNT}/activate">${t('permanente.link.activate')}</a></li>
</ul>`, status ?? (notice && notice.kind !== 'info' ? 422 : 200));
  }

  function menuPage(req: Request, res: Response, flow: AccountFlow, who: { person: Person; account: PermanenteAccount }, notice?: Notice, problems: readonly NewPasswordProblem[] = [], status?: number): void {
    const t = translator(ctx.pages, res);
    const { person, account } = who;
    const enrolled = enrolledFactors(person, account);
    const expired = passwordExpired(ctx.config, account, ctx.now());
    const changed = account.passwordChangedAt?.toISOString().slice(0, 10) ?? '';
    const choose = FACTORS.filter((f) => enrolled.includes(f) && opts.secondFactors.includes(f));
    sendPage(ctx.pages, req, res, 'permanente.account.title', html`${notices(t, [notice, expired ? { key: 'permanente.account.expired' } : undefined])}
<p>${t('permanente.account.signedIn', { name: `${person.givenName} ${person.firstSurname}`, date: changed })}</p>
<section aria-labelledby="h-password"><h2 id="h-password">${t('permanente.account.changePassword')}</h2>
<form method="post" action="${ACCOUNT}/password">
${csrfField(flow.csrf)}
${newPasswordFields(t, ctx.config, problems)}
<div class="actions"><button type="submit">${t('permanente.account.changePassword.submit')}</button></div>
</form></section>
<section aria-labelledby="h-factors"><h2 id="h-factors">${t('permanente.account.factors')}</h2>
<ul>
<li>${t('permanente.factor.sms')}: ${person.mobile ? maskPhone(person.mobile) : t('permanente.account.none')}</li>
<li>${t('permanente.factor.totp')}: ${account.totpSecretSealed ? t('permanente.account.enrolled') : t('permanente.account.notEnrolled')}</li>
<li>${t('permanente.factor.email')}: ${account.emailCodes ? t('permanente.account.on') : t('permanente.account.off')}</li>
</ul>
${opts.secondFactors.includes('totp')
  ? account.totpSecretSealed
    ? html`<form method="post" action="${ACCOUNT}/totp/remove">${csrfField(flow.csrf)}<button type="submit" class="secondary">${t('permanente.account.totp.remove')}</button></form>`
    : html`<form method="get" action="${ACCOUNT}/totp"><button type="submit" class="secondary">${t('permanente.account.totp.enrol')}</button></form>`
  : ''}
${opts.secondFactors.includes('email') && person.email
  ? html`<form method="post" action="${ACCOUNT}/email-codes">${csrfField(flow.csrf)}<input type="hidden" name="enabled" value="${account.emailCodes ? '0' : '1'}"><button type="submit" class="secondary">${t(account.emailCodes ? 'permanente.account.email.off' : 'permanente.account.email.on', { email: person.email })}</button></form>`
  : ''}
${choose.length > 1
  ? html`<form method="post" action="${ACCOUNT}/second-factor">${csrfField(flow.csrf)}
<label for="factor">${t('permanente.account.preferred')}</label>
<select id="factor" name="factor">${choose.map((f) => html`<option value="${f}"${f === account.secondFactor ? raw(' selected') : ''}>${t(`permanente.factor.${f}`)}</option>`)}</select>
<div class="actions"><button type="submit" class="secondary">${t('permanente.account.preferred.submit')}</button></div></form>`
  : ''}
</section>
<section aria-labelledby="h-cancel"><h2 id="h-cancel">${t('permanente.account.cancel')}</h2>
<p>${t('permanente.account.cancel.intro')}</p>
<form method="post" action="${ACCOUNT}/cancel">${csrfField(flow.csrf)}
<input type="checkbox" id="understood" name="understood" value="1" required> <label for="understood" class="inline">${t('permanente.account.cancel.understood')}</label>
<div class="actions"><button type="submit" class="secondary">${t('permanente.account.cancel.submit')}</button></div></form>
</section>
<form method="post" action="${ACCOUNT}/logout">${csrfField(flow.csrf)}<button type="submit" class="secondary">${t('permanente.account.logout')}</button></form>`, status ?? (problems.length || (notice && notice.kind !== 'info') ? 422 : 200));
  }

  function confirmPage(req: Request, res: Response, flow: AccountFlow, channel: 'sms' | 'email', notice?: Notice, status?: number): void {
    const t = translator(ctx.pages, res);
    sendPage(ctx.pages, req, res, 'permanente.confirm.title', html`${notices(t, [notice])}
<p>${t(`permanente.confirm.${flow.pending!.kind}`)}</p>
<form method="post" action="${ACCOUNT}/confirm">
${csrfField(flow.csrf)}
${codeField(t, `permanente.code.label.${channel}`, 'permanente.code.hint')}
<div class="actions"><button type="submit">${t('permanente.confirm.submit')}</button></div>
</form>
<form method="post" action="${ACCOUNT}/confirm/resend">${csrfField(flow.csrf)}<button type="submit" class="secondary">${t('permanente.code.resend')}</button></form>
<form method="post" action="${ACCOUNT}/confirm/abandon">${csrfField(flow.csrf)}<button type="submit" class="secondary">${t('permanente.confirm.abandon')}</button></form>`, status ?? (notice && notice.kind !== 'info' ? 422 : 200));
  }

  /** stores the change and sends the code that confirms it */
  async function askConfirmation(req: Request, res: Response, flow: AccountFlow, person: Person, pending: PendingAction): Promise<void> {
    const next: AccountFlow = { ...flow, pending, totpDraft: undefined };
    await flows.save(next);
    const channel = confirmChannel(person);
    const sent = await codes.send(res, codeKey(next), person, channel, 'permanente.code.purpose.confirm', req.ip ?? 'unknown');
    if (sent !== 'sent') return confirmPage(req, res, next, channel, { key: `permanente.code.${sent}` }, 429);
    res.redirect(303, `${ACCOUNT}/confirm`);
  }

  async function apply(person: Person, pending: PendingAction, ip: string | undefined): Promise<{ notice: string; ended?: boolean }> {
    const accounts = ctx.credentials.accounts;
    const audit = (action: string, detail?: Record<string, string | boolean>) => ctx.audit.record({ actor: `person:${person.id}`, action, subject: person.id, ip, detail });
    switch (pending.kind) {
      case 'change-password':
        await accounts.setPassword(person.id, pending.passwordHash, ctx.now(), opts.passwordHistory);
        await audit('permanente.password.changed', { reason: 'person' });
        return { notice: 'permanente.done.change-password' };
      case 'cancel':
        await accounts.cancel(person.id);
        await audit('permanente.cancelled');
        return { notice: 'permanente.done.cancel', ended: true };
      case 'enrol-totp':
        await accounts.enrolTotp(person.id, pending.sealedSecret);
        // the code that proved the enrolment cannot then log in
        await accounts.useTotpStep(person.id, pending.timeStep);
        await audit('permanente.totp.enrolled');
        return { notice: 'permanente.done.enrol-totp' };
      case 'remove-totp':
        await accounts.removeTotp(person.id);
        await audit('permanente.totp.removed');
        return { notice: 'permanente.done.remove-totp' };
      case 'email-codes':
        await accounts.setEmailCodes(person.id, pending.enabled);
        await audit('permanente.email-codes', { enabled: pending.enabled });
        return { notice: pending.enabled ? 'permanente.done.email-on' : 'permanente.done.email-off' };
      case 'second-factor':
        if (!(await accounts.setSecondFactor(person.id, pending.factor))) return { notice: 'permanente.done.factor-unavailable' };
        await audit('permanente.second-factor.chosen', { factor: pending.factor });
        return { notice: 'permanente.done.second-factor' };
    }
  }

  /** runs `handler` for a signed-in flow's form; otherwise shows the sign-in page */
  function signedInForm(handler: (req: Request, res: Response, flow: AccountFlow, who: { person: Person; account: PermanenteAccount }) => Promise<void>) {
    return async (req: Request, res: Response) => {
      const flow = await flows.forForm(req);
      const who = await signedIn(flow);
      if (!who) return loginPage(req, res, flow, { key: 'permanente.account.signedOut' }, '', 401);
      await handler(req, res, flow, who);
    };
  }

  router.get('/account', async (req, res) => {
    const flow = await flows.open(req, res);
    const who = await signedIn(flow);
    if (!who) return loginPage(req, res, flow);
    menuPage(req, res, flow, who);
  });

  router.post('/account/login', form, async (req, res) => {
    const flow = await flows.forForm(req);
    const document = field(req.body, 'document').trim();
    if (!(await ctx.rateLimit.hit(`permanente-password:ip:${req.ip ?? 'unknown'}`, opts.passwordChecksPerIpPerHour, HOUR))) return loginPage(req, res, flow, { key: 'error.rate-limited' }, document, 429);
    const check = await checkPassword(ctx, document, field(req.body, 'password'), req.ip);
    if (check.outcome === 'wrong') return loginPage(req, res, flow, { key: 'permanente.error.wrong', vars: { max: String(opts.maxFailedAttempts) } }, document);
    if (check.outcome === 'blocked') return loginPage(req, res, flow, { key: 'permanente.error.blocked' }, document, 403);
    // a new flow: nothing from before the sign-in (cookie, token, pending change, app draft) carries over
    await flows.renew(res, flow, { personId: check.person.id });
    await ctx.audit.record({ actor: `person:${check.person.id}`, action: 'permanente.account.signed-in', subject: check.person.id, ip: req.ip });
    res.redirect(303, ACCOUNT);
  });

  router.post('/account/logout', form, async (req, res) => {
    const flow = await flows.forForm(req);
    if (flow.personId) await ctx.audit.record({ actor: `person:${flow.personId}`, action: 'permanente.account.signed-out', subject: flow.personId, ip: req.ip });
    await flows.end(res, flow);
    res.redirect(303, ACCOUNT);
  });

  router.post('/account/password', form, signedInForm(async (req, res, flow, who) => {
    const result = await acceptNewPassword(ctx.config, ctx.credentials, who.person, field(req.body, 'newPassword'), field(req.body, 'repeatPassword'));
    if (!result.ok) return menuPage(req, res, flow, who, undefined, result.problems);
    await askConfirmation(req, res, flow, who.person, { kind: 'change-password', passwordHash: result.hash });
  }));

  router.post('/account/cancel', form, signedInForm(async (req, res, flow, who) => {
    if (field(req.body, 'understood') !== '1') return menuPage(req, res, flow, who, { key: 'permanente.account.cancel.tick' });
    await askConfirmation(req, res, flow, who.person, { kind: 'cancel' });
  }));

  router.get('/account/totp', async (req, res) => {
    const flow = await flows.open(req, res);
    const who = await signedIn(flow);
    if (!who) return loginPage(req, res, flow);
    if (!opts.secondFactors.includes('totp')) return void res.redirect(303, ACCOUNT);
    const draft = flow.totpDraft ?? ctx.credentials.secrets.seal(newTotpSecret());
    if (!flow.totpDraft) await flows.save({ ...flow, totpDraft: draft });
    await totpPage(req, res, flow.csrf, who.person, ctx.credentials.secrets.open(draft));
  });

  async function totpPage(req: Request, res: Response, csrf: string, person: Person, secret: string, notice?: Notice): Promise<void> {
    const t = translator(ctx.pages, res);
    const uri = totpUri(secret, person.documentNumber ?? person.givenName, opts.totpIssuer);
    sendPage(ctx.pages, req, res, 'permanente.totp.title', html`${notices(t, [notice])}
<p>${t('permanente.totp.intro')}</p>
<figure class="qr">${raw(await totpQrSvg(uri))}<figcaption>${t('permanente.totp.qr')}</figcaption></figure>
<p>${t('permanente.totp.manual')} <code id="totp-secret">${secret.replace(/(.{4})/g, '$1 ').trim()}</code></p>
<form method="post" action="${ACCOUNT}/totp">
${csrfField(csrf)}
${codeField(t, 'permanente.code.label.totp', 'permanente.code.hint.totp')}
<div class="actions"><button type="submit">${t('permanente.totp.submit')}</button> <a href="${ACCOUNT}">${t('permanente.account.back')}</a></div>
</form>`, notice ? 422 : 200);
  }

  router.post('/account/totp', form, signedInForm(async (req, res, flow, who) => {
    if (!flow.totpDraft) return void res.redirect(303, `${ACCOUNT}/totp`);
    const secret = ctx.credentials.secrets.open(flow.totpDraft);
    const check = await verifyTotp(secret, field(req.body, 'code'), ctx.now(), null);
    if (!check.ok) {
      await ctx.audit.record({ actor: `person:${who.person.id}`, action: 'permanente.totp.enrol-code-refused', subject: who.person.id, ip: req.ip });
      return totpPage(req, res, flow.csrf, who.person, secret, { key: 'permanente.code.wrong' });
    }
    await askConfirmation(req, res, flow, who.person, { kind: 'enrol-totp', sealedSecret: flow.totpDraft, timeStep: check.timeStep });
  }));

  router.post('/account/totp/remove', form, signedInForm(async (req, res, flow, who) => {
    await askConfirmation(req, res, flow, who.person, { kind: 'remove-totp' });
  }));

  router.post('/account/email-codes', form, signedInForm(async (req, res, flow, who) => {
    const enabled = field(req.body, 'enabled') === '1';
    if (enabled && (!who.person.email || !opts.secondFactors.includes('email'))) return menuPage(req, res, flow, who, { key: 'permanente.done.factor-unavailable' });
    await askConfirmation(req, res, flow, who.person, { kind: 'email-codes', enabled });
  }));

  router.post('/account/second-factor', form, signedInForm(async (req, res, flow, who) => {
    const factor = field(req.body, 'factor') as SecondFactor;
    if (!enrolledFactors(who.person, who.account).includes(factor) || !opts.secondFactors.includes(factor)) return menuPage(req, res, flow, who, { key: 'permanente.done.factor-unavailable' });
    await askConfirmation(req, res, flow, who.person, { kind: 'second-factor', factor });
  }));

  router.get('/account/confirm', async (req, res) => {
    const flow = await flows.open(req, res);
    const who = await signedIn(flow);
    if (!who || !flow.pending) return void res.redirect(303, ACCOUNT);
    const channel = confirmChannel(who.person);
    confirmPage(req, res, flow, channel, { key: `permanente.code.sent.${channel}`, kind: 'info' });
  });

  router.post('/account/confirm/resend', form, signedInForm(async (req, res, flow, who) => {
    if (!flow.pending) return void res.redirect(303, ACCOUNT);
    const channel = confirmChannel(who.person);
    const sent = await codes.send(res, codeKey(flow), who.person, channel, 'permanente.code.purpose.confirm', req.ip ?? 'unknown');
    confirmPage(req, res, flow, channel, sent === 'sent' ? { key: `permanente.code.sent.${channel}`, kind: 'info' } : { key: `permanente.code.${sent}` }, sent === 'sent' ? 200 : 429);
  }));

  router.post('/account/confirm/abandon', form, signedInForm(async (req, res, flow, who) => {
    if (flow.pending) await ctx.audit.record({ actor: `person:${who.person.id}`, action: 'permanente.change.abandoned', subject: who.person.id, ip: req.ip, detail: { change: flow.pending.kind, by: 'person' } });
    await codes.discard(codeKey(flow));
    await flows.save({ ...flow, pending: undefined });
    res.redirect(303, ACCOUNT);
  }));

  router.post('/account/confirm', form, signedInForm(async (req, res, flow, who) => {
    if (!flow.pending) return void res.redirect(303, ACCOUNT);
    const channel = confirmChannel(who.person);
    const result = await codes.check(codeKey(flow), field(req.body, 'code'));
    if (result.outcome === 'wrong') {
      await ctx.audit.record({ actor: `person:${who.person.id}`, action: 'permanente.change.code-refused', subject: who.person.id, ip: req.ip, detail: { change: flow.pending.kind } });
      return confirmPage(req, res, flow, channel, { key: 'permanente.code.wrong' });
    }
    if (result.outcome !== 'ok' || result.personId !== who.person.id) {
      await flows.save({ ...flow, pending: undefined });
      await ctx.audit.record({ actor: `person:${who.person.id}`, action: 'permanente.change.abandoned', subject: who.person.id, ip: req.ip, detail: { change: flow.pending.kind } });
      return menuPage(req, res, { ...flow, pending: undefined }, who, { key: 'permanente.code.voided.change' });
    }
    const done = await apply(who.person, flow.pending, req.ip);
    if (done.ended) {
      await flows.end(res, flow);
      const t = translator(ctx.pages, res);
      return sendPage(ctx.pages, req, res, 'permanente.account.title', html`<p class="notice" role="status">${t(done.notice)}</p>`);
    }
    const next = { ...flow, pending: undefined };
    await flows.save(next);
    const fresh = await signedIn(next);
    if (!fresh) return loginPage(req, res, next);
    menuPage(req, res, next, fresh, { key: done.notice, kind: 'info' });
  }));
}

/** +34600000001 → +34 ••• ••• 001: enough to recognise one's own phone, not to learn it */
export function maskPhone(e164: string): string {
  return `${e164.slice(0, 3)} ••• ••• ${e164.slice(-3)}`;
}
