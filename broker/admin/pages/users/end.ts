// Ending a user's means (seed 004 §3.4, §3.4.1): now, on a date or at the end of the contract
// period, in this organisation and, when the same person holds a means there too, in the other
// organisations the administrator administers. A confirmation page comes first; ending the last
// administrator is refused with the seed's explanation; an administrator ending their own last
// means, with nobody else left, is told that this ends the whole organisation and confirms again.
// Each organisation is one registry endMember call, as the API's POST …/members/{id}/end.
import type { Request, Response, Router } from 'express';
import { html } from '../../../web/html.js';
import { isDay } from '../../../mandates/dates.js';
import { MandateRuleError, type Member, type MemberEnd, type Organisation } from '../../../mandates/model.js';
import { currentOrganisation, pageContext } from '../context.js';
import { sendAdminPage } from '../layout.js';
import { choiceField, confirmationBody, csrfField, errorSummary, inputField, textOf, valuesOf, type FormErrors } from '../forms.js';
import { refusalErrors, refusalText } from '../refusals.js';
import { setFlash } from '../flash.js';
import { paths } from '../paths.js';
import type { SectionDeps } from '../section.js';
import { isOwnMembership, memberName, sameUserElsewhere, unavailablePage } from './common.js';

interface EndChoice {
  readonly when: MemberEnd['when'] | '';
  readonly date: string;
  /** other organisations' ids */
  readonly also: readonly string[];
}

const REASON_FIELDS = { 'end-date-too-early': 'date', 'end-date-too-late': 'date', 'invalid-date': 'date', 'no-period-end': 'when', 'period-ended': 'when' };

async function endForm(req: Request, res: Response, deps: SectionDeps, m: Member, choice: EndChoice, errors: FormErrors): Promise<void> {
  const ctx = pageContext(res);
  const org = currentOrganisation(res);
  const elsewhere = await sameUserElsewhere(ctx, org, m, (id) => deps.registry().listMembers(ctx.actor, id));
  sendAdminPage(req, res, ctx, {
    status: Object.keys(errors).length ? 409 : 200,
    title: ctx.t('users.end.title', { name: memberName(m) }),
    section: 'users',
    body: html`${errorSummary(ctx, errors)}<form method="post" action="${paths.userAction(org.id, m.id, 'end')}" novalidate>${csrfField(ctx)}
${choiceField({
  name: 'when',
  legend: ctx.t('users.end.legend'),
  value: choice.when,
  error: errors.when,
  choices: [
    { value: 'now', label: ctx.t('users.end.now'), detail: ctx.t('users.end.now.detail') },
    { value: 'date', label: ctx.t('users.end.date') },
    ...(m.periodEnd ? [{ value: 'period-end', label: ctx.t('users.end.periodEnd', { date: m.periodEnd }) }] : []),
  ],
})}
${inputField({ name: 'date', label: ctx.t('users.end.date.label'), type: 'date', value: choice.date, hint: ctx.t('users.end.date.hint'), error: errors.date })}
${elsewhere.length ? choiceField({ name: 'also', legend: ctx.t('users.end.also'), multiple: true, value: choice.also, choices: elsewhere.map((e) => ({ value: e.organisation.id, label: e.organisation.name })) }) : ''}
<div class="actions"><button type="submit">${ctx.t('users.end.submit')}</button><a class="button secondary" href="${paths.user(org.id, m.id)}">${ctx.t('shell.cancel')}</a></div></form>`,
  });
}

function readChoice(body: unknown): EndChoice {
  const when = textOf(body, 'when');
  return {
    when: when === 'now' || when === 'date' || when === 'period-end' ? when : '',
    date: textOf(body, 'date'),
    also: valuesOf(body, 'also').flatMap((v) => v.split(',')).filter(Boolean),
  };
}

function endOf(choice: EndChoice, confirmEndOrganisation: boolean): MemberEnd {
  return { when: choice.when as MemberEnd['when'], ...(choice.when === 'date' ? { date: choice.date } : {}), ...(confirmEndOrganisation ? { confirmEndOrganisation: true } : {}) };
}

function hiddenFields(choice: EndChoice): Record<string, string> {
  return { when: choice.when, date: choice.when === 'date' ? choice.date : '', also: choice.also.join(',') };
}

/** the choice's own errors, before asking for a confirmation */
function choiceErrors(ctx: ReturnType<typeof pageContext>, choice: EndChoice): FormErrors {
  if (!choice.when) return { when: ctx.t('users.end.chooseWhen') };
  if (choice.when === 'date' && !isDay(choice.date)) return { date: choice.date ? ctx.t('refusal.invalid-date') : ctx.t('shell.required') };
  return {};
}

