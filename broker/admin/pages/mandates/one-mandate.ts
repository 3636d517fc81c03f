// One member's mandate (seed 004 §3.10, §3.11, §4.3): change or extend its end date
// (registry.setMandateEnd, as PUT …/mandates/:id/end) and revoke it at once
// (registry.revokeMandate, as DELETE …/mandates/:id). Revoking keeps the seed's short undo window
// in the page: the confirmation page's script (/static/admin-revoke-undo.js) counts down with an
// "undo" button and posts only then; without JavaScript the confirmation button posts at once.
import type { Request, Response } from 'express';
import { html } from '../../../web/html.js';
import type { Mandate, Member, Service } from '../../../mandates/model.js';
import type { SectionDeps } from '../section.js';
import { sendAdminPage } from '../layout.js';
import { csrfField, errorSummary, type FormErrors } from '../forms.js';
import { refusalErrors } from '../refusals.js';
import { setFlash } from '../flash.js';
import { dayText, organisationPage, scopeKey, scopeName, servicesById, type OrganisationPage } from './page-kit.js';
import { DEFAULT_DURATION, durationFieldset, readDurationInput, toMandateDuration, type DurationInput } from './duration.js';

/** seed 004 §3.11.2: "Na 3 seconden wordt de machtiging definitief verwijderd" */
export const UNDO_SECONDS = 3;

const FIELDS: Readonly<Record<string, string>> = { 'end-date-too-late': 'endDate', 'end-date-too-early': 'endDate', 'invalid-date': 'endDate', 'invalid-duration': 'endDate' };

interface Found {
  readonly mandate: Mandate;
  readonly member: Pick<Member, 'id' | 'givenName' | 'surname'>;
  readonly services: ReadonlyMap<string, Service>;
}

/** the organisation's open mandate with this id, read through listMandates (what the administrator may see) */
async function findMandate(deps: SectionDeps, page: OrganisationPage, id: string): Promise<Found | undefined> {
  const [groups, services] = await Promise.all([deps.registry().listMandates(page.ctx.actor, page.organisation.id), servicesById(() => deps.registry().listServices())]);
  for (const g of groups) {
    const m = g.mandates.find((x) => x.id === id.toLowerCase());
    if (m) return { mandate: m, member: m.member, services };
  }
  return undefined;
}

type Handler = (req: Request, res: Response, deps: SectionDeps, page: OrganisationPage, found: Found) => Promise<void> | void;

/** runs `handler` for the mandate in the address; an unknown one is the shell's 404 */
export function withMandate(deps: SectionDeps, handler: Handler) {
  return (req: Request, res: Response, next: (err?: unknown) => void): void => {
    const page = organisationPage(res, 'mandates');
    findMandate(deps, page, String(req.params.mandateId))
      .then((found) => (found ? handler(req, res, deps, page, found) : next()))
      .catch(next);
  };
}

function what(page: OrganisationPage, found: Found): Record<string, string> {
  return { member: `${found.member.givenName} ${found.member.surname}`, service: scopeName(page.ctx, found.mandate.scope, found.services) };
}

function sendEndForm(req: Request, res: Response, deps: SectionDeps, page: OrganisationPage, found: Found, input: DurationInput, extend: boolean, errors: FormErrors = {}): void {
  const { ctx, base } = page;
  const { mandate } = found;
  sendAdminPage(req, res, ctx, {
    section: 'mandates',
    status: Object.keys(errors).length ? 422 : 200,
    title: ctx.t(extend ? 'mandates.extend.title' : 'mandates.changeEnd.title'),
    body: html`${errorSummary(ctx, errors)}<p>${ctx.t('mandates.one.intro', what(page, found))}</p>
<p>${ctx.t('mandates.one.current', { date: dayText(ctx.lang, mandate.endDate) })}</p>
<form method="post" action="${base}/${mandate.id}/${extend ? 'extend' : 'end'}" novalidate>${csrfField(ctx)}
${durationFieldset(ctx, input, { maxYears: deps.services.config.mandates.maxYears, legend: ctx.t('mandates.chooseEnd'), ...(errors.endDate ? { error: errors.endDate } : {}) })}
<div class="actions"><button type="submit">${ctx.t(extend ? 'mandates.extend.submit' : 'mandates.changeEnd.submit')}</button><a class="button secondary" href="${base}/scope/${scopeKey(mandate.scope)}">${ctx.t('shell.cancel')}</a></div></form>`,
  });
}

/** "Verleng machtiging" offers the quick choices first (5 years); "wijzig einddatum" the day */
export const endForm = (extend: boolean): Handler => (req, res, deps, page, found) =>
  sendEndForm(req, res, deps, page, found, extend ? DEFAULT_DURATION : { choice: 'date', endDate: found.mandate.endDate }, extend);

export const changeEnd = (extend: boolean): Handler => async (req, res, deps, page, found) => {
  const input = readDurationInput((req.body ?? {}) as Record<string, unknown>);
  try {
    const changed = await deps.registry().setMandateEnd(page.ctx.actor, page.organisation.id, found.mandate.id, toMandateDuration(input));
    setFlash(req, 'mandates.done.changed', { ...what(page, found), date: dayText(page.ctx.lang, changed.endDate) });
  } catch (err) {
    return sendEndForm(req, res, deps, page, found, input, extend, refusalErrors(page.ctx, err, FIELDS));
  }
  res.redirect(303, `${page.base}/scope/${scopeKey(found.mandate.scope)}`);
};

export const revokeForm: Handler = (req, res, _deps, page, found) => {
  const { ctx, base } = page;
  sendAdminPage(req, res, ctx, {
    section: 'mandates',
    title: ctx.t('mandates.revoke.title'),
    body: html`<div class="confirmation"><p class="question"><strong>${ctx.t('mandates.revoke.question', what(page, found))}</strong></p><ul><li>${ctx.t('mandates.revoke.explain')}</li></ul>
<form method="post" action="${base}/${found.mandate.id}/revoke" id="revoke-form" data-undo-seconds="${UNDO_SECONDS}">${csrfField(ctx)}
<div class="actions"><button type="submit" class="danger">${ctx.t('mandates.revoke.submit')}</button><a class="button secondary" href="${base}/scope/${scopeKey(found.mandate.scope)}">${ctx.t('shell.cancel')}</a></div></form>
<div id="revoke-pending" class="flash" hidden><p role="status" aria-live="polite" data-template="${ctx.t('mandates.revoke.counting', { seconds: '{s}' })}"></p><div class="actions"><button type="button" id="revoke-undo">${ctx.t('mandates.revoke.undo')}</button></div></div>
<p id="revoke-undone" class="flash" role="status" hidden>${ctx.t('mandates.revoke.undone')}</p></div>
<script src="/static/admin-revoke-undo.js" defer></script>`,
  });
};

export const revoke: Handler = async (req, res, deps, page, found) => {
  await deps.registry().revokeMandate(page.ctx.actor, page.organisation.id, found.mandate.id);
  setFlash(req, 'mandates.done.revoked', what(page, found));
  res.redirect(303, `${page.base}/scope/${scopeKey(found.mandate.scope)}`);
};
