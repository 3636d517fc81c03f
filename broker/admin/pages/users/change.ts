// Changing one user (seed 004 §3.1.1 role, §3.8.1 level, §3.7 contact details): each a form page
// whose POST calls the registry method of the matching API route, shows a refusal next to its
// field (the last administrator, a level above one's own, a mobile or e-mail that may not change),
// and otherwise returns to the user's detail with a flash message.
import type { Request, Response } from 'express';
import { html } from '../../../web/html.js';
import type { Member, MemberLevel, MemberRole, MemberWithMandates } from '../../../mandates/model.js';
import { MEMBER_LEVELS } from '../../../mandates/model.js';
import { rungAtLeast } from '../../../loa.js';
import { currentOrganisation, pageContext } from '../context.js';
import { sendAdminPage } from '../layout.js';
import { choiceField, confirmationBody, csrfField, errorSummary, inputField, textOf, type FormErrors } from '../forms.js';
import { refusalErrors } from '../refusals.js';
import { setFlash } from '../flash.js';
import { paths } from '../paths.js';
import type { SectionDeps } from '../section.js';
import { isOwnMembership, levelsUpTo, memberName, ownLevel } from './common.js';

const hasErrors = (e: FormErrors) => Object.keys(e).length > 0;

async function loadMember(req: Request, res: Response, deps: SectionDeps): Promise<MemberWithMandates> {
  const ctx = pageContext(res);
  return deps.registry().getMember(ctx.actor, currentOrganisation(res).id, String(req.params.memberId));
}

function backToDetail(req: Request, res: Response, m: Member, key: string, vars: Record<string, string>): void {
  setFlash(req, key, vars);
  res.redirect(303, paths.user(currentOrganisation(res).id, m.id));
}

// --- role ---

function roleForm(req: Request, res: Response, m: Member, value: string, errors: FormErrors): void {
  const ctx = pageContext(res);
  const org = currentOrganisation(res);
  const can = (key: string) => html`<span class="can">${ctx.t('users.role.yes')} ${ctx.t(key)}</span>`;
  const cannot = (key: string) => html`<span class="cannot">${ctx.t('users.role.no')} ${ctx.t(key)}</span>`;
  sendAdminPage(req, res, ctx, {
    status: hasErrors(errors) ? 409 : 200,
    title: ctx.t('users.role.title'),
    section: 'users',
    body: html`${errorSummary(ctx, errors)}<p>${ctx.t('users.role.intro', { name: memberName(m) })}</p><p class="warning">${ctx.t('users.role.warning')}</p>
<form method="post" action="${paths.userAction(org.id, m.id, 'role')}">${csrfField(ctx)}
${choiceField({
  name: 'role',
  legend: ctx.t('users.role.legend'),
  value,
  error: errors.role,
  choices: [
    // the registry never lets an administrator demote themselves (self-demote): not offered, the reason beside it
    isOwnMembership(ctx, m) && m.role === 'administrator'
      ? { value: 'user', label: ctx.t('role.user'), disabled: true, detail: ctx.t('refusal.self-demote') }
      : { value: 'user', label: ctx.t('role.user'), detail: html`${can('users.role.user.can')}<br>${cannot('users.role.user.cannot')}` },
    { value: 'administrator', label: ctx.t('role.administrator'), detail: html`${can('users.role.administrator.can')}<br>${can('users.role.administrator.manages')}` },
  ],
})}
<div class="actions"><button type="submit">${ctx.t('users.role.submit')}</button><a class="button secondary" href="${paths.user(org.id, m.id)}">${ctx.t('shell.cancel')}</a></div></form>`,
  });
}

// --- level ---

