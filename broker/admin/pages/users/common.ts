// What the users pages share: a member's display name, the administrator's own membership (whose
// level caps what they give), the members of the other organisations they administer that are the
// same person (seed 004 §3.4 step 3, §3.2.2), and loading the member a page is about.
import type { Member, MemberLevel, MemberSubject, Organisation } from '../../../mandates/model.js';
import { MEMBER_LEVELS } from '../../../mandates/model.js';
import { rungAtLeast } from '../../../loa.js';
import type { Request, Response } from 'express';
import { html } from '../../../web/html.js';
import { currentOrganisation, pageContext, type AdminPageContext } from '../context.js';
import { sendAdminPage } from '../layout.js';
import { paths } from '../paths.js';
import type { SectionDeps } from '../section.js';

export const memberName = (m: Pick<Member, 'givenName' | 'surname'>) => `${m.givenName} ${m.surname}`;

/** the level of the administrator's own membership in the organisation (they administer it) */
export function ownLevel(ctx: AdminPageContext, organisationId: string): MemberLevel {
  const own = ctx.memberships.find((m) => m.organisation.id === organisationId && m.member.role === 'administrator' && m.member.status === 'active');
  if (!own) throw new TypeError('an organisation page for someone who does not administer it');
  return own.member.level;
}

/** the levels an administrator may give, in order, each marked whether it is within their own */
export function levelsUpTo(own: MemberLevel): { level: MemberLevel; allowed: boolean }[] {
  return MEMBER_LEVELS.map((level) => ({ level, allowed: rungAtLeast(own, level) }));
}

export function isOwnMembership(ctx: AdminPageContext, member: Member): boolean {
  return member.personId !== null && member.personId === ctx.login.personId;
}

/** Whether two memberships are for the same person: bound to one person, or requested for one subject. */
export function samePerson(a: Member, b: Member): boolean {
  if (a.personId && b.personId) return a.personId === b.personId;
  return subjectKey(a.subject) === subjectKey(b.subject);
}

function subjectKey(s: MemberSubject): string {
  if (s.kind === 'registry') return `registry:${s.documentNumber.toUpperCase()}`;
  if (s.kind === 'eidas') return `eidas:${s.personIdentifier}`;
  return `invitation:${s.email.toLowerCase()}`;
}

/** Open memberships of the same person in the other organisations the administrator administers. */
export async function sameUserElsewhere(
  ctx: AdminPageContext,
  current: Organisation,
  member: Member,
  listMembers: (organisationId: string) => Promise<readonly Member[]>,
): Promise<{ organisation: Organisation; member: Member }[]> {
  const found: { organisation: Organisation; member: Member }[] = [];
  for (const organisation of ctx.administered.filter((o) => o.id !== current.id)) {
    const match = (await listMembers(organisation.id)).find((m) => samePerson(m, member) && m.status !== 'ended' && m.status !== 'rejected');
    if (match) found.push({ organisation, member: match });
  }
  return found;
}

/**
 * A form page for an action the registry would refuse for this member in its present state: the
 * refusal's text (409) and the way back, instead of a form whose every submission fails.
 */
export function unavailablePage(req: Request, res: Response, title: string, reasonKey: string, m: Member): void {
  const ctx = pageContext(res);
  sendAdminPage(req, res, ctx, {
    status: 409,
    title,
    section: 'users',
    body: html`<p class="error" role="alert">${ctx.t(reasonKey)}</p><p><a href="${paths.user(currentOrganisation(res).id, m.id)}">${ctx.t('shell.back')}</a></p>`,
  });
}

/** the file field's error when the whole upload was over the body cap (multipart.ts) */
export function uploadTooLarge(res: Response, deps: SectionDeps): string {
  return pageContext(res).t('users.new.upload.tooLarge', { mb: String(Math.floor(deps.services.config.mandates.documentMaxBytes / 1048576)) });
}
