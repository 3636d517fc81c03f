// Mandates of an organisation's members (per service, in bulk, one at a time), general authority
// (a scope of grant: every service up to a rung), and chain mandates given to intermediaries and
// received from clients.
import { z } from 'zod';
import { defineRoute } from '../route.js';
import type { MandateDuration, MandateScope, OrganisationIdentifier } from '../../../mandates/model.js';
import { chainMandate, durationInput, identifierInput, mandate, organisation, organisationIdParams, scopeInput, serviceMandates } from '../schemas.js';

const id = z.string().min(1).max(64);
const withOptional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));

export const mandateRoutes = [
  defineRoute({
    method: 'get',
    path: '/organisations/:organisationId/mandates',
    tag: 'mandates',
    access: 'session',
    summary: 'mandates per service (and general authority), with the members holding them',
    params: organisationIdParams,
    response: z.array(serviceMandates),
    handle: ({ registry, actor, params }) => registry.listMandates(actor, params.organisationId),
  }),
  defineRoute({
    method: 'post',
    path: '/organisations/:organisationId/mandates',
    tag: 'mandates',
    access: 'session',
    status: 201,
    summary: 'grant, extend or set the end of mandates in bulk: every member × every scope, all or nothing',
    description: 'A scope is a service or general authority up to a rung (seed 004 §4.2, §4.4, §4.5). An existing mandate gets the new end date. Without duration: mandates.defaultYears.',
    params: organisationIdParams,
    body: z.object({ memberIds: z.array(id).min(1).max(500), scopes: z.array(scopeInput).min(1).max(200), duration: durationInput.optional(), branchId: id.optional() }),
    response: z.array(mandate),
    handle: ({ registry, actor, params, body }) =>
      registry.grantMandates(actor, params.organisationId, {
        memberIds: body.memberIds,
        scopes: body.scopes as MandateScope[],
        ...withOptional('duration', body.duration as MandateDuration | undefined),
        ...withOptional('branchId', body.branchId),
      }),
  }),
  defineRoute({
    method: 'put',
    path: '/organisations/:organisationId/mandates/:mandateId/end',
    tag: 'mandates',
    access: 'session',
    summary: "extend or shorten one mandate (earliest tomorrow, at most mandates.maxYears ahead)",
    params: z.object({ organisationId: id, mandateId: id }),
    body: z.object({ duration: durationInput }),
    response: mandate,
    handle: ({ registry, actor, params, body }) => registry.setMandateEnd(actor, params.organisationId, params.mandateId, body.duration as MandateDuration),
  }),
  defineRoute({
    method: 'delete',
    path: '/organisations/:organisationId/mandates/:mandateId',
    tag: 'mandates',
    access: 'session',
    status: 204,
    summary: 'revoke a mandate at once: the next login no longer finds it',
    params: z.object({ organisationId: id, mandateId: id }),
    response: null,
    handle: ({ registry, actor, params }) => registry.revokeMandate(actor, params.organisationId, params.mandateId),
  }),
  defineRoute({
    method: 'get',
    path: '/organisations/:organisationId/chain-mandates/given',
    tag: 'chain mandates',
    access: 'session',
    summary: 'chain mandates this organisation gave, per intermediary ("afgegeven")',
    params: organisationIdParams,
    response: z.array(z.object({ intermediary: organisation, chainMandates: z.array(chainMandate) })),
    handle: ({ registry, actor, params }) => registry.listChainMandatesGiven(actor, params.organisationId),
  }),
  defineRoute({
    method: 'post',
    path: '/organisations/:organisationId/chain-mandates/given',
    tag: 'chain mandates',
    access: 'session',
    status: 201,
    summary: 'give an intermediary, found by its identifier, chain mandates for services or general authority',
    params: organisationIdParams,
    body: z.object({ intermediary: identifierInput, scopes: z.array(scopeInput).min(1).max(200), duration: durationInput.optional(), branchId: id.optional(), notifyEmail: z.string().min(3).max(254).optional() }),
    response: z.array(chainMandate),
    handle: ({ registry, actor, params, body }) =>
      registry.grantChainMandates(actor, params.organisationId, {
        intermediary: body.intermediary as OrganisationIdentifier,
        scopes: body.scopes as MandateScope[],
        ...withOptional('duration', body.duration as MandateDuration | undefined),
        ...withOptional('branchId', body.branchId),
        ...withOptional('notifyEmail', body.notifyEmail),
      }),
  }),
  defineRoute({
    method: 'put',
    path: '/organisations/:organisationId/chain-mandates/given/:chainMandateId/end',
    tag: 'chain mandates',
    access: 'session',
    summary: 'extend or shorten one chain mandate',
    params: z.object({ organisationId: id, chainMandateId: id }),
    body: z.object({ duration: durationInput }),
    response: chainMandate,
    handle: ({ registry, actor, params, body }) => registry.setChainMandateEnd(actor, params.organisationId, params.chainMandateId, body.duration as MandateDuration),
  }),
  defineRoute({
    method: 'delete',
    path: '/organisations/:organisationId/chain-mandates/given/:chainMandateId',
    tag: 'chain mandates',
    access: 'session',
    status: 204,
    summary: 'revoke one chain mandate at once',
    params: z.object({ organisationId: id, chainMandateId: id }),
    response: null,
    handle: ({ registry, actor, params }) => registry.revokeChainMandate(actor, params.organisationId, params.chainMandateId),
  }),
  defineRoute({
    method: 'delete',
    path: '/organisations/:organisationId/chain-mandates/intermediaries/:intermediaryOrganisationId',
    tag: 'chain mandates',
    access: 'session',
    summary: 'remove an intermediary with all its chain mandates from this organisation',
    params: z.object({ organisationId: id, intermediaryOrganisationId: id }),
    response: z.object({ removed: z.number().int() }),
    handle: async ({ registry, actor, params }) => ({ removed: await registry.removeIntermediary(actor, params.organisationId, params.intermediaryOrganisationId) }),
  }),
  defineRoute({
    method: 'get',
    path: '/organisations/:organisationId/chain-mandates/received',
    tag: 'chain mandates',
    access: 'session',
    summary: 'chain mandates this organisation received from clients ("van relaties")',
    params: organisationIdParams,
    response: z.array(z.object({ client: organisation, chainMandates: z.array(chainMandate) })),
    handle: ({ registry, actor, params }) => registry.listChainMandatesReceived(actor, params.organisationId),
  }),
];
