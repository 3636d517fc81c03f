// The invitation letters in the database (migration 0006_letters). A resident has at most one
// open letter: issuing one voids the previous ones, so only the newest code in the post works.
// Wrong codes are counted on the open letter in one UPDATE (concurrent wrong tries all count);
// spending re-checks every condition in the same UPDATE that marks it used, so a letter voided,
// expired or spent a moment earlier on another node cannot be spent again.
import { sql, type Kysely } from 'kysely';
import type { DbSchema } from '../../../store/schema.js';
import { hashVerificationCode, verificationCodeMatches } from './verification-code.js';

export interface IssuedLetter {
  readonly id: string;
  readonly expiresAt: Date;
}

export type LetterCheck =
  | { readonly ok: true; readonly letterId: string }
  | { readonly ok: false; readonly counted: false }
  /** a wrong code counted on the open letter; voidedNow: it was the one that voided it */
  | { readonly ok: false; readonly counted: true; readonly letterId: string; readonly voidedNow: boolean };

export interface Letters {
  /** voids the resident's open letters and records a new one for `code` */
  issue(documentNumber: string, code: string, validityMs: number): Promise<IssuedLetter>;
  /**
   * The typed code against the resident's open letter. `identityConfirmed`: the DNI/NIE and the
   * document data typed with it match the resident; only then can the code match, and only then
   * does a wrong code count toward voiding the letter (nobody voids a stranger's letter).
   */
  check(documentNumber: string, typedCode: string, opts: { identityConfirmed: boolean }): Promise<LetterCheck>;
  /**
   * Marks the letter used within `trx` when it is still open (false otherwise); the row stays
   * locked until `trx` ends, so the registration that follows in `trx` happens once.
   */
  spend(trx: Kysely<DbSchema>, letterId: string): Promise<boolean>;
  /** records, within the spending `trx`, whom the letter registered */
  recordPerson(trx: Kysely<DbSchema>, letterId: string, personId: string): Promise<void>;
}

export function createLetters(db: Kysely<DbSchema>, opts: { maxWrongCodes: number; now: () => Date }): Letters {
  const openLetter = (q: Kysely<DbSchema>, now: Date) =>
    q
      .selectFrom('letters')
      .where('used_at', 'is', null)
      .where('voided_at', 'is', null)
      .where('expires_at', '>', now)
      .where('wrong_codes', '<', opts.maxWrongCodes);

  return {
    async issue(documentNumber, code, validityMs) {
      const now = opts.now();
      return db.transaction().execute(async (trx) => {
        await trx.updateTable('letters').set({ voided_at: now }).where('document_number', '=', documentNumber).where('used_at', 'is', null).where('voided_at', 'is', null).execute();
        const row = await trx
          .insertInto('letters')
          .values({ document_number: documentNumber, code_hash: hashVerificationCode(code), created_at: now, expires_at: new Date(now.getTime() + validityMs) })
          .returning(['id', 'expires_at'])
          .executeTakeFirstOrThrow();
        return { id: row.id, expiresAt: row.expires_at };
      });
    },

    async check(documentNumber, typedCode, { identityConfirmed }) {
      const now = opts.now();
      const letter = await openLetter(db, now).select(['id', 'code_hash']).where('document_number', '=', documentNumber).orderBy('created_at', 'desc').executeTakeFirst();
      const matches = verificationCodeMatches(typedCode, letter?.code_hash);
      if (matches && identityConfirmed) return { ok: true, letterId: letter!.id };
      if (!letter || !identityConfirmed) return { ok: false, counted: false };
      const counted = await db
        .updateTable('letters')
        .set({ wrong_codes: sql<number>`wrong_codes + 1` })
        .where('id', '=', letter.id)
        .where('wrong_codes', '<', opts.maxWrongCodes)
        .returning('wrong_codes')
        .executeTakeFirst();
      // undefined: concurrent wrong codes voided it a moment ago; this one did not count
      if (!counted) return { ok: false, counted: false };
      return { ok: false, counted: true, letterId: letter.id, voidedNow: counted.wrong_codes === opts.maxWrongCodes };
    },

    async spend(trx, letterId) {
      const now = opts.now();
      const row = await trx
        .updateTable('letters')
        .set({ used_at: now })
        .where('id', '=', letterId)
        .where('used_at', 'is', null)
        .where('voided_at', 'is', null)
        .where('expires_at', '>', now)
        .where('wrong_codes', '<', opts.maxWrongCodes)
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },

    async recordPerson(trx, letterId, personId) {
      await trx.updateTable('letters').set({ person_id: personId }).where('id', '=', letterId).execute();
    },
  };
}
