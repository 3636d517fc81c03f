// The operator's part (api.operatorToken): organisations from the local register (create with a
// first administrator, add a branch, find by identifier), the approval of member requests with
// the identity document copy to review, and the service catalogue.
import { z } from 'zod';
import { ApiError } from '../../api-error.js';
import { defineRoute } from '../route.js';
import type { NewService, OrganisationIdentifier, OrganisationInput } from '../../../mandates/model.js';
import { addressInput, branch, branchInput, identifierInput, member, newMemberInput, organisation, organisationIdParams, service, serviceInput } from '../schemas.js';

const TAG = 'operator';
const id = z.string().min(1).max(64);

const EXTENSION: Record<string, string> = { 'application/pdf': 'pdf', 'image/png': 'png', 'image/jpeg': 'jpg', 'image/tiff': 'tif', 'image/bmp': 'bmp' };

export const operatorRoutes = [
  defineRoute({
    method: 'post',
    path: '/operator/organisations',
    tag: TAG,
    access: 'operator',
    status: 201,
    summary: 'add an organisation to the local register, optionally with its first administrator (awaiting approval)',
    body: z.object({
      identifier: identifierInput,
      name: z.string().min(1).max(200),
      rsin: z.string().max(20).optional(),
      address: addressInput.optional(),
      phone: z.string().max(30).optional(),
      branches: z.array(branchInput).max(500).optional(),
      firstAdministrator: newMemberInput.optional(),
    }),
    response: z.object({ organisation, administrator: member.nullable() }),
    handle: ({ registry, actor, body }) => registry.createOrganisation(actor, body as OrganisationInput & { firstAdministrator?: z.output<typeof newMemberInput> }),
  }),
  defineRoute({
    method: 'post',
    path: '/operator/organisations/:organisationId/branches',
    tag: TAG,
    access: 'operator',
    status: 201,
    summary: 'add a branch to an organisation',
    params: organisationIdParams,
    body: branchInput,
    response: branch,
    handle: ({ registry, actor, params, body }) => registry.addBranch(actor, params.organisationId, body),
  }),
  defineRoute({
    method: 'get',
    path: '/operator/organisations',
    tag: TAG,
    access: 'operator',
    summary: 'find an organisation by its identifier',
    query: identifierInput,
    response: organisation,
    handle: async ({ registry, query }) => {
      const found = await registry.findOrganisation(query as OrganisationIdentifier);
      if (!found) throw new ApiError(404, 'not-found', 'no organisation with this identifier');
      return found;
    },
  }),
  defineRoute({
    method: 'get',
    path: '/operator/members/pending',
    tag: TAG,
    access: 'operator',
    summary: 'member requests awaiting approval, with the identity document copies to review',
    response: z.array(member.extend({ documents: z.array(z.object({ id: z.string(), mediaType: z.string(), byteSize: z.number().int(), uploadedAt: z.iso.datetime({ offset: true }) })) })),
    handle: async ({ registry, actor, services }) => {
      const pending = await registry.listPendingMembers(actor);
      if (pending.length === 0) return [];
      // only the copies' description; their content is read through the registry (readDocument)
      const docs = await services.db
        .selectFrom('member_documents')
        .select(['id', 'member_id', 'media_type', 'byte_size', 'created_at'])
        .where('member_id', 'in', pending.map((m) => m.id))
        .orderBy('created_at')
        .execute();
      return pending.map((m) => ({
        ...m,
        documents: docs.filter((d) => d.member_id === m.id).map((d) => ({ id: String(d.id), mediaType: d.media_type, byteSize: d.byte_size, uploadedAt: d.created_at })),
      }));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/operator/members/:memberId/approval',
    tag: TAG,
    access: 'operator',
    summary: 'approve a member request: awaiting activation, the activation link e-mailed',
    params: z.object({ memberId: id }),
    response: member,
    handle: ({ registry, actor, params }) => registry.approveMember(actor, params.memberId),
  }),
  defineRoute({
    method: 'post',
    path: '/operator/members/:memberId/rejection',
    tag: TAG,
    access: 'operator',
    summary: 'reject a member request with a reason',
    params: z.object({ memberId: id }),
    body: z.object({ reason: z.string().min(1).max(1000) }),
    response: member,
    handle: ({ registry, actor, params, body }) => registry.rejectMember(actor, params.memberId, body.reason),
  }),
  defineRoute({
    method: 'get',
    path: '/operator/documents/:documentId',
    tag: TAG,
    access: 'operator',
    summary: 'the identity document copy of a member request (decrypted), for the approval review',
    params: z.object({ documentId: id }),
    response: { kind: 'file', mediaTypes: Object.keys(EXTENSION) },
    handle: async ({ registry, actor, params }) => {
      const doc = await registry.readDocument(actor, params.documentId);
      return { kind: 'file', mediaType: doc.mediaType, filename: `document-${params.documentId}.${EXTENSION[doc.mediaType] ?? 'bin'}`, bytes: doc.bytes };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/operator/services',
    tag: TAG,
    access: 'operator',
    summary: 'add or replace a service of the catalogue (by serviceId)',
    body: serviceInput,
    response: service,
    handle: ({ registry, actor, body }) => registry.putService(actor, body as NewService),
  }),
  defineRoute({
    method: 'get',
    path: '/operator/services',
    tag: TAG,
    access: 'operator',
    summary: 'the service catalogue',
    response: z.array(service),
    handle: ({ registry }) => registry.listServices(),
  }),
];
