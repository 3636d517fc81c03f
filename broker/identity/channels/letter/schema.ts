// The invitation letters' table as Kysely sees it (migration 0006_letters), merged into DbSchema.
import type { Generated, Selectable } from 'kysely';

export interface LettersTable {
  id: Generated<string>; // uuid
  /** the resident (register of residents) the letter went to, normalised DNI/NIE */
  document_number: string;
  /** SHA-256 of the normalised CSV; the code itself is only ever in the letter */
  code_hash: string;
  created_at: Date;
  expires_at: Date;
  wrong_codes: Generated<number>;
  used_at: Date | null;
  voided_at: Date | null;
  person_id: string | null;
}

export interface LetterTables {
  letters: LettersTable;
}

export type LetterRow = Selectable<LettersTable>;