function levelForm(req: Request, res: Response, m: Member, value: string, errors: FormErrors): void {
  const ctx = pageContext(res);
  const org = currentOrganisation(res);
  const own = ownLevel(ctx, org.id);
  sendAdminPage(req, res, ctx, {
    status: hasErrors(errors) ? 422 : 200,
    title: ctx.t('users.level.title'),
    section: 'users',
    body: html`${errorSummary(ctx, errors)}<p>${ctx.t('users.level.intro', { name: memberName(m), own })}</p>
<form method="post" action="${paths.userAction(org.id, m.id, 'level')}">${csrfField(ctx)}
${choiceField({
  name: 'level',
  legend: ctx.t('users.level.legend'),
  value,
  hint: ctx.t('users.level.lowerNote'),
  error: errors.level,
  choices: levelsUpTo(own).map(({ level, allowed }) => ({ value: level, label: ctx.t('level.long', { level }), disabled: !allowed, ...(allowed ? {} : { detail: ctx.t('users.level.aboveOwn') }) })),
})}
<div class="actions"><button type="submit">${ctx.t('users.level.submit')}</button><a class="button secondary" href="${paths.user(org.id, m.id)}">${ctx.t('shell.cancel')}</a></div></form>`,
  });
}

/**
 * Lowering a level ends the mandates above the new level (the registry's revokeMandatesAbove):
 * their names, so the administrator confirms knowing what goes.
 */
async function mandatesLost(deps: SectionDeps, m: MemberWithMandates, level: MemberLevel, lang: 'nl' | 'en' | 'es', general: (rung: string) => string): Promise<string[]> {
  const services = new Map((await deps.registry().listServices()).map((s) => [s.id, s]));
  const lost: string[] = [];
  for (const mandate of m.mandates) {
    const service = mandate.scope.kind === 'service' ? services.get(mandate.scope.serviceId) : undefined;
    const needed = mandate.scope.kind === 'general' ? mandate.scope.rung : service?.minRung;
    if (needed && !rungAtLeast(level, needed)) lost.push(mandate.scope.kind === 'general' ? general(mandate.scope.rung) : (service?.names[lang] ?? ''));
  }
  return lost;
}

// --- contact ---

function contactForm(req: Request, res: Response, m: Member, values: { mobile: string; email: string }, errors: FormErrors): void {
  const ctx = pageContext(res);
  const org = currentOrganisation(res);
  const action = paths.userAction(org.id, m.id, 'contact');
  const mobileChangeable = !isOwnMembership(ctx, m) && (m.status === 'awaiting_activation' || m.status === 'active');
  const emailChangeable = m.status === 'awaiting_approval' || m.status === 'awaiting_activation' || m.status === 'activation_expired';
  sendAdminPage(req, res, ctx, {
    status: hasErrors(errors) ? 422 : 200,
    title: ctx.t('users.contact.title'),
    section: 'users',
    body: html`${errorSummary(ctx, errors)}
<section aria-labelledby="mobile-title"><h2 id="mobile-title">${ctx.t('users.contact.mobile.title')}</h2>
${mobileChangeable ? html`<p>${ctx.t('users.contact.mobile.intro')}</p><form method="post" action="${action}" novalidate>${csrfField(ctx)}
${inputField({ name: 'mobile', label: ctx.t('users.contact.mobile.label'), type: 'tel', value: values.mobile, hint: ctx.t('users.contact.mobile.hint'), error: errors.mobile, required: true, autocomplete: 'off', maxLength: 20 })}
<div class="actions"><button type="submit">${ctx.t('users.contact.mobile.submit')}</button></div></form>` : html`<p>${ctx.t('users.contact.mobile.unavailable')}</p>`}</section>
<section aria-labelledby="email-title"><h2 id="email-title">${ctx.t('users.contact.email.title')}</h2>
${emailChangeable ? html`<form method="post" action="${action}" novalidate>${csrfField(ctx)}
${inputField({ name: 'email', label: ctx.t('users.contact.email.label'), type: 'email', value: values.email, error: errors.email, required: true, autocomplete: 'off', maxLength: 254 })}
<div class="actions"><button type="submit">${ctx.t('users.contact.email.submit')}</button></div></form>` : html`<p>${ctx.t('users.contact.email.unavailable')}</p>`}</section>
<p><a href="${paths.user(org.id, m.id)}">${ctx.t('shell.back')}</a></p>`,
  });
}

