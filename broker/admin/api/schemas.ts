// The management API's shapes as zod schemas: inputs as the API accepts them (the registry still
// enforces every domain rule), outputs as the JSON the domain objects of broker/mandates/model.ts
// become (instants as ISO 8601 strings, days as yyyy-mm-dd).
import { z } from 'zod';
import { LOA_RUNGS } from '../../loa.js';
import { MEMBER_LEVELS, type MemberLevel } from '../../mandates/model.js';

export const errorBody = z
  .object({
    error: z.string().describe('stable code: not-found, forbidden, conflict, invalid, invalid-input, unauthenticated, csrf, …'),
    reason: z.string().optional().describe('stable machine-readable reason, e.g. last-administrator'),
    message: z.string().describe('safe to show'),
    issues: z.array(z.object({ path: z.string(), message: z.string(), code: z.string() })).optional().describe('what was wrong with the input'),
  });

const instant = z.iso.datetime({ offset: true });
const day = z.iso.date();
const id = z.string().min(1).max(64);
export const rung = z.enum(LOA_RUNGS);
export const memberLevel = z.enum(MEMBER_LEVELS as [MemberLevel, ...MemberLevel[]]);
export const memberRole = z.enum(['administrator', 'user']);

export const organisationIdParams = z.object({ organisationId: id });
export const memberParams = z.object({ organisationId: id, memberId: id });

// --- inputs ---
export const identifierInput = z.object({
  type: z.enum(['kvk', 'rsin', 'nif', 'vat', 'lei', 'eidas']).describe('identifier type'),
  value: z.string().min(1).max(100).describe('the identifier; normalised by the registry'),
});

export const addressInput = z.object({
  street: z.string().max(200).nullable(),
  postcode: z.string().max(20).nullable(),
  city: z.string().max(100).nullable(),
  country: z.string().length(2).nullable().describe('ISO 3166-1 alpha-2'),
});

export const branchInput = z.object({ branchNumber: z.string().regex(/^[0-9]{12}$/).describe('vestigingsnummer, 12 digits'), name: z.string().min(1).max(200), address: addressInput.optional() });

export const subjectInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('registry'), documentType: z.enum(['DNI', 'NIE']), documentNumber: z.string().min(1).max(20) }),
  z.object({ kind: z.literal('eidas'), personIdentifier: z.string().min(1).max(256) }),
  z.object({ kind: z.literal('invitation'), email: z.string().min(3).max(254) }),
]);

export const newMemberInput = z.object({
  subject: subjectInput,
  givenName: z.string().min(1).max(100),
  surname: z.string().min(1).max(200),
  dateOfBirth: day.optional(),
  idDocument: z
    .object({ type: z.enum(['DNI', 'NIE', 'passport', 'identity-card', 'residence-permit', 'driving-licence']), number: z.string().min(1).max(40), expiry: day.optional() })
    .optional()
    .describe('the identity document the copy shows (seed 004 §3.2)'),
  role: memberRole,
  level: memberLevel,
  contactMobile: z.string().max(20).optional(),
  contactEmail: z.string().min(3).max(254),
  periodEnd: day.optional(),
});

export const scopeInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('service'), serviceId: id.describe('the catalogue id of the service') }),
  z.object({ kind: z.literal('general'), rung: rung.describe('general authority: every service up to this rung, including services added later') }),
]);

export const durationInput = z.union([
  z.object({ years: z.union([z.literal(1), z.literal(3), z.literal(5)]) }).strict(),
  z.object({ endDate: day.describe('the first day it no longer holds; earliest tomorrow') }).strict(),
]);

export const serviceInput = z.object({
  serviceId: z.string().min(1).max(200),
  serviceUuid: z.uuid(),
  spEntityID: z.string().min(1).max(1024),
  acsIndex: z.number().int().min(0).max(65535).nullable(),
  isDefault: z.boolean(),
  names: z.object({ nl: z.string().min(1).max(200), en: z.string().min(1).max(200), es: z.string().min(1).max(200) }),
  minRung: rung,
  representation: z.enum(['none', 'optional', 'required']),
  acceptsChain: z.boolean(),
});

