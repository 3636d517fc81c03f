// Add mandates to one or more members (seed 004 §4.2), and change, extend or end them in bulk
// (§4.4, §4.5: the same steps; an existing mandate gets the new end date). The first step opens
// with a GET (links may preselect choices in the address); the steps' forms POST to /add/step,
// because the choices they carry (up to 500 members) do not fit in an address (HTTP 431). Only
// the confirmation, POST /add, changes anything: registry.grantMandates (as POST
// /api/organisations/:id/mandates), all or nothing; a refusal lists every refused member and
// service with the reason.
import type { Request, Response } from 'express';
import { html, type SafeHtml } from '../../../web/html.js';
import { LOA_RUNGS, rungAtLeast } from '../../../loa.js';
import { createCalendar } from '../../../mandates/dates.js';
import { MandateRuleError, type MandateScope, type Member, type Service } from '../../../mandates/model.js';
import { BulkGrantError } from '../../../mandates/registry.js';
import type { SectionDeps } from '../section.js';
import { sendAdminPage } from '../layout.js';
import { levelBadge } from '../badges.js';
import { choiceField, csrfField, errorSummary, FORM_ERROR, inputField, type FormErrors } from '../forms.js';
import { refusalErrors } from '../refusals.js';
import { setFlash } from '../flash.js';
import { dayText, highestRung, organisationPage, scopeKey, scopeName, scopeRung, serviceName, servicesById, type OrganisationPage } from './page-kit.js';
import { durationFieldset, endDayOf, toMandateDuration } from './duration.js';
import { carried, readWizard, WIZARD_STEPS, type WizardState, type WizardStep } from './wizard-state.js';

/** registry reasons → the wizard's fields */
const FIELDS: Readonly<Record<string, string>> = {
  'end-date-too-late': 'endDate',
  'end-date-too-early': 'endDate',
  'invalid-date': 'endDate',
  'invalid-duration': 'endDate',
  'no-scope': 'scope',
  'unknown-service': 'scope',
  'no-member': 'member',
};

function stepList(page: OrganisationPage, current: WizardStep): SafeHtml {
  const { ctx } = page;
  return html`<ol class="steps">${WIZARD_STEPS.map((s) => (s === current ? html`<li aria-current="step"><strong>${ctx.t(`mandates.step.${s}`)}</strong></li>` : html`<li>${ctx.t(`mandates.step.${s}`)}</li>`))}</ol>`;
}

function searchField(page: OrganisationPage, label: string, name: 'serviceSearch' | 'memberSearch', value: string, step: WizardStep): SafeHtml {
  return html`<div class="search">${inputField({ name, type: 'search', label, value })}<button type="submit" name="step" value="${step}" class="secondary">${page.ctx.t('mandates.search')}</button></div>`;
}

function servicesStep(page: OrganisationPage, state: WizardState, services: ReadonlyMap<string, Service>, errors: FormErrors = {}): SafeHtml {
  const { ctx, self, base } = page;
  const q = state.serviceSearch.toLowerCase();
  const byName = [...services.values()].sort((a, b) => serviceName(ctx.lang, a).localeCompare(serviceName(ctx.lang, b)));
  const all: MandateScope[] = [...LOA_RUNGS.map((rung): MandateScope => ({ kind: 'general', rung })), ...byName.map((s): MandateScope => ({ kind: 'service', serviceId: s.id }))];
  const shown = all.filter((s) => !q || scopeName(ctx, s, services).toLowerCase().includes(q));
  const choices = shown.map((s) => {
    const rung = scopeRung(s, services)!;
    const aboveOwn = !rungAtLeast(self.level, rung);
    return { value: scopeKey(s), label: scopeName(ctx, s, services), disabled: aboveOwn, detail: html`${levelBadge(ctx, rung)}${aboveOwn ? html` ${ctx.t('refusal.level-above-own')}` : ''}` };
  });
  const checked = state.scopes.map(scopeKey).filter((k) => choices.some((c) => c.value === k && !c.disabled));
  return html`${stepList(page, 'services')}${errorSummary(ctx, errors)}
<form method="post" action="${base}/add/step" novalidate>${csrfField(ctx)}${carried(state, { scopes: shown })}
${searchField(page, ctx.t('mandates.searchServices'), 'serviceSearch', state.serviceSearch, 'services')}
${shown.length === 0 ? html`<p>${ctx.t('mandates.noMatch')}</p>` : choiceField({ name: 'scope', multiple: true, legend: ctx.t('mandates.chooseServices'), hint: ctx.t('mandates.generalHint'), choices, value: checked, ...(errors.scope ? { error: errors.scope } : {}) })}
<div class="actions"><button type="submit" name="step" value="members">${ctx.t('mandates.next')}</button><a class="button secondary" href="${base}">${ctx.t('shell.cancel')}</a></div></form>`;
}