export function mountChanges(router: import('express').Router, deps: SectionDeps): void {
  router.get('/:memberId/role', async (req, res) => {
    const m = await loadMember(req, res, deps);
    roleForm(req, res, m, m.role, {});
  });
  router.post('/:memberId/role', deps.form, async (req, res) => {
    const ctx = pageContext(res);
    const m = await loadMember(req, res, deps);
    const role = textOf(req.body, 'role');
    if (role !== 'user' && role !== 'administrator') return roleForm(req, res, m, m.role, { role: ctx.t('shell.required') });
    try {
      await deps.registry().changeRole(ctx.actor, currentOrganisation(res).id, m.id, role as MemberRole);
    } catch (err) {
      return roleForm(req, res, m, role, refusalErrors(ctx, err, { 'last-administrator': 'role', 'self-demote': 'role', 'member-above-own-level': 'role', 'invalid-role': 'role' }));
    }
    backToDetail(req, res, m, 'users.role.done', { name: memberName(m), role: ctx.t(`role.${role}`) });
  });

  router.get('/:memberId/level', async (req, res) => {
    const m = await loadMember(req, res, deps);
    levelForm(req, res, m, m.level, {});
  });
  router.post('/:memberId/level', deps.form, async (req, res) => {
    const ctx = pageContext(res);
    const m = await loadMember(req, res, deps);
    const level = textOf(req.body, 'level');
    if (!(MEMBER_LEVELS as readonly string[]).includes(level)) return levelForm(req, res, m, m.level, { level: ctx.t('shell.required') });
    const lost = rungAtLeast(level as MemberLevel, m.level) ? [] : await mandatesLost(deps, m, level as MemberLevel, ctx.lang, (rung) => ctx.t('users.mandates.general', { rung }));
    if (lost.length > 0 && textOf(req.body, 'confirm') !== 'yes') {
      const org = currentOrganisation(res);
      return sendAdminPage(req, res, ctx, {
        title: ctx.t('users.level.title'),
        section: 'users',
        body: confirmationBody(ctx, {
          action: paths.userAction(org.id, m.id, 'level'),
          question: ctx.t('users.level.confirm', { name: memberName(m), level }),
          consequences: [ctx.t('users.level.lowerNote'), ...lost],
          fields: { level, confirm: 'yes' },
          confirmLabel: ctx.t('users.level.submit'),
          cancelHref: paths.user(org.id, m.id),
        }),
      });
    }
    try {
      await deps.registry().changeLevel(ctx.actor, currentOrganisation(res).id, m.id, level as MemberLevel);
    } catch (err) {
      return levelForm(req, res, m, level, refusalErrors(ctx, err, { 'level-above-own': 'level', 'member-above-own-level': 'level', 'invalid-level': 'level' }));
    }
    backToDetail(req, res, m, 'users.level.done', { name: memberName(m), level });
  });

  router.get('/:memberId/contact', async (req, res) => {
    const m = await loadMember(req, res, deps);
    contactForm(req, res, m, { mobile: m.contactMobile ?? '', email: m.contactEmail }, {});
  });
  router.post('/:memberId/contact', deps.form, async (req, res) => {
    const ctx = pageContext(res);
    const m = await loadMember(req, res, deps);
    const mobile = textOf(req.body, 'mobile');
    const email = textOf(req.body, 'email');
    const values = { mobile: mobile || (m.contactMobile ?? ''), email: email || m.contactEmail };
    if (!mobile && !email) return contactForm(req, res, m, values, { [(req.body as Record<string, unknown>).email !== undefined ? 'email' : 'mobile']: ctx.t('shell.required') });
    try {
      await deps.registry().changeContact(ctx.actor, currentOrganisation(res).id, m.id, mobile ? { mobile } : { email });
    } catch (err) {
      return contactForm(req, res, m, values, refusalErrors(ctx, err, { 'invalid-mobile': 'mobile', 'own-mobile': 'mobile', 'mobile-not-changeable': 'mobile', 'invalid-email': 'email', 'email-after-activation': 'email' }));
    }
    backToDetail(req, res, m, 'users.contact.done', { name: memberName(m) });
  });

  router.post('/:memberId/activation', deps.form, async (req, res) => {
    const ctx = pageContext(res);
    const m = await deps.registry().resendActivation(ctx.actor, currentOrganisation(res).id, String(req.params.memberId));
    backToDetail(req, res, m, 'users.resend.done', { name: memberName(m) });
  });
}
