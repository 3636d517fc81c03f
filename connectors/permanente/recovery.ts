// Activation and forgotten password (seed 000 §5.3.1, §5.4.2, §5.7.9): DNI/NIE (+ e-mail for
// activation) + activation code, behind a proof-of-work check against bots → a one-time code by
// SMS → a new password. More than activationMaxWrongCodes wrong activation codes block the code
// until the registrar issues a new one. Wrong data answer one message whatever was wrong; only
// someone who typed the person's DNI/NIE and e-mail learns that the code is blocked.
import express, { type Request, type Response } from 'express';
import type { ConnectorContext } from '../connector.js';
import type { Person } from '../../broker/identity/person.js';
import type { PermanenteAccount } from '../../broker/identity/permanente-accounts.js';
import { isValidDocument, normaliseDocument } from '../../broker/identity/documents.js';
import { activationCodeMatches } from '../../broker/identity/activation-code.js';
import { createProofOfWork } from '../../broker/web/anti-automation.js';
import { BASE_CSP } from '../../broker/web/security-headers.js';
import { html } from '../../broker/web/html.js';
import { acceptNewPassword, type NewPasswordProblem } from './new-password.js';
import type { AccountFlow, AccountFlows } from './account-flows.js';
import type { PermanenteCodes } from './codes.js';
import { field } from './login.js';
import { ACCOUNT, codeField, csrfField, documentField, newPasswordFields, notices, sendPage, translator, type Notice } from './pages.js';

const HOUR = 3_600_000;
type Purpose = 'activate' | 'forgot';

