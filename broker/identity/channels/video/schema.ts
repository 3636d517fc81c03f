// Table types of the video identification channel (migration 0007), merged into DbSchema.
import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type VideoRequestState = 'requested' | 'proposed' | 'accepted' | 'more-asked' | 'approved' | 'refused' | 'cancelled' | 'lapsed' | 'activated';
export type DocumentSide = 'front' | 'back';

export interface VideoRequestsTable {
  id: Generated<string>;
  state: Generated<VideoRequestState>;
  given_name: string;
  first_surname: string;
  second_surname: string | null;
  date_of_birth: string;
  country_of_birth: string;
  place_of_birth: string;
  sex: 'F' | 'M' | 'X';
  document_number: string | null;
  email: string;
  mobile: string | null;
  motivation: string;
  /** JSON array of ISO local date-times ("2026-11-30T10:00") */
  preferred_slots: string;
  language: 'nl' | 'fr' | 'en' | 'es';
  security_code_hash: string;
  wrong_codes: Generated<number>;
  /** since when the request waits for the office (asked, or another slot asked): the lapse counts from here */
  waiting_since: Timestamp;
  link_hash: string | null;
  slot_at: Date | null;
  interviewer_id: string | null;
  reminded_at: Date | null;
  /** JSON of the recorded InterviewChecks */
  checks: string | null;
  reviewed_by: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  reason: string | null;
  granted_level: 'basic' | 'advanced' | null;
  person_id: string | null;
  activation_link_hash: string | null;
  activation_expires_at: Date | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  updated_at: Timestamp;
  delete_after: Date | null;
}

export interface VideoDocumentsTable {
  id: Generated<string>;
  request_id: string;
  side: DocumentSide;
  media_type: string;
  byte_size: number;
  sealed: string;
  uploaded_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface VideoTables {
  video_requests: VideoRequestsTable;
  video_documents: VideoDocumentsTable;
}

export type VideoRequestRow = Selectable<VideoRequestsTable>;
