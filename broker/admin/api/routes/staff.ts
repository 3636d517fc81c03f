// The operator's staff roles (issue 9): grant, revoke and list who may open the staff consoles
// (registrar, interviewer, official). Persons are named by DNI/NIE, as at an office counter; the
// roles' rules are the staff registry's (broker/identity/staff/roles.ts), its refusals mapped here.
import { z } from 'zod';
import { ApiError } from '../../api-error.js';
import { defineRoute } from '../route.js';
import { staffRegistryOf } from '../../../identity/staff/index.js';
import { STAFF_ROLES, StaffError, type StaffErrorCode, type StaffGrant } from '../../../identity/staff/roles.js';

const TAG = 'operator';
const STATUS: Record<StaffErrorCode, number> = { 'invalid-document': 422, 'not-found': 404, inactive: 409, 'already-granted': 409, 'not-granted': 404 };

const role = z.enum(STAFF_ROLES).describe('registrar (registration office), interviewer (video identification), official (reviews video identifications for the advanced level)');
const documentNumber = z.string().min(9).max(20).describe('DNI or NIE');
const grant = z.object({
  documentNumber: z.string(),
  role,
  grantedBy: z.string(),
  grantedAt: z.iso.datetime({ offset: true }),
  revokedBy: z.string().nullable(),
  revokedAt: z.iso.datetime({ offset: true }).nullable(),
});

async function staffCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof StaffError) throw new ApiError(STATUS[err.code], err.code, err.message);
    throw err;
  }
}

const view = (g: StaffGrant) => ({ ...g, grantedAt: g.grantedAt.toISOString(), revokedAt: g.revokedAt?.toISOString() ?? null });

export const staffRoutes = [
  defineRoute({
    method: 'post',
    path: '/operator/staff',
    tag: TAG,
    access: 'operator',
    status: 201,
    summary: 'grant a staff role to a registered, active person',
    body: z.object({ documentNumber, role }),
    response: grant,
    handle: async ({ services, body, req }) => view(await staffCall(() => staffRegistryOf(services).grant(body.documentNumber, body.role, 'operator', req.ip))),
  }),
  defineRoute({
    method: 'delete',
    path: '/operator/staff/:documentNumber/:role',
    tag: TAG,
    access: 'operator',
    summary: 'revoke a staff role; the consoles refuse the person at their next request',
    params: z.object({ documentNumber, role }),
    response: grant,
    handle: async ({ services, params, req }) => view(await staffCall(() => staffRegistryOf(services).revoke(params.documentNumber, params.role, 'operator', req.ip))),
  }),
  defineRoute({
    method: 'get',
    path: '/operator/staff',
    tag: TAG,
    access: 'operator',
    summary: 'staff roles held now (history=true: also the revoked ones), of everybody or of one person',
    query: z.object({ documentNumber: documentNumber.optional(), history: z.enum(['true', 'false']).optional() }),
    response: z.array(grant),
    handle: async ({ services, query }) =>
      (await staffCall(() => staffRegistryOf(services).list({ ...(query.documentNumber ? { documentNumber: query.documentNumber } : {}), history: query.history === 'true' }))).map(view),
  }),
];