function membersStep(page: OrganisationPage, state: WizardState, members: readonly Member[], services: ReadonlyMap<string, Service>, errors: FormErrors = {}): SafeHtml {
  const { ctx, base } = page;
  const needed = highestRung(state.scopes, services) ?? '1';
  const choices = members.map((m) => {
    const why = m.status !== 'active' ? ctx.t('refusal.member-not-active') : !rungAtLeast(m.level, needed) ? ctx.t('refusal.level-too-low') : undefined;
    return { value: m.id, label: `${m.givenName} ${m.surname}`, disabled: why !== undefined, detail: html`${levelBadge(ctx, m.level)}${why ? html` ${why}` : ''}` };
  });
  const checked = state.memberIds.filter((id) => choices.some((c) => c.value === id && !c.disabled));
  return html`${stepList(page, 'members')}${errorSummary(ctx, errors)}
<p>${ctx.t('mandates.chosenServices')} ${state.scopes.map((s, i) => html`${i ? ', ' : ''}<strong>${scopeName(ctx, s, services)}</strong>`)}</p>
<form method="post" action="${base}/add/step" novalidate>${csrfField(ctx)}${carried(state, { members: members.map((m) => m.id) })}
${searchField(page, ctx.t('mandates.searchMembers'), 'memberSearch', state.memberSearch, 'members')}
${members.length === 0 ? html`<p>${ctx.t('mandates.noMatch')}</p>` : choiceField({ name: 'member', multiple: true, legend: ctx.t('mandates.chooseMembers'), hint: ctx.t('mandates.membersHint', { level: needed }), choices, value: checked, ...(errors.member ? { error: errors.member } : {}) })}
<div class="actions"><button type="submit" name="step" value="duration">${ctx.t('mandates.next')}</button><button type="submit" name="step" value="services" class="secondary">${ctx.t('mandates.previous')}</button></div></form>`;
}

function durationStep(deps: SectionDeps, page: OrganisationPage, state: WizardState, errors: FormErrors = {}): SafeHtml {
  const { ctx, base } = page;
  return html`${stepList(page, 'duration')}${errorSummary(ctx, errors)}
<form method="post" action="${base}/add/step" novalidate>${csrfField(ctx)}${carried(state, { duration: true })}
${durationFieldset(ctx, state.duration, { maxYears: deps.services.config.mandates.maxYears, legend: ctx.t('mandates.chooseEnd'), ...(errors.endDate ? { error: errors.endDate } : {}) })}
<p class="hint">${ctx.t('mandates.startsToday')}</p>
<div class="actions"><button type="submit" name="step" value="review">${ctx.t('mandates.next')}</button><button type="submit" name="step" value="members" class="secondary">${ctx.t('mandates.previous')}</button></div></form>`;
}

function reviewStep(page: OrganisationPage, state: WizardState, endDay: string, members: ReadonlyMap<string, Member>, services: ReadonlyMap<string, Service>, refusal?: SafeHtml): SafeHtml {
  const { ctx, base } = page;
  const name = (id: string) => {
    const m = members.get(id);
    return m ? `${m.givenName} ${m.surname}` : ctx.t('mandates.unknownMember');
  };
  return html`${stepList(page, 'review')}${refusal ?? ''}
<dl class="facts review"><div><dt>${ctx.t('mandates.step.services')}</dt><dd><ul>${state.scopes.map((s) => html`<li>${scopeName(ctx, s, services)}</li>`)}</ul></dd></div>
<div><dt>${ctx.t('mandates.step.members')}</dt><dd><ul>${state.memberIds.map((id) => html`<li>${name(id)}</li>`)}</ul></dd></div>
<div><dt>${ctx.t('mandates.col.endsOn')}</dt><dd>${dayText(ctx.lang, endDay)}</dd></div></dl>
<p class="hint">${ctx.t('mandates.reviewHint')}</p>
<form method="post" action="${base}/add">${csrfField(ctx)}${carried(state)}
<div class="actions"><button type="submit">${ctx.t('mandates.confirm')}</button><button type="submit" formaction="${base}/add/step" formnovalidate name="step" value="duration" class="secondary">${ctx.t('mandates.previous')}</button></div></form>`;
}

/** a bulk grant's refusal: every refused member and service with the reason (seed 004 §4.2) */
function refusedPairs(page: OrganisationPage, err: BulkGrantError, members: ReadonlyMap<string, Member>, services: ReadonlyMap<string, Service>): SafeHtml {
  const { ctx } = page;
  return html`<div class="error-summary" role="alert" tabindex="-1" id="errors"><h2>${ctx.t('mandates.refused')}</h2><ul>${err.refused.map((r) => {
    const m = members.get(r.memberId);
    const reason = ctx.has(`refusal.${r.reason}`) ? ctx.t(`refusal.${r.reason}`) : r.message;
    return html`<li>${m ? `${m.givenName} ${m.surname}` : r.memberId} – ${scopeName(ctx, r.scope, services)}: ${reason}</li>`;
  })}</ul></div>`;
}

