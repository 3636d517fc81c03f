// Linking an existing user to other organisations the administrator administers (seed 004 §3.2.2):
// the level and e-mail address are taken over, the role is chosen; one request per organisation,
// all or none, through the registry's addMember (the API's POST …/members with alsoOrganisationIds).
import type { Request, Response, Router } from 'express';
import { html } from '../../../web/html.js';
import type { Member, NewMember } from '../../../mandates/model.js';
import { currentOrganisation, pageContext } from '../context.js';
import { sendAdminPage } from '../layout.js';
import { choiceField, csrfField, errorSummary, textOf, valuesOf, type FormErrors } from '../forms.js';
import { refusalErrors } from '../refusals.js';
import { setFlash } from '../flash.js';
import { paths } from '../paths.js';
import type { SectionDeps } from '../section.js';
import { memberName, samePerson } from './common.js';

/** the same person's request data for another organisation */
function newMemberFrom(m: Member, role: Member['role']): NewMember {
  return {
    subject: m.subject,
    givenName: m.givenName,
    surname: m.surname,
    ...(m.dateOfBirth ? { dateOfBirth: m.dateOfBirth } : {}),
    ...(m.idDocument ? { idDocument: { type: m.idDocument.type, number: m.idDocument.number, ...(m.idDocument.expiry ? { expiry: m.idDocument.expiry } : {}) } } : {}),
    role,
    level: m.level,
    contactEmail: m.contactEmail,
    ...(m.contactMobile ? { contactMobile: m.contactMobile } : {}),
  };
}

async function linkable(res: Response, deps: SectionDeps, m: Member) {
  const ctx = pageContext(res);
  const org = currentOrganisation(res);
  const registry = deps.registry();
  const out = [];
  for (const o of ctx.administered.filter((x) => x.id !== org.id)) {
    const members = await registry.listMembers(ctx.actor, o.id);
    if (!members.some((x) => samePerson(x, m))) out.push(o);
  }
  return out;
}

async function linkForm(req: Request, res: Response, deps: SectionDeps, m: Member, values: { role: string; organisations: readonly string[] }, errors: FormErrors): Promise<void> {
  const ctx = pageContext(res);
  const org = currentOrganisation(res);
  const choices = await linkable(res, deps, m);
  sendAdminPage(req, res, ctx, {
    status: Object.keys(errors).length ? 422 : 200,
    title: ctx.t('users.link.title', { name: memberName(m) }),
    section: 'users',
    body: html`${errorSummary(ctx, errors)}<p>${ctx.t('users.link.intro')}</p>
${choices.length === 0 ? html`<p>${ctx.t('users.link.none')}</p>` : html`<form method="post" action="${paths.userAction(org.id, m.id, 'link')}">${csrfField(ctx)}
${choiceField({ name: 'organisations', legend: ctx.t('users.link.organisations'), multiple: true, value: values.organisations, error: errors.organisations, choices: choices.map((o) => ({ value: o.id, label: o.name })) })}
${choiceField({ name: 'role', legend: ctx.t('users.role.legend'), value: values.role, error: errors.role, choices: [{ value: 'user', label: ctx.t('role.user') }, { value: 'administrator', label: ctx.t('role.administrator') }] })}
<p>${ctx.t('level.long', { level: m.level })} · ${m.contactEmail}</p>
<div class="actions"><button type="submit">${ctx.t('users.link.submit')}</button><a class="button secondary" href="${paths.user(org.id, m.id)}">${ctx.t('shell.cancel')}</a></div></form>`}
<p><a href="${paths.user(org.id, m.id)}">${ctx.t('shell.back')}</a></p>`,
  });
}

export function mountLink(router: Router, deps: SectionDeps): void {
  router.get('/:memberId/link', async (req, res) => {
    const ctx = pageContext(res);
    const m = await deps.registry().getMember(ctx.actor, currentOrganisation(res).id, String(req.params.memberId));
    await linkForm(req, res, deps, m, { role: m.role, organisations: [] }, {});
  });
  router.post('/:memberId/link', deps.form, async (req, res) => {
    const ctx = pageContext(res);
    const org = currentOrganisation(res);
    const m = await deps.registry().getMember(ctx.actor, org.id, String(req.params.memberId));
    const role = textOf(req.body, 'role');
    const organisations = valuesOf(req.body, 'organisations');
    const allowed = new Set((await linkable(res, deps, m)).map((o) => o.id));
    const errors: Record<string, string> = {};
    if (organisations.length === 0 || !organisations.every((id) => allowed.has(id))) errors.organisations = ctx.t('users.new.organisations.required');
    if (role !== 'user' && role !== 'administrator') errors.role = ctx.t('shell.required');
    if (Object.keys(errors).length) return linkForm(req, res, deps, m, { role, organisations }, errors);
    try {
      await deps.registry().addMember(ctx.actor, organisations, newMemberFrom(m, role as Member['role']));
    } catch (err) {
      return linkForm(req, res, deps, m, { role, organisations }, refusalErrors(ctx, err, { 'level-above-own': 'organisations', 'already-member': 'organisations' }));
    }
    setFlash(req, 'users.link.done', { name: memberName(m) });
    res.redirect(303, paths.user(org.id, m.id));
  });
}
