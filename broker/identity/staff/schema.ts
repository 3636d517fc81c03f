// Table types of the staff roles, office registrations and guardianships (migration 0005), merged into DbSchema.
import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface StaffRolesTable {
  id: Generated<string>;
  person_id: string;
  role: 'registrar' | 'interviewer' | 'official';
  /** 'operator' (the operator token API) or 'operator-cli' (the staff command on the database) */
  granted_by: string;
  granted_at: Timestamp;
  revoked_by: string | null;
  revoked_at: Timestamp | null;
}

export interface OfficeRegistrationsTable {
  id: Generated<string>;
  person_id: string;
  kind: 'new' | 'upgrade';
  document_type: 'DNI' | 'NIE';
  /** ISO 3166-1 alpha-2, from the document shown */
  nationality: string;
  minor: boolean;
  registrar_id: string | null;
  registered_at: Timestamp;
}

export interface GuardianshipsTable {
  id: Generated<string>;
  minor_person_id: string;
  guardian_document_kind: 'DNI' | 'NIE' | 'passport';
  guardian_document_number: string;
  guardian_given_name: string;
  guardian_first_surname: string;
  guardian_second_surname: string | null;
  relationship: 'parent' | 'legal-guardian';
  proof_kind: 'family-book' | 'civil-registry-certificate' | 'court-order';
  proof_reference: string;
  recorded_by: string | null;
  recorded_at: Timestamp;
}

export interface StaffTables {
  staff_roles: StaffRolesTable;
  office_registrations: OfficeRegistrationsTable;
  guardianships: GuardianshipsTable;
}

export type StaffRoleRow = Selectable<StaffRolesTable>;
export type GuardianshipRow = Selectable<GuardianshipsTable>;