async function membersById(deps: SectionDeps, page: OrganisationPage): Promise<Map<string, Member>> {
  return new Map((await deps.registry().listMembers(page.ctx.actor, page.organisation.id)).map((m) => [m.id, m]));
}

const before = (a: WizardStep, b: WizardStep) => WIZARD_STEPS.indexOf(a) < WIZARD_STEPS.indexOf(b);

/**
 * The step asked for, or the first earlier one a choice is missing from (with the error there):
 * a step is shown only with what it needs, whatever address was typed.
 */
async function sendStep(deps: SectionDeps, req: Request, res: Response, page: OrganisationPage, state: WizardState, opts: { refusal?: SafeHtml; errors?: FormErrors } = {}): Promise<void> {
  const { ctx, organisation } = page;
  const services = await servicesById(() => deps.registry().listServices());
  const send = (body: SafeHtml, status = opts.refusal || opts.errors ? 422 : 200) => sendAdminPage(req, res, ctx, { section: 'mandates', status, title: ctx.t('mandates.add.title'), body });
  if (state.step === 'services') return send(servicesStep(page, state, services, opts.errors));
  if (state.scopes.length === 0) return send(servicesStep(page, { ...state, serviceSearch: '' }, services, { scope: ctx.t('refusal.no-scope') }), 422);
  if (state.step === 'members' || state.memberIds.length === 0) {
    const search = state.step === 'members' ? state.memberSearch : '';
    const members = await deps.registry().listMembers(ctx.actor, organisation.id, search ? { search } : {});
    const missing = state.step !== 'members' ? { member: ctx.t('refusal.no-member') } : undefined;
    return send(membersStep(page, { ...state, memberSearch: search }, members, services, missing ?? opts.errors), missing ? 422 : undefined);
  }
  if (state.step === 'duration' || opts.errors?.endDate) return send(durationStep(deps, page, state, opts.errors));
  const cfg = deps.services.config.mandates;
  const calendar = createCalendar(deps.services.now, cfg.timeZone);
  let endDay: string | undefined;
  try {
    if (state.duration.choice === 'date') calendar.checkEndDate(state.duration.endDate, cfg.maxYears);
    endDay = endDayOf(state.duration, calendar.today());
  } catch (err) {
    return send(durationStep(deps, page, state, refusalErrors(ctx, err, FIELDS)), 422);
  }
  if (!endDay || before(state.step, 'review')) return send(durationStep(deps, page, state));
  send(reviewStep(page, state, endDay, await membersById(deps, page), services, opts.refusal));
}

export async function wizardPage(req: Request, res: Response, deps: SectionDeps): Promise<void> {
  await sendStep(deps, req, res, organisationPage(res, 'mandates'), readWizard(req.query as Record<string, unknown>));
}

/** a step's form sent (POST /add/step, CSRF checked): the next step asked for, nothing changes */
export async function wizardStep(req: Request, res: Response, deps: SectionDeps): Promise<void> {
  await sendStep(deps, req, res, organisationPage(res, 'mandates'), readWizard((req.body ?? {}) as Record<string, unknown>));
}

export async function confirmWizard(req: Request, res: Response, deps: SectionDeps): Promise<void> {
  const page = organisationPage(res, 'mandates');
  const state: WizardState = { ...readWizard((req.body ?? {}) as Record<string, unknown>), step: 'review' };
  try {
    const granted = await deps.registry().grantMandates(page.ctx.actor, page.organisation.id, { memberIds: state.memberIds, scopes: state.scopes, duration: toMandateDuration(state.duration) });
    setFlash(req, 'mandates.done.granted', { n: String(granted.length) });
  } catch (err) {
    if (err instanceof BulkGrantError) {
      const [members, services] = await Promise.all([membersById(deps, page), servicesById(() => deps.registry().listServices())]);
      return sendStep(deps, req, res, page, state, { refusal: refusedPairs(page, err, members, services) });
    }
    // a chosen member who left the organisation meanwhile (or an id typed into the address):
    // the registry's not-found, answered at the members step rather than as a missing page
    if (err instanceof MandateRuleError && err.code === 'not-found') return sendStep(deps, req, res, page, { ...state, step: 'members' }, { errors: { member: page.ctx.t('mandates.memberGone') } });
    const errors = refusalErrors(page.ctx, err, FIELDS);
    if (errors.endDate) return sendStep(deps, req, res, page, { ...state, step: 'duration' }, { errors });
    if (errors.scope) return sendStep(deps, req, res, page, { ...state, step: 'services' }, { errors });
    if (errors.member) return sendStep(deps, req, res, page, { ...state, step: 'members' }, { errors });
    return sendStep(deps, req, res, page, state, { refusal: errorSummary(page.ctx, { [FORM_ERROR]: errors[FORM_ERROR]! }) });
  }
  res.redirect(303, page.base);
}
