// An administrator's organisation: its details and branches, its members (list with search,
// detail with mandates, add with identity document data, role, level, contact details, a new
// activation, ending) and the identity document copy of a new member.
import { z } from 'zod';
import { defineRoute } from '../route.js';
import { branch, member, memberLevel, memberParams, memberRole, memberWithMandates, newMemberInput, organisation, organisationIdParams } from '../schemas.js';

const TAG = 'members';

/** what the seed accepts (pdf/png/jpg/tif/bmp); the registry checks the type by content */
export const DOCUMENT_MEDIA_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'image/tiff', 'image/bmp', 'application/octet-stream'] as const;

export const memberRoutes = [
  defineRoute({
    method: 'get',
    path: '/organisations/:organisationId',
    tag: 'organisation',
    access: 'session',
    summary: 'the organisation I administer, with its branches',
    params: organisationIdParams,
    response: organisation,
    handle: ({ registry, actor, params }) => registry.getOrganisation(actor, params.organisationId),
  }),
  defineRoute({
    method: 'get',
    path: '/organisations/:organisationId/branches',
    tag: 'organisation',
    access: 'session',
    summary: "the organisation's branches",
    params: organisationIdParams,
    response: z.array(branch),
    handle: async ({ registry, actor, params }) => (await registry.getOrganisation(actor, params.organisationId)).branches,
  }),
  defineRoute({
    method: 'get',
    path: '/organisations/:organisationId/members',
    tag: TAG,
    access: 'session',
    summary: 'members of the organisation (rejected requests left out), optionally searched by name, e-mail or document',
    params: organisationIdParams,
    query: z.object({ search: z.string().max(100).optional() }),
    response: z.array(member),
    handle: ({ registry, actor, params, query }) => registry.listMembers(actor, params.organisationId, query.search ? { search: query.search } : {}),
  }),
  defineRoute({
    method: 'post',
    path: '/organisations/:organisationId/members',
    tag: TAG,
    access: 'session',
    status: 201,
    summary: 'request a new member, with identity document data, in this organisation and optionally others I administer (all or nothing)',
    description: 'Each request awaits the operator\'s approval; the identity document copy follows with PUT …/members/{memberId}/document.',
    params: organisationIdParams,
    body: newMemberInput.extend({ alsoOrganisationIds: z.array(z.string().min(1).max(64)).max(50).optional().describe('other organisations I administer to add the member to') }),
    response: z.array(member),
    handle: ({ registry, actor, params, body }) => {
      const { alsoOrganisationIds, ...newMember } = body;
      return registry.addMember(actor, [params.organisationId, ...(alsoOrganisationIds ?? []).filter((o) => o !== params.organisationId)], newMember);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/organisations/:organisationId/members/:memberId',
    tag: TAG,
    access: 'session',
    summary: 'one member with their mandates',
    params: memberParams,
    response: memberWithMandates,
    handle: ({ registry, actor, params }) => registry.getMember(actor, params.organisationId, params.memberId),
  }),
  defineRoute({
    method: 'put',
    path: '/organisations/:organisationId/members/:memberId/role',
    tag: TAG,
    access: 'session',
    summary: "change a member's role (never the last administrator's)",
    params: memberParams,
    body: z.object({ role: memberRole }),
    response: member,
    handle: ({ registry, actor, params, body }) => registry.changeRole(actor, params.organisationId, params.memberId, body.role),
  }),
  defineRoute({
    method: 'put',
    path: '/organisations/:organisationId/members/:memberId/level',
    tag: TAG,
    access: 'session',
    summary: "change a member's level, up to my own",
    params: memberParams,
    body: z.object({ level: memberLevel }),
    response: member,
    handle: ({ registry, actor, params, body }) => registry.changeLevel(actor, params.organisationId, params.memberId, body.level),
  }),
  defineRoute({
    method: 'patch',
    path: '/organisations/:organisationId/members/:memberId/contact',
    tag: TAG,
    access: 'session',
    summary: "change the membership's contact mobile (awaiting activation or active, never my own) or e-mail (before activation)",
    params: memberParams,
    body: z.object({ mobile: z.string().min(1).max(20).optional(), email: z.string().min(3).max(254).optional() }).refine((b) => b.mobile !== undefined || b.email !== undefined, 'mobile or email is required'),
    response: member,
    handle: ({ registry, actor, params, body }) =>
      registry.changeContact(actor, params.organisationId, params.memberId, { ...(body.mobile !== undefined ? { mobile: body.mobile } : {}), ...(body.email !== undefined ? { email: body.email } : {}) }),
  }),
  defineRoute({
    method: 'post',
    path: '/organisations/:organisationId/members/:memberId/activation',
    tag: TAG,
    access: 'session',
    summary: 'send a new activation link to a member whose activation expired',
    params: memberParams,
    response: member,
    handle: ({ registry, actor, params }) => registry.resendActivation(actor, params.organisationId, params.memberId),
  }),
  defineRoute({
    method: 'post',
    path: '/organisations/:organisationId/members/:memberId/end',
    tag: TAG,
    access: 'session',
    summary: 'end a membership now, on a date or at the end of its period',
    description: 'The last administrator ending their own membership, with no other member left, ends the whole organisation: only with confirmEndOrganisation (seed 004 §3.4.1).',
    params: memberParams,
    body: z.object({ when: z.enum(['now', 'date', 'period-end']), date: z.iso.date().optional(), confirmEndOrganisation: z.boolean().optional() }),
    response: z.object({ member, organisationEnded: z.boolean() }),
    handle: ({ registry, actor, params, body }) =>
      registry.endMember(actor, params.organisationId, params.memberId, {
        when: body.when,
        ...(body.date !== undefined ? { date: body.date } : {}),
        ...(body.confirmEndOrganisation !== undefined ? { confirmEndOrganisation: body.confirmEndOrganisation } : {}),
      }),
  }),
  defineRoute({
    method: 'put',
    path: '/organisations/:organisationId/members/:memberId/document',
    tag: TAG,
    access: 'session',
    status: 201,
    summary: 'upload the copy of the identity document of a member awaiting approval (pdf, png, jpg, tif or bmp; at most mandates.documentMaxBytes)',
    description: 'The body is the file itself; its type is checked by content. The copy is encrypted at rest and deleted mandates.documentRetentionDays after the decision.',
    params: memberParams,
    rawBody: { mediaTypes: DOCUMENT_MEDIA_TYPES },
    response: z.object({ id: z.string(), mediaType: z.string(), byteSize: z.number().int() }),
    handle: ({ registry, actor, params, body }) => registry.attachDocument(actor, params.organisationId, params.memberId, body as unknown as Buffer),
  }),
];