export function mountEnd(router: Router, deps: SectionDeps): void {
  const load = (req: Request, res: Response) => deps.registry().getMember(pageContext(res).actor, currentOrganisation(res).id, String(req.params.memberId));

  router.get('/:memberId/end', async (req, res) => {
    const m = await load(req, res);
    // an ended (or rejected) means cannot end again (member-ended): the reason, not a form the registry would refuse
    if (m.status === 'ended' || m.status === 'rejected') return unavailablePage(req, res, pageContext(res).t('users.end.title', { name: memberName(m) }), 'refusal.member-ended', m);
    await endForm(req, res, deps, m, { when: '', date: '', also: [] }, {});
  });

  // the choice made: ask for the confirmation
  router.post('/:memberId/end', deps.form, async (req, res) => {
    const ctx = pageContext(res);
    const org = currentOrganisation(res);
    const m = await load(req, res);
    const choice = readChoice(req.body);
    const errors = choiceErrors(ctx, choice);
    if (Object.keys(errors).length) return endForm(req, res, deps, m, choice, errors);
    const names = [org.name, ...ctx.administered.filter((o) => choice.also.includes(o.id)).map((o) => o.name)].join(', ');
    const when = choice.when === 'now' ? ctx.t('users.end.confirm.when.now') : choice.when === 'date' ? ctx.t('users.end.confirm.when.date', { date: choice.date }) : ctx.t('users.end.confirm.when.periodEnd', { date: m.periodEnd ?? '' });
    sendAdminPage(req, res, ctx, {
      title: ctx.t('users.end.title', { name: memberName(m) }),
      section: 'users',
      body: confirmationBody(ctx, {
        action: `${paths.userAction(org.id, m.id, 'end')}/confirm`,
        question: ctx.t('users.end.confirm.question', { name: memberName(m) }),
        consequences: [when, ctx.t('users.end.confirm.organisations', { organisations: names }), ...(choice.when === 'now' ? [ctx.t('users.end.now.detail')] : [])],
        fields: hiddenFields(choice),
        confirmLabel: ctx.t('users.end.confirm.submit'),
        cancelHref: paths.user(org.id, m.id),
      }),
    });
  });

  router.post('/:memberId/end/confirm', deps.form, async (req, res) => {
    const ctx = pageContext(res);
    const org = currentOrganisation(res);
    const registry = deps.registry();
    const m = await load(req, res);
    const choice = readChoice(req.body);
    const errors = choiceErrors(ctx, choice);
    if (Object.keys(errors).length) return endForm(req, res, deps, m, choice, errors);
    const confirmEndOrganisation = textOf(req.body, 'confirmEndOrganisation') === 'yes';
    // the other organisations' memberships, read before this one ends
    const elsewhere = (await sameUserElsewhere(ctx, org, m, (id) => registry.listMembers(ctx.actor, id))).filter((e) => choice.also.includes(e.organisation.id));
    let organisationEnded: boolean;
    try {
      ({ organisationEnded } = await registry.endMember(ctx.actor, org.id, m.id, endOf(choice, confirmEndOrganisation)));
    } catch (err) {
      if (err instanceof MandateRuleError && err.reason === 'confirm-end-organisation') {
        return sendAdminPage(req, res, ctx, {
          title: ctx.t('users.end.own.title'),
          section: 'users',
          body: confirmationBody(ctx, {
            action: `${paths.userAction(org.id, m.id, 'end')}/confirm`,
            question: ctx.t('users.end.own.question'),
            consequences: [ctx.t('users.end.own.consequence', { organisation: org.name }), ctx.t('users.end.own.advice')],
            fields: { ...hiddenFields(choice), confirmEndOrganisation: 'yes' },
            confirmLabel: ctx.t('users.end.own.submit'),
            cancelHref: paths.user(org.id, m.id),
          }),
        });
      }
      return endForm(req, res, deps, m, choice, refusalErrors(ctx, err, REASON_FIELDS));
    }
    const done: Organisation[] = [org];
    const refused: { organisation: Organisation; reason: string }[] = [];
    for (const { organisation, member } of elsewhere) {
      try {
        await registry.endMember(ctx.actor, organisation.id, member.id, endOf(choice, false));
        done.push(organisation);
      } catch (err) {
        if (!(err instanceof MandateRuleError)) throw err;
        refused.push({ organisation, reason: refusalText(ctx, err) });
      }
    }
    if (refused.length) {
      return sendAdminPage(req, res, ctx, {
        status: 409,
        title: ctx.t('users.end.partial.title'),
        section: 'users',
        body: html`<p role="status">${ctx.t('users.end.partial.done', { organisations: done.map((o) => o.name).join(', ') })}</p>
<ul class="error" role="alert">${refused.map((r) => html`<li>${ctx.t('users.end.partial.refused', { organisation: r.organisation.name, reason: r.reason })}</li>`)}</ul>
<p><a href="${paths.users(org.id)}">${ctx.t('shell.back')}</a></p>`,
      });
    }
    if (organisationEnded) {
      setFlash(req, 'users.end.doneOrganisation', { organisation: org.name });
      return res.redirect(303, paths.home);
    }
    setFlash(req, 'users.end.done', { name: memberName(m) });
    // one's own means ended now: this organisation's pages are no longer one's own (they answer 403)
    res.redirect(303, isOwnMembership(ctx, m) && choice.when === 'now' ? paths.home : paths.users(org.id));
  });
}
