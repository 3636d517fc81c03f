// The Permanente login inside a LoginTransaction (seed 000 §5.2): DNI/NIE and password; a forced
// change when the password expired; then, when the service needs more than the password's rung,
// the reinforced mode's one-time code by SMS, authenticator app or e-mail — among the factors
// the person enrolled and the service accepts (seed 003: "each service decides which keys it
// accepts"). The step reached is kept in the transaction's connector state, server-side.
import express, { type Request, type Response } from 'express';
import type { ConnectorContext } from '../connector.js';
import type { LoginTransaction } from '../../broker/flow/login-transaction.js';
import type { Person } from '../../broker/identity/person.js';
import type { PermanenteAccount, SecondFactor } from '../../broker/identity/permanente-accounts.js';
import { BrokerError } from '../../broker/errors.js';
import { html } from '../../broker/web/html.js';
import { checkPassword } from './password-check.js';
import { acceptNewPassword, type NewPasswordProblem } from './new-password.js';
import { acceptedFactors, modeFor, REINFORCED, NORMAL } from './modes.js';
import type { PermanenteCodes } from './codes.js';
import { verifyTotp } from './totp.js';
import { ACCOUNT, BASE, codeField, csrfField, documentField, newPasswordFields, notices, passwordField, sendPage, translator, type Notice } from './pages.js';

const HOUR = 3_600_000;

type LoginState =
  | { step: 'expired'; personId: string }
  | { step: 'second-factor'; personId: string; factor: SecondFactor; codeSent: boolean };

export function field(body: unknown, name: string): string {
  const v = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v : '';
}

/** The factors a person has: the phone (SMS), an enrolled app, e-mail codes they switched on. */
export function enrolledFactors(person: Person, account: PermanenteAccount): SecondFactor[] {
  const f: SecondFactor[] = [];
  if (person.mobile) f.push('sms');
  if (account.totpSecretSealed) f.push('totp');
  if (account.emailCodes && person.email) f.push('email');
  return f;
}

