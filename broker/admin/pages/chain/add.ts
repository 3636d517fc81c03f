// Give an intermediary chain mandates (seed 004 §5.2): its number, the services that accept chain
// mandates or general authority, the duration, an optional address to tell the intermediary;
// registry.grantChainMandates, as POST /api/organisations/:id/chain-mandates/given. An
// administrator below mandates.chainMinimumRung is told so instead of getting a form the registry
// would refuse.
import type { Request, Response } from 'express';
import { html } from '../../../web/html.js';
import { LOA_RUNGS, rungAtLeast } from '../../../loa.js';
import { MandateRuleError, type MandateScope, type Service } from '../../../mandates/model.js';
import type { SectionDeps } from '../section.js';
import { sendAdminPage } from '../layout.js';
import { levelBadge } from '../badges.js';
import { choiceField, csrfField, errorSummary, inputField, type FormErrors } from '../forms.js';
import { refusalErrors, refusalText } from '../refusals.js';
import { setFlash } from '../flash.js';
import { manyOf, organisationPage, parseScopeKey, scopeKey, scopeName, scopeRung, serviceName, servicesById, type OrganisationPage } from '../mandates/page-kit.js';
import { DEFAULT_DURATION, durationFieldset, readDurationInput, toMandateDuration, type DurationInput } from '../mandates/duration.js';
import { identifierFields, readIdentifierInput, type IdentifierInput } from './identifier-field.js';

const FIELDS: Readonly<Record<string, string>> = {
  'invalid-identifier': 'identifier',
  'same-organisation': 'identifier',
  'no-scope': 'scope',
  'invalid-scope': 'scope',
  'invalid-rung': 'scope',
  'unknown-service': 'scope',
  'service-not-chain': 'scope',
  'level-above-own': 'scope',
  'end-date-too-late': 'endDate',
  'end-date-too-early': 'endDate',
  'invalid-date': 'endDate',
  'invalid-duration': 'endDate',
  'invalid-email': 'notifyEmail',
};

interface ChainForm {
  readonly identifier: IdentifierInput;
  readonly scopes: readonly MandateScope[];
  readonly duration: DurationInput;
  readonly notifyEmail: string;
}

function readForm(source: Record<string, unknown>, withDuration: boolean): ChainForm {
  const scopes = manyOf(source.scope).slice(0, 200).map(parseScopeKey).filter((s): s is MandateScope => s !== undefined);
  const notifyEmail = typeof source.notifyEmail === 'string' ? source.notifyEmail.trim().slice(0, 254) : '';
  return { identifier: readIdentifierInput(source), scopes, duration: withDuration ? readDurationInput(source) : DEFAULT_DURATION, notifyEmail };
}

function sendForm(req: Request, res: Response, deps: SectionDeps, page: OrganisationPage, form: ChainForm, services: ReadonlyMap<string, Service>, errors: FormErrors = {}): void {
  const { ctx, self, base } = page;
  const offered: MandateScope[] = [
    ...LOA_RUNGS.map((rung): MandateScope => ({ kind: 'general', rung })),
    ...[...services.values()]
      .filter((s) => s.acceptsChain)
      .sort((a, b) => serviceName(ctx.lang, a).localeCompare(serviceName(ctx.lang, b)))
      .map((s): MandateScope => ({ kind: 'service', serviceId: s.id })),
  ];
  const choices = offered.map((s) => {
    const rung = scopeRung(s, services)!;
    const aboveOwn = !rungAtLeast(self.level, rung);
    return { value: scopeKey(s), label: scopeName(ctx, s, services), disabled: aboveOwn, detail: html`${levelBadge(ctx, rung)}${aboveOwn ? html` ${ctx.t('refusal.level-above-own')}` : ''}` };
  });
  const checked = form.scopes.map(scopeKey).filter((k) => choices.some((c) => c.value === k && !c.disabled));
  sendAdminPage(req, res, ctx, {
    section: 'chain',
    status: Object.keys(errors).length ? 422 : 200,
    title: ctx.t('chain.add.title'),
    body: html`${errorSummary(ctx, errors)}
<form method="post" action="${base}/add" novalidate>${csrfField(ctx)}
${identifierFields(ctx, form.identifier, errors.identifier)}
${choiceField({ name: 'scope', multiple: true, legend: ctx.t('chain.chooseServices'), hint: ctx.t('chain.servicesHint'), choices, value: checked, ...(errors.scope ? { error: errors.scope } : {}) })}
${durationFieldset(ctx, form.duration, { maxYears: deps.services.config.mandates.maxYears, legend: ctx.t('chain.chooseDuration'), ...(errors.endDate ? { error: errors.endDate } : {}) })}
${inputField({ name: 'notifyEmail', type: 'email', label: ctx.t('chain.notifyEmail'), hint: ctx.t('chain.notifyEmailHint'), value: form.notifyEmail, autocomplete: 'off', maxLength: 254, ...(errors.notifyEmail ? { error: errors.notifyEmail } : {}) })}
<div class="actions"><button type="submit">${ctx.t('chain.add.submit')}</button><a class="button secondary" href="${base}">${ctx.t('shell.cancel')}</a></div></form>`,
  });
}

/** the registry's 'chain-level-too-low', said before the form instead of after it */
function mayGiveChain(deps: SectionDeps, page: OrganisationPage): boolean {
  return rungAtLeast(page.self.level, deps.services.config.mandates.chainMinimumRung);
}

function levelTooLow(req: Request, res: Response, deps: SectionDeps, page: OrganisationPage): void {
  const { ctx, base } = page;
  sendAdminPage(req, res, ctx, {
    section: 'chain',
    status: 403,
    title: ctx.t('chain.add.title'),
    body: html`<p class="error" role="alert">${ctx.t('refusal.chain-level-too-low', { level: deps.services.config.mandates.chainMinimumRung })}</p><p><a href="${base}">${ctx.t('shell.back')}</a></p>`,
  });
}

export async function addPage(req: Request, res: Response, deps: SectionDeps): Promise<void> {
  const page = organisationPage(res, 'chain');
  if (!mayGiveChain(deps, page)) return levelTooLow(req, res, deps, page);
  sendForm(req, res, deps, page, readForm(req.query as Record<string, unknown>, false), await servicesById(() => deps.registry().listServices()));
}

export async function add(req: Request, res: Response, deps: SectionDeps): Promise<void> {
  const page = organisationPage(res, 'chain');
  if (!mayGiveChain(deps, page)) return levelTooLow(req, res, deps, page);
  const form = readForm((req.body ?? {}) as Record<string, unknown>, true);
  try {
    const granted = await deps.registry().grantChainMandates(page.ctx.actor, page.organisation.id, {
      intermediary: form.identifier,
      scopes: form.scopes,
      duration: toMandateDuration(form.duration),
      ...(form.notifyEmail ? { notifyEmail: form.notifyEmail } : {}),
    });
    setFlash(req, 'chain.done.granted', { n: String(granted.length) });
  } catch (err) {
    // an unknown number is the registry's not-found, but here it is an answer about the typed field
    const unknown = err instanceof MandateRuleError && err.reason === 'intermediary-not-found';
    const errors = unknown ? { identifier: refusalText(page.ctx, err) } : refusalErrors(page.ctx, err, FIELDS);
    return sendForm(req, res, deps, page, form, await servicesById(() => deps.registry().listServices()), errors);
  }
  res.redirect(303, page.base);
}
