// Table rows to the shared domain types (model.ts). Statuses that depend on the day are computed
// here on every read: an awaiting activation past its deadline reads as activation_expired, a
// membership whose planned end date has come reads as ended, without a job having to run.
import type { Selectable } from 'kysely';
import type { ChainMandatesTable, MandatesTable, MembersTable, OrganisationBranchesTable, OrganisationsTable, ServicesTable } from '../store/schema.js';
import type { Ctx, Tx } from './context.js';
import type { Day } from './dates.js';
import type { Branch, ChainMandate, IdentityDocumentType, Mandate, MandateScope, Member, MemberStatus, MemberSubject, Organisation, Service } from './model.js';

export type OrganisationRow = Selectable<OrganisationsTable>;
export type BranchRow = Selectable<OrganisationBranchesTable>;
export type MemberRow = Selectable<MembersTable>;
export type MandateRow = Selectable<MandatesTable>;
export type ChainMandateRow = Selectable<ChainMandatesTable>;
export type ServiceRow = Selectable<ServicesTable>;

export function toBranch(r: BranchRow): Branch {
  const hasAddress = r.street !== null || r.postcode !== null || r.city !== null;
  return {
    id: r.id,
    organisationId: r.organisation_id,
    branchNumber: r.branch_number,
    name: r.name,
    address: hasAddress ? { street: r.street, postcode: r.postcode, city: r.city, country: null } : null,
  };
}

export function toOrganisation(r: OrganisationRow, branches: readonly BranchRow[]): Organisation {
  const hasAddress = r.street !== null || r.postcode !== null || r.city !== null || r.country !== null;
  return {
    id: r.id,
    identifier: { type: r.identifier_type, value: r.identifier },
    name: r.name,
    rsin: r.rsin,
    address: hasAddress ? { street: r.street, postcode: r.postcode, city: r.city, country: r.country } : null,
    phone: r.phone,
    status: r.status,
    endedAt: r.ended_at,
    branches: branches.filter((b) => b.organisation_id === r.id).map(toBranch),
    createdAt: r.created_at,
  };
}

/** organisations by id with their branches */
export async function loadOrganisations(db: Tx, ids: readonly string[]): Promise<Map<string, Organisation>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom('organisations').selectAll().where('id', 'in', unique).execute();
  const branches = await db.selectFrom('organisation_branches').selectAll().where('organisation_id', 'in', unique).orderBy('branch_number').execute();
  return new Map(rows.map((r) => [r.id, toOrganisation(r, branches)]));
}

export function effectiveStatus(r: MemberRow, now: Date, today: Day): MemberStatus {
  if (r.status === 'rejected' || r.status === 'ended') return r.status;
  if (r.end_date !== null && r.end_date <= today) return 'ended';
  if (r.status === 'awaiting_activation' && r.activation_deadline !== null && r.activation_deadline <= now) return 'activation_expired';
  return r.status;
}

/** still part of the organisation: neither rejected nor ended (a planned end not yet come counts) */
export function isOpen(r: MemberRow, now: Date, today: Day): boolean {
  const s = effectiveStatus(r, now, today);
  return s !== 'rejected' && s !== 'ended';
}

function subjectOf(r: MemberRow): MemberSubject {
  if (r.subject_kind === 'registry') return { kind: 'registry', documentType: r.document_type!, documentNumber: r.document_number! };
  if (r.subject_kind === 'eidas') return { kind: 'eidas', personIdentifier: r.eidas_person_identifier! };
  return { kind: 'invitation', email: r.invitation_email! };
}

export function toMember(ctx: Ctx, r: MemberRow): Member {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    personId: r.person_id,
    subject: subjectOf(r),
    givenName: r.given_name,
    surname: r.surname,
    dateOfBirth: r.date_of_birth,
    idDocument: r.id_document_type && r.id_document_number ? { type: r.id_document_type as IdentityDocumentType, number: r.id_document_number, expiry: r.id_document_expiry } : null,
    role: r.role,
    level: r.level,
    contactMobile: r.contact_mobile,
    contactEmail: r.contact_email,
    status: effectiveStatus(r, ctx.now(), ctx.calendar.today()),
    approvedAt: r.approved_at,
    activationDeadline: r.activation_deadline,
    activatedAt: r.activated_at,
    rejectionReason: r.rejection_reason,
    endDate: r.end_date,
    periodEnd: r.period_end,
    endedAt: r.ended_at,
    createdAt: r.created_at,
  };
}

export function scopeOf(r: { service_id: string | null; general_authority_rung: MandateRow['general_authority_rung'] }): MandateScope {
  return r.service_id !== null ? { kind: 'service', serviceId: r.service_id } : { kind: 'general', rung: r.general_authority_rung! };
}

export function toMandate(ctx: Ctx, r: MandateRow): Mandate {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    memberId: r.member_id,
    scope: scopeOf(r),
    branchId: r.branch_id,
    startDate: r.start_date,
    endDate: r.end_date,
    revokedAt: r.revoked_at,
    grantedBy: r.granted_by,
    lastUsedAt: r.last_used_at,
    endingSoon: r.revoked_at === null && ctx.calendar.endsWithinMonths(r.end_date, ctx.cfg.endingSoonMonths),
  };
}

export function toChainMandate(ctx: Ctx, r: ChainMandateRow): ChainMandate {
  return {
    id: r.id,
    clientOrganisationId: r.client_organisation_id,
    intermediaryOrganisationId: r.intermediary_organisation_id,
    scope: scopeOf(r),
    branchId: r.branch_id,
    startDate: r.start_date,
    endDate: r.end_date,
    revokedAt: r.revoked_at,
    grantedBy: r.granted_by,
    endingSoon: r.revoked_at === null && ctx.calendar.endsWithinMonths(r.end_date, ctx.cfg.endingSoonMonths),
  };
}

export function toService(r: ServiceRow): Service {
  return {
    id: r.id,
    serviceId: r.service_id,
    serviceUuid: r.service_uuid,
    spEntityID: r.sp_entity_id,
    acsIndex: r.acs_index,
    isDefault: r.is_default,
    names: { nl: r.name_nl, en: r.name_en, es: r.name_es },
    minRung: r.min_rung,
    representation: r.representation,
    acceptsChain: r.accepts_chain,
  };
}