export function mountLogin(router: express.Router, ctx: ConnectorContext, codes: PermanenteCodes): void {
  const opts = ctx.config.connectors.permanente;
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });
  const ip = (req: Request) => req.ip ?? 'unknown';
  const stateOf = (tx: LoginTransaction) => tx.connectorState.permanente as LoginState | undefined;
  const codeKey = (tx: LoginTransaction, factor: SecondFactor) => `login:${tx.id}:${factor}`;
  const totpAttemptsKey = (tx: LoginTransaction) => `permanente-totp-attempts:${tx.id}`;

  function passwordPage(req: Request, res: Response, tx: LoginTransaction, notice?: Notice, document = '', status?: number): void {
    const t = translator(ctx.pages, res);
    sendPage(ctx.pages, req, res, 'permanente.title', html`${notices(t, [notice])}
<p>${t('permanente.login.intro')}</p>
<form method="post" action="${BASE}/${tx.id}/password">
${csrfField(tx.csrf)}
${documentField(t, document)}
${passwordField(t)}
<div class="actions"><button type="submit">${t('permanente.login.submit')}</button> <a href="/login/${tx.id}">${t('form.back')}</a></div>
</form>
<ul class="links">
<li><a href="${ACCOUNT}/forgot" target="_blank" rel="noopener">${t('permanente.link.forgot')}</a></li>
<li><a href="${ACCOUNT}/activate" target="_blank" rel="noopener">${t('permanente.link.activate')}</a></li>
</ul>`, status ?? (notice ? 422 : 200));
  }

  function expiredPage(req: Request, res: Response, tx: LoginTransaction, problems: readonly NewPasswordProblem[] = []): void {
    const t = translator(ctx.pages, res);
    sendPage(ctx.pages, req, res, 'permanente.expired.title', html`<p>${t('permanente.expired.intro', { years: String(Math.round(opts.passwordMaxAgeDays / 365)) })}</p>
<form method="post" action="${BASE}/${tx.id}/new-password">
${csrfField(tx.csrf)}
${newPasswordFields(t, ctx.config, problems)}
<div class="actions"><button type="submit">${t('permanente.newPassword.submit')}</button></div>
</form>`, problems.length ? 422 : 200);
  }

  function unreachablePage(req: Request, res: Response, tx: LoginTransaction, reasonKey: string, vars?: Record<string, string>): void {
    const t = translator(ctx.pages, res);
    sendPage(ctx.pages, req, res, 'permanente.unreachable.title', html`<p class="error" role="alert">${t(reasonKey, vars)}</p>
<p><a href="/login/${tx.id}">${t('form.back')}</a></p>`, 403);
  }

  async function personAndAccount(personId: string): Promise<{ person: Person; account: PermanenteAccount }> {
    const person = await ctx.identity.findById(personId);
    const account = person ? await ctx.credentials.accounts.find(person.id) : undefined;
    if (!person || !account || person.status !== 'active' || account.state !== 'active') throw new BrokerError('transaction-unknown', 'the account changed during the login');
    return { person, account };
  }

  async function sendLoginCode(res: Response, tx: LoginTransaction, person: Person, factor: SecondFactor, ipAddress: string): Promise<Notice | undefined> {
    if (factor === 'totp') return undefined;
    const outcome = await codes.send(res, codeKey(tx, factor), person, factor, 'permanente.code.purpose.login', ipAddress);
    if (outcome === 'sent') return { key: factor === 'sms' ? 'permanente.code.sent.sms' : 'permanente.code.sent.email', kind: 'info' };
    return { key: `permanente.code.${outcome}` };
  }

  /** after a right (and current) password: finish, or go on to the second factor, or explain */
  async function afterPassword(req: Request, res: Response, tx: LoginTransaction, person: Person, account: PermanenteAccount): Promise<void> {
    const mode = modeFor(ctx.config, tx, person.registrationLevel);
    if (mode.mode === 'normal') {
      await ctx.finish(req, res, tx, { subject: { personId: person.id }, method: NORMAL, loa: mode.rung, authnInstant: ctx.now() });
      return;
    }
    if (mode.mode === 'unreachable') {
      unreachablePage(req, res, tx, person.registrationLevel === 'basic' ? 'permanente.unreachable.basic' : 'permanente.unreachable.loa');
      return;
    }
    const accepted = acceptedFactors(ctx.config, tx);
    const usable = enrolledFactors(person, account).filter((f) => accepted.includes(f));
    if (!usable.length) {
      unreachablePage(req, res, tx, 'permanente.unreachable.factors', { factors: accepted.map((f) => ctx.pages.t(res, `permanente.factor.${f}`)).join(', ') });
      return;
    }
    const factor = usable.includes(account.secondFactor) ? account.secondFactor : usable[0]!;
    const notice = await sendLoginCode(res, tx, person, factor, ip(req));
    // a right password starts a new second-factor step: the app gets fresh tries, as a new SMS or
    // e-mail code does (after 5 wrong app codes the person is told to enter the password again)
    await ctx.ephemeral.del(totpAttemptsKey(tx));
    await ctx.saveState(tx, 'permanente', { step: 'second-factor', personId: person.id, factor, codeSent: factor === 'totp' || notice?.kind === 'info' } satisfies LoginState);
    if (notice && notice.kind !== 'info') {
      res.redirect(303, `${BASE}/${tx.id}/second-factor?problem=${encodeURIComponent(notice.key)}`);
      return;
    }
    res.redirect(303, `${BASE}/${tx.id}/second-factor`);
  }

  async function secondFactorPage(req: Request, res: Response, tx: LoginTransaction, state: Extract<LoginState, { step: 'second-factor' }>, notice?: Notice, status?: number): Promise<void> {
    const t = translator(ctx.pages, res);
    const { person, account } = await personAndAccount(state.personId);
    const accepted = acceptedFactors(ctx.config, tx);
    const enrolled = enrolledFactors(person, account);
    const others = (['sms', 'totp', 'email'] as const).filter((f) => f !== state.factor && (accepted.includes(f) || enrolled.includes(f)));
    const codeSent = state.factor === 'totp' || (state.codeSent && (await codes.hasLive(codeKey(tx, state.factor))));
    sendPage(ctx.pages, req, res, 'permanente.reinforced.title', html`${notices(t, [notice])}
<p>${t('permanente.reinforced.intro')}</p>
${codeSent
  ? html`<form method="post" action="${BASE}/${tx.id}/second-factor">
${csrfField(tx.csrf)}
${codeField(t, `permanente.code.label.${state.factor}`, state.factor === 'totp' ? 'permanente.code.hint.totp' : 'permanente.code.hint')}
<div class="actions"><button type="submit">${t('permanente.code.submit')}</button></div>
</form>`
  : ''}
${state.factor !== 'totp'
  ? html`<form method="post" action="${BASE}/${tx.id}/second-factor/send">${csrfField(tx.csrf)}<input type="hidden" name="factor" value="${state.factor}"><button type="submit" class="secondary">${t(codeSent ? 'permanente.code.resend' : 'permanente.code.send')}</button></form>`
  : ''}
${others.length
  ? html`<h2>${t('permanente.factor.others')}</h2><ul class="methods">${others.map((f) =>
      enrolled.includes(f) && accepted.includes(f)
        ? html`<li class="method"><form method="post" action="${BASE}/${tx.id}/second-factor/send">${csrfField(tx.csrf)}<input type="hidden" name="factor" value="${f}"><button type="submit" class="secondary">${t(`permanente.factor.use.${f}`)}</button></form></li>`
        : html`<li class="method greyed" aria-disabled="true"><p>${t(`permanente.factor.${f}`)}</p><p class="reason">${t(accepted.includes(f) ? 'permanente.factor.notEnrolled' : 'permanente.factor.notAccepted')}</p></li>`,
    )}</ul>`
  : ''}
<p><a href="/login/${tx.id}">${t('form.back')}</a></p>`, status ?? (notice && notice.kind !== 'info' ? 422 : 200));
  }

  router.get('/:tx', async (req, res) => {
    const tx = await ctx.loadTransaction(req);
    passwordPage(req, res, tx);
  });

  router.post('/:tx/password', form, async (req, res) => {
    const tx = await ctx.loadTransaction(req);
    ctx.checkCsrf(tx, req.body);
    const document = field(req.body, 'document').trim();
    if (!(await ctx.rateLimit.hit(`permanente-password:ip:${ip(req)}`, opts.passwordChecksPerIpPerHour, HOUR))) {
      passwordPage(req, res, tx, { key: 'error.rate-limited' }, document, 429);
      return;
    }
    // a new password check restarts the login: no earlier step survives it
    if (tx.connectorState.permanente) await ctx.saveState(tx, 'permanente', undefined);
    const check = await checkPassword(ctx, document, field(req.body, 'password'), req.ip);
    if (check.outcome === 'wrong') return passwordPage(req, res, tx, { key: 'permanente.error.wrong', vars: { max: String(opts.maxFailedAttempts) } }, document);
    if (check.outcome === 'blocked') return passwordPage(req, res, tx, { key: 'permanente.error.blocked' }, document, 403);
    await ctx.audit.record({ actor: `person:${check.person.id}`, action: 'permanente.login.password-ok', subject: check.person.id, ip: req.ip, detail: { sp: tx.sp.entityID } });
    if (check.expired) {
      await ctx.saveState(tx, 'permanente', { step: 'expired', personId: check.person.id } satisfies LoginState);
      res.redirect(303, `${BASE}/${tx.id}/new-password`);
      return;
    }
    await afterPassword(req, res, tx, check.person, check.account);
  });

  router.get('/:tx/new-password', async (req, res) => {
    const tx = await ctx.loadTransaction(req);
    if (stateOf(tx)?.step !== 'expired') return passwordPage(req, res, tx);
    expiredPage(req, res, tx);
  });

  router.post('/:tx/new-password', form, async (req, res) => {
    const tx = await ctx.loadTransaction(req);
    ctx.checkCsrf(tx, req.body);
    const state = stateOf(tx);
    if (state?.step !== 'expired') return passwordPage(req, res, tx);
    const { person } = await personAndAccount(state.personId);
    const result = await acceptNewPassword(ctx.config, ctx.credentials, person, field(req.body, 'newPassword'), field(req.body, 'repeatPassword'));
    if (!result.ok) return expiredPage(req, res, tx, result.problems);
    await ctx.credentials.accounts.setPassword(person.id, result.hash, ctx.now(), opts.passwordHistory);
    await ctx.audit.record({ actor: `person:${person.id}`, action: 'permanente.password.changed', subject: person.id, ip: req.ip, detail: { reason: 'expired' } });
    const fresh = await personAndAccount(person.id);
    await afterPassword(req, res, await ctx.saveState(tx, 'permanente', undefined), fresh.person, fresh.account);
  });

  router.get('/:tx/second-factor', async (req, res) => {
    const tx = await ctx.loadTransaction(req);
    const state = stateOf(tx);
    if (state?.step !== 'second-factor') return passwordPage(req, res, tx);
    const problem = typeof req.query.problem === 'string' && /^permanente\.code\.(rate-limited|no-address|failed)$/.test(req.query.problem) ? { key: req.query.problem } : undefined;
    const sent: Notice | undefined = state.codeSent && state.factor !== 'totp' ? { key: `permanente.code.sent.${state.factor}`, kind: 'info' } : undefined;
    await secondFactorPage(req, res, tx, state, problem ?? sent, problem?.key === 'permanente.code.rate-limited' ? 429 : undefined);
  });

  // (Re)send a code, or switch to another factor the person enrolled and the service accepts.
  router.post('/:tx/second-factor/send', form, async (req, res) => {
    const tx = await ctx.loadTransaction(req);
    ctx.checkCsrf(tx, req.body);
    const state = stateOf(tx);
    if (state?.step !== 'second-factor') return passwordPage(req, res, tx);
    const { person, account } = await personAndAccount(state.personId);
    const factor = field(req.body, 'factor') as SecondFactor;
    if (!enrolledFactors(person, account).includes(factor) || !acceptedFactors(ctx.config, tx).includes(factor)) {
      res.redirect(303, `${BASE}/${tx.id}/second-factor`);
      return;
    }
    const notice = await sendLoginCode(res, tx, person, factor, ip(req));
    const next = { ...state, factor, codeSent: factor === 'totp' || notice?.kind === 'info' };
    await secondFactorPage(req, res, await ctx.saveState(tx, 'permanente', next), next, notice, notice && notice.kind !== 'info' ? 429 : 200);
  });

  router.post('/:tx/second-factor', form, async (req, res) => {
    const tx = await ctx.loadTransaction(req);
    ctx.checkCsrf(tx, req.body);
    const state = stateOf(tx);
    if (state?.step !== 'second-factor') return passwordPage(req, res, tx);
    const typed = field(req.body, 'code');
    const { person, account } = await personAndAccount(state.personId);
    const ok = state.factor === 'totp' ? await checkTotp(tx, person, account, typed) : await checkSentCode(tx, state.factor, person, typed);
    if (ok === 'ok') {
      await ctx.audit.record({ actor: `person:${person.id}`, action: 'permanente.login.reinforced', subject: person.id, ip: req.ip, detail: { factor: state.factor, sp: tx.sp.entityID } });
      const mode = modeFor(ctx.config, tx, person.registrationLevel);
      if (mode.mode !== 'reinforced') throw new BrokerError('transaction-unknown', 'the login no longer needs the reinforced mode');
      await ctx.finish(req, res, tx, { subject: { personId: person.id }, method: REINFORCED, loa: mode.rung, authnInstant: ctx.now() });
      return;
    }
    await ctx.audit.record({ actor: 'anonymous', action: 'permanente.login.code-refused', subject: person.id, ip: req.ip, detail: { factor: state.factor, outcome: ok } });
    if (ok === 'voided') {
      // five wrong codes: this login's second factor is spent; the person starts again
      await ctx.saveState(tx, 'permanente', undefined);
      await codes.discard(codeKey(tx, state.factor));
      passwordPage(req, res, tx, { key: 'permanente.code.voided' }, person.documentNumber ?? '', 422);
      return;
    }
    if (ok === 'expired') {
      await secondFactorPage(req, res, await ctx.saveState(tx, 'permanente', { ...state, codeSent: false }), { ...state, codeSent: false }, { key: 'permanente.code.expired' });
      return;
    }
    await secondFactorPage(req, res, tx, state, { key: 'permanente.code.wrong' });
  });

  async function checkSentCode(tx: LoginTransaction, factor: SecondFactor, person: Person, typed: string): Promise<'ok' | 'wrong' | 'voided' | 'expired'> {
    const r = await codes.check(codeKey(tx, factor), typed);
    if (r.outcome === 'ok') return r.personId === person.id ? 'ok' : 'voided';
    return r.outcome;
  }

  async function checkTotp(tx: LoginTransaction, person: Person, account: PermanenteAccount, typed: string): Promise<'ok' | 'wrong' | 'voided'> {
    const attempts = await ctx.ephemeral.incr(totpAttemptsKey(tx), opts.codeValiditySeconds * 1000);
    if (attempts > opts.codeMaxAttempts) return 'voided';
    // per person too: a new login gives fresh tries, but guesses at one person's app stay few
    if (!(await ctx.rateLimit.hit(`permanente-totp:person:${person.id}`, opts.codeMaxAttempts * opts.codesPerPersonPerHour, HOUR))) return 'voided';
    const check = account.totpSecretSealed ? await verifyTotp(ctx.credentials.secrets.open(account.totpSecretSealed), typed, ctx.now(), account.totpLastStep) : { ok: false as const };
    // the step is taken atomically: of two logins racing with one code, only one gets it
    if (check.ok && (await ctx.credentials.accounts.useTotpStep(person.id, check.timeStep))) {
      await ctx.ephemeral.del(totpAttemptsKey(tx));
      return 'ok';
    }
    return attempts >= opts.codeMaxAttempts ? 'voided' : 'wrong';
  }
}