export function mountRecovery(router: express.Router, ctx: ConnectorContext, flows: AccountFlows, codes: PermanenteCodes): void {
  const opts = ctx.config.connectors.permanente;
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 12 });
  const pow = createProofOfWork(ctx.ephemeral, { difficultyBits: Math.max(opts.antiAutomationBits, 1), ttlMs: opts.accountSessionSeconds * 1000, now: ctx.now });
  const codeKey = (flow: AccountFlow) => `recovery:${flow.id}`;

  async function startPage(req: Request, res: Response, purpose: Purpose, notice?: Notice, values: { document?: string; email?: string } = {}, status?: number): Promise<void> {
    const flow = await flows.open(req, res);
    const t = translator(ctx.pages, res);
    const challenge = opts.antiAutomationBits > 0 ? await pow.issue() : undefined;
    // the proof-of-work script is the only script the broker serves, and only on these pages
    if (challenge) res.setHeader('Content-Security-Policy', `${BASE_CSP}; script-src 'self'`);
    sendPage(ctx.pages, req, res, `permanente.${purpose}.title`, html`${notices(t, [notice])}
<p>${t(`permanente.${purpose}.intro`)}</p>
<form method="post" action="${ACCOUNT}/${purpose}"${challenge ? html` data-pow-challenge="${challenge.id}" data-pow-bits="${challenge.difficultyBits}" data-pow-working-text="${t('permanente.antiAutomation.working')}"` : ''}>
${csrfField(flow.csrf)}
${documentField(t, values.document)}
<label for="email">${t('permanente.email')}</label>
<input type="email" id="email" name="email" required autocomplete="email" maxlength="200" value="${values.email ?? ''}">
<label for="activationCode">${t('permanente.activationCode')} <span class="hint" id="ac-hint">${t('permanente.activationCode.hint')}</span></label>
<input type="text" id="activationCode" name="activationCode" required autocomplete="off" spellcheck="false" maxlength="24" aria-describedby="ac-hint">
${challenge ? html`<input type="hidden" name="powChallenge" value="${challenge.id}"><input type="hidden" name="powNonce" value="">
<p class="hint" data-pow-status role="status"></p>
<noscript><p class="error">${t('permanente.antiAutomation.noscript')}</p></noscript>
<script src="/static/anti-automation.js" defer></script>` : ''}
<div class="actions"><button type="submit">${t('permanente.recovery.submit')}</button></div>
</form>`, status ?? (notice ? 422 : 200));
  }

  function codePage(req: Request, res: Response, flow: AccountFlow, notice?: Notice, status?: number): void {
    const t = translator(ctx.pages, res);
    sendPage(ctx.pages, req, res, `permanente.${flow.recovery!.purpose}.title`, html`${notices(t, [notice])}
<form method="post" action="${ACCOUNT}/recovery/code">
${csrfField(flow.csrf)}
${codeField(t, 'permanente.code.label.sms', 'permanente.code.hint')}
<div class="actions"><button type="submit">${t('permanente.code.submit')}</button></div>
</form>
<form method="post" action="${ACCOUNT}/recovery/resend">${csrfField(flow.csrf)}<button type="submit" class="secondary">${t('permanente.code.resend')}</button></form>`, status ?? (notice && notice.kind !== 'info' ? 422 : 200));
  }

  function passwordPage(req: Request, res: Response, flow: AccountFlow, problems: readonly NewPasswordProblem[] = []): void {
    const t = translator(ctx.pages, res);
    sendPage(ctx.pages, req, res, `permanente.${flow.recovery!.purpose}.title`, html`<form method="post" action="${ACCOUNT}/recovery/password">
${csrfField(flow.csrf)}
${newPasswordFields(t, ctx.config, problems)}
<div class="actions"><button type="submit">${t('permanente.newPassword.submit')}</button></div>
</form>`, problems.length ? 422 : 200);
  }

  type Verified = { ok: true; person: Person; account: PermanenteAccount } | { ok: false; key: string; status?: number };

  async function verify(purpose: Purpose, req: Request): Promise<Verified> {
    const body = req.body as unknown;
    if (opts.antiAutomationBits > 0 && !(await pow.redeem(field(body, 'powChallenge'), field(body, 'powNonce')))) {
      await ctx.audit.record({ actor: 'anonymous', action: `permanente.${purpose}.anti-automation-failed`, ip: req.ip });
      return { ok: false, key: 'permanente.antiAutomation.failed' };
    }
    if (!(await ctx.rateLimit.hit(`permanente-password:ip:${req.ip ?? 'unknown'}`, opts.passwordChecksPerIpPerHour, HOUR))) return { ok: false, key: 'error.rate-limited', status: 429 };
    const document = normaliseDocument(field(body, 'document'));
    const person = isValidDocument(document) ? await ctx.identity.findByDocument(document) : undefined;
    const account = person ? await ctx.credentials.accounts.find(person.id) : undefined;
    const codeRight = activationCodeMatches(field(body, 'activationCode'), account?.activationCodeHash ?? null);
    // the e-mail is asked for the forgotten password too (the seed asks only for the code): a wrong
    // code then counts toward the block only for someone who also knows the e-mail, so a stranger
    // knowing a DNI/NIE cannot block its activation code
    const emailRight = !!person?.email && person.email.toLowerCase() === field(body, 'email').trim().toLowerCase();
    const mismatch = { ok: false as const, key: 'permanente.recovery.mismatch' };
    if (!person || !account || person.status !== 'active' || account.state === 'cancelled' || !emailRight) {
      await ctx.audit.record({ actor: 'anonymous', action: `permanente.${purpose}.refused`, subject: person?.id, ip: req.ip });
      return mismatch;
    }
    if (account.activationBlocked) return { ok: false, key: 'permanente.recovery.blocked', status: 403 };
    if (!codeRight) {
      const { blocked } = await ctx.credentials.accounts.recordWrongActivationCode(person.id, opts.activationMaxWrongCodes, ctx.now());
      await ctx.audit.record({ actor: 'anonymous', action: blocked ? 'permanente.activation-code.blocked' : `permanente.${purpose}.refused`, subject: person.id, ip: req.ip });
      return blocked ? { ok: false, key: 'permanente.recovery.blocked', status: 403 } : mismatch;
    }
    if (purpose === 'activate' && account.state === 'active') return { ok: false, key: 'permanente.recovery.alreadyActive' };
    if (purpose === 'forgot' && account.state !== 'active') return { ok: false, key: 'permanente.recovery.notActive' };
    return { ok: true, person, account };
  }

  for (const purpose of ['activate', 'forgot'] as const) {
    router.get(`/account/${purpose}`, async (req, res) => startPage(req, res, purpose));
    router.post(`/account/${purpose}`, form, async (req, res) => {
      const flow = await flows.forForm(req);
      const values = { document: field(req.body, 'document').trim(), email: field(req.body, 'email').trim() };
      const result = await verify(purpose, req);
      if (!result.ok) return startPage(req, res, purpose, { key: result.key, vars: { max: String(opts.activationMaxWrongCodes) } }, values, result.status);
      const next: AccountFlow = { ...flow, personId: undefined, pending: undefined, recovery: { purpose, personId: result.person.id, codeConfirmed: false } };
      await flows.save(next);
      const sent = await codes.send(res, codeKey(next), result.person, 'sms', `permanente.code.purpose.${purpose}`, req.ip ?? 'unknown');
      await ctx.audit.record({ actor: 'anonymous', action: `permanente.${purpose}.code-sent`, subject: result.person.id, ip: req.ip, detail: { outcome: sent } });
      if (sent !== 'sent') return codePage(req, res, next, { key: `permanente.code.${sent}` }, 429);
      res.redirect(303, `${ACCOUNT}/recovery/code`);
    });
  }

  const recoveryFlow = (flow: AccountFlow | undefined) => (flow?.recovery ? flow : undefined);

  router.get('/account/recovery/code', async (req, res) => {
    const flow = recoveryFlow(await flows.open(req, res));
    if (!flow) return void res.redirect(303, `${ACCOUNT}/activate`);
    codePage(req, res, flow, { key: 'permanente.code.sent.sms', kind: 'info' });
  });

  router.post('/account/recovery/resend', form, async (req, res) => {
    const flow = recoveryFlow(await flows.forForm(req));
    if (!flow) return void res.redirect(303, `${ACCOUNT}/activate`);
    const person = await ctx.identity.findById(flow.recovery!.personId);
    const sent = person ? await codes.send(res, codeKey(flow), person, 'sms', `permanente.code.purpose.${flow.recovery!.purpose}`, req.ip ?? 'unknown') : 'failed';
    codePage(req, res, flow, sent === 'sent' ? { key: 'permanente.code.sent.sms', kind: 'info' } : { key: `permanente.code.${sent}` }, sent === 'sent' ? 200 : 429);
  });

  router.post('/account/recovery/code', form, async (req, res) => {
    const flow = recoveryFlow(await flows.forForm(req));
    if (!flow) return void res.redirect(303, `${ACCOUNT}/activate`);
    const result = await codes.check(codeKey(flow), field(req.body, 'code'));
    if (result.outcome !== 'ok' || result.personId !== flow.recovery!.personId) {
      await ctx.audit.record({ actor: 'anonymous', action: `permanente.${flow.recovery!.purpose}.code-refused`, subject: flow.recovery!.personId, ip: req.ip, detail: { outcome: result.outcome } });
      return codePage(req, res, flow, { key: result.outcome === 'wrong' ? 'permanente.code.wrong' : 'permanente.code.voided.resend' });
    }
    // a new flow for choosing the password: a cookie from before the code is worth nothing
    await flows.renew(res, flow, { recovery: { ...flow.recovery!, codeConfirmed: true } });
    res.redirect(303, `${ACCOUNT}/recovery/password`);
  });

  router.get('/account/recovery/password', async (req, res) => {
    const flow = recoveryFlow(await flows.open(req, res));
    if (!flow?.recovery?.codeConfirmed) return void res.redirect(303, `${ACCOUNT}/activate`);
    passwordPage(req, res, flow);
  });

  router.post('/account/recovery/password', form, async (req, res) => {
    const flow = recoveryFlow(await flows.forForm(req));
    if (!flow?.recovery?.codeConfirmed) return void res.redirect(303, `${ACCOUNT}/activate`);
    const { purpose, personId } = flow.recovery;
    const person = await ctx.identity.findById(personId);
    // the account may have changed since the code was checked (cancelled, or activated in another
    // flow): setPassword would activate it, and only the registrar reopens a cancelled user
    const account = person ? await ctx.credentials.accounts.find(person.id) : undefined;
    if (!person || person.status !== 'active' || account?.state !== (purpose === 'activate' ? 'pending' : 'active')) return void res.redirect(303, `${ACCOUNT}/${purpose}`);
    const result = await acceptNewPassword(ctx.config, ctx.credentials, person, field(req.body, 'newPassword'), field(req.body, 'repeatPassword'));
    if (!result.ok) return passwordPage(req, res, flow, result.problems);
    await ctx.credentials.accounts.setPassword(person.id, result.hash, ctx.now(), opts.passwordHistory);
    await ctx.audit.record({ actor: `person:${person.id}`, action: purpose === 'activate' ? 'permanente.activated' : 'permanente.password.reset', subject: person.id, ip: req.ip });
    await flows.end(res, flow);
    const t = translator(ctx.pages, res);
    sendPage(ctx.pages, req, res, `permanente.${purpose}.title`, html`<p class="notice" role="status">${t(`permanente.${purpose}.done`)}</p>
<p><a href="${ACCOUNT}">${t('permanente.account.link')}</a></p>`);
  });
}