// --- outputs ---
export const identifier = z.object({ type: z.string(), value: z.string() });
export const address = z.object({ street: z.string().nullable(), postcode: z.string().nullable(), city: z.string().nullable(), country: z.string().nullable() });
export const branch = z.object({ id, organisationId: id, branchNumber: z.string(), name: z.string(), address: address.nullable() });

export const organisation = z
  .object({
    id,
    identifier,
    name: z.string(),
    rsin: z.string().nullable(),
    address: address.nullable(),
    phone: z.string().nullable(),
    status: z.enum(['active', 'ended']),
    endedAt: instant.nullable(),
    branches: z.array(branch),
    createdAt: instant,
  });

export const subject = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('registry'), documentType: z.enum(['DNI', 'NIE']), documentNumber: z.string() }),
  z.object({ kind: z.literal('eidas'), personIdentifier: z.string() }),
  z.object({ kind: z.literal('invitation'), email: z.string() }),
]);

export const member = z
  .object({
    id,
    organisationId: id,
    // (the registry person's id stays inside the broker: persons are named by their document)
    subject,
    givenName: z.string(),
    surname: z.string(),
    dateOfBirth: day.nullable(),
    idDocument: z.object({ type: z.string(), number: z.string(), expiry: day.nullable() }).nullable(),
    role: memberRole,
    level: memberLevel,
    contactMobile: z.string().nullable(),
    contactEmail: z.string(),
    status: z.enum(['awaiting_approval', 'awaiting_activation', 'active', 'activation_expired', 'rejected', 'ended']),
    approvedAt: instant.nullable(),
    activationDeadline: instant.nullable(),
    activatedAt: instant.nullable(),
    rejectionReason: z.string().nullable(),
    endDate: day.nullable(),
    periodEnd: day.nullable(),
    endedAt: instant.nullable(),
    createdAt: instant,
  });

export const scope = z.discriminatedUnion('kind', [z.object({ kind: z.literal('service'), serviceId: z.string() }), z.object({ kind: z.literal('general'), rung })]);

export const mandate = z
  .object({
    id,
    organisationId: id,
    memberId: id,
    scope,
    branchId: z.string().nullable(),
    startDate: day,
    endDate: day,
    revokedAt: instant.nullable(),
    grantedBy: z.string().nullable(),
    lastUsedAt: instant.nullable(),
    endingSoon: z.boolean(),
  });

export const chainMandate = z
  .object({
    id,
    clientOrganisationId: id,
    intermediaryOrganisationId: id,
    scope,
    branchId: z.string().nullable(),
    startDate: day,
    endDate: day,
    revokedAt: instant.nullable(),
    grantedBy: z.string().nullable(),
    endingSoon: z.boolean(),
  });

export const service = z
  .object({
    id,
    serviceId: z.string(),
    serviceUuid: z.string(),
    spEntityID: z.string(),
    acsIndex: z.number().int().nullable(),
    isDefault: z.boolean(),
    names: z.object({ nl: z.string(), en: z.string(), es: z.string() }),
    minRung: rung,
    representation: z.enum(['none', 'optional', 'required']),
    acceptsChain: z.boolean(),
  });

export const memberWithMandates = member.extend({
  mandates: z.array(mandate),
  secondFactor: z.enum(['sms', 'totp', 'email']).nullable().describe("the second factor the member's reinforced logins offer first; null before activation"),
});

export const serviceMandates = z.object({
  scope,
  service: service.nullable(),
  mandates: z.array(mandate.extend({ member: z.object({ id, givenName: z.string(), surname: z.string(), level: memberLevel, status: member.shape.status }) })),
});

export const membership = z.object({ member, organisation });
