// The durable schema as Kysely sees it (design.md "Stack": PostgreSQL through Kysely, PGlite
// embedded). Column names are snake_case as in SQL; broker code maps rows to its own types
// (identity/person.ts) at the edge of each store module. `date` columns arrive as 'yyyy-mm-dd'
// strings and `bigint` as strings: db.ts installs those parsers on both drivers so PostgreSQL and
// PGlite return the same shapes.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { VideoTables } from '../identity/channels/video/schema.js';
import type { LetterTables } from '../identity/channels/letter/schema.js';
import type { StaffTables } from '../identity/staff/schema.js';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string, string>;

export interface PersonsTable {
  id: Generated<string>; // uuid
  document_type: 'DNI' | 'NIE' | null;
  document_number: string | null;
  document_date: string | null; // yyyy-mm-dd
  support_number: string | null;
  eidas_person_identifier: string | null;
  given_name: string;
  first_surname: string;
  second_surname: string | null;
  date_of_birth: string | null; // yyyy-mm-dd
  mobile: string | null; // E.164
  email: string | null;
  registration_level: 'basic' | 'advanced';
  status: Generated<'active' | 'suspended' | 'renounced'>;
  /** migration 0008: when the person renounced (the retention purge counts from it) */
  renounced_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface PairwisePseudonymsTable {
  person_id: string;
  sp_entity_id: string;
  name_id: string;
  /** version of keys.pseudonymSecrets that derived name_id; kept so rotation never changes it */
  secret_version: number;
  created_at: CreatedAt;
}

export interface LoginHistoryTable {
  id: Generated<string>; // bigserial, as a string
  person_id: string;
  sp_entity_id: string;
  method: string;
  loa: string;
  outcome: string;
  ip: string | null;
  at: ColumnType<Date, Date | string | undefined, never>;
}

export interface AuditLogTable {
  id: Generated<string>; // bigserial, as a string
  actor: string;
  action: string;
  subject: string | null;
  detail: Json | null;
  ip: string | null;
  at: ColumnType<Date, Date | string | undefined, never>;
}

export interface PermanenteAccountsTable {
  person_id: string;
  state: 'pending' | 'active' | 'cancelled';
  activation_code_hash: string | null;
  activation_code_issued_at: Date | null;
  activation_wrong_codes: Generated<number>;
  activation_blocked_at: Date | null;
  password_hash: string | null;
  password_changed_at: Date | null;
  failed_attempts: Generated<number>;
  blocked_at: Date | null;
  second_factor: Generated<'sms' | 'totp' | 'email'>;
  email_codes: Generated<boolean>;
  totp_secret_sealed: string | null;
  /** the time step of the last accepted authenticator code: each code is usable once */
  totp_last_step: number | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface PermanentePasswordHistoryTable {
  id: Generated<string>;
  person_id: string;
  password_hash: string;
  retired_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface DevicesTable {
  id: Generated<string>; // uuid
  person_id: string;
  public_key_pem: string;
  push_kind: 'webhook' | 'token';
  /** the webhook URL or the push-service token */
  push_target: string;
  label: string;
  status: Generated<'active' | 'deactivated'>;
  activated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  deactivated_at: Date | null;
  last_seen_at: Date | null;
}

type DateColumn = string; // yyyy-mm-dd
type Rung = '1' | '2' | '2+' | '3' | '4';

export interface OrganisationsTable {
  id: Generated<string>;
  identifier_type: 'kvk' | 'rsin' | 'nif' | 'vat' | 'lei' | 'eidas';
  identifier: string;
  name: string;
  rsin: string | null;
  street: string | null;
  postcode: string | null;
  city: string | null;
  country: string | null; // ISO 3166-1 alpha-2
  phone: string | null;
  status: Generated<'active' | 'ended'>;
  ended_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface OrganisationBranchesTable {
  id: Generated<string>;
  organisation_id: string;
  branch_number: string;
  name: string;
  street: string | null;
  postcode: string | null;
  city: string | null;
  created_at: CreatedAt;
}

export interface ServicesTable {
  id: Generated<string>;
  service_id: string;
  service_uuid: string;
  sp_entity_id: string;
  acs_index: number | null;
  is_default: Generated<boolean>;
  name_nl: string;
  name_en: string;
  name_es: string;
  min_rung: Rung;
  representation: Generated<'none' | 'optional' | 'required'>;
  accepts_chain: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface MembersTable {
  id: Generated<string>;
  organisation_id: string;
  person_id: string | null;
  subject_kind: 'registry' | 'eidas' | 'invitation';
  document_type: 'DNI' | 'NIE' | null;
  document_number: string | null;
  eidas_person_identifier: string | null;
  invitation_email: string | null;
  given_name: string;
  surname: string;
  date_of_birth: DateColumn | null;
  id_document_type: string | null;
  id_document_number: string | null;
  id_document_expiry: DateColumn | null;
  role: 'administrator' | 'user';
  level: '2' | '2+' | '3' | '4';
  contact_mobile: string | null;
  contact_email: string;
  status: 'awaiting_approval' | 'awaiting_activation' | 'active' | 'activation_expired' | 'rejected' | 'ended';
  requested_by: string | null;
  approved_at: Date | null;
  activation_deadline: Date | null;
  activation_token_hash: string | null;
  activated_at: Date | null;
  rejected_at: Date | null;
  rejection_reason: string | null;
  period_end: DateColumn | null;
  end_date: DateColumn | null;
  ended_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface MemberDocumentsTable {
  id: Generated<string>;
  member_id: string;
  media_type: string;
  byte_size: number;
  sealed: string;
  uploaded_by: string | null;
  delete_after: Date | null;
  created_at: CreatedAt;
}

export interface MandatesTable {
  id: Generated<string>;
  organisation_id: string;
  member_id: string;
  service_id: string | null;
  general_authority_rung: Rung | null;
  branch_id: string | null;
  start_date: DateColumn;
  end_date: DateColumn;
  revoked_at: Date | null;
  granted_by: string | null;
  last_used_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ChainMandatesTable {
  id: Generated<string>;
  client_organisation_id: string;
  intermediary_organisation_id: string;
  service_id: string | null;
  general_authority_rung: Rung | null;
  branch_id: string | null;
  start_date: DateColumn;
  end_date: DateColumn;
  revoked_at: Date | null;
  granted_by: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** the registration channels declare their tables beside them (video identification, invitation letters) */
export interface DbSchema extends VideoTables, LetterTables, StaffTables {
  persons: PersonsTable;
  pairwise_pseudonyms: PairwisePseudonymsTable;
  login_history: LoginHistoryTable;
  audit_log: AuditLogTable;
  permanente_accounts: PermanenteAccountsTable;
  permanente_password_history: PermanentePasswordHistoryTable;
  organisations: OrganisationsTable;
  organisation_branches: OrganisationBranchesTable;
  services: ServicesTable;
  members: MembersTable;
  member_documents: MemberDocumentsTable;
  mandates: MandatesTable;
  chain_mandates: ChainMandatesTable;
  devices: DevicesTable;
}

export type PersonRow = Selectable<PersonsTable>;
export type NewPersonRow = Insertable<PersonsTable>;
export type LoginHistoryRow = Selectable<LoginHistoryTable>;
export type PermanenteAccountRow = Selectable<PermanenteAccountsTable>;
export type DeviceRow = Selectable<DevicesTable>;
