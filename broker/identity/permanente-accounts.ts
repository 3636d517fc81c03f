// Cl@ve Permanente accounts over the durable store (seed 000 §5). Every counter that guards a
// secret (wrong passwords, wrong activation codes, the last authenticator time step) changes in
// one UPDATE … RETURNING, so concurrent requests on several nodes cannot both slip under a limit
// or both use one code.
import { sql, type Kysely } from 'kysely';
import type { DbSchema, PermanenteAccountRow } from '../store/schema.js';

export type SecondFactor = 'sms' | 'totp' | 'email';
export type AccountState = 'pending' | 'active' | 'cancelled';

export interface PermanenteAccount {
  readonly personId: string;
  readonly state: AccountState;
  readonly activationCodeHash: string | null;
  readonly activationBlocked: boolean;
  readonly passwordHash: string | null;
  readonly passwordChangedAt: Date | null;
  readonly failedAttempts: number;
  readonly passwordBlocked: boolean;
  /** the factor offered first in reinforced mode */
  readonly secondFactor: SecondFactor;
  readonly emailCodes: boolean;
  readonly totpSecretSealed: string | null;
  readonly totpLastStep: number | null;
}

export interface PermanenteAccounts {
  find(personId: string): Promise<PermanenteAccount | undefined>;
  /**
   * Registration and its renewal: stores a new activation code (hash) and clears its blocking.
   * A cancelled account becomes pending again (re-registration reactivates, seed §5.4.4); an
   * active one stays active with its password.
   */
  issueActivationCode(personId: string, codeHash: string, at: Date): Promise<void>;
  /** counts a wrong activation code; blocked once more than `maxWrong` were typed */
  recordWrongActivationCode(personId: string, maxWrong: number, at: Date): Promise<{ blocked: boolean }>;
  /** counts a wrong password; blocked at `max` consecutive ones */
  recordFailedPassword(personId: string, max: number, at: Date): Promise<{ blocked: boolean }>;
  /** a right password ends the run of failures */
  recordGoodPassword(personId: string): Promise<void>;
  /**
   * Sets a new password and activates the account: the old hash goes to the history (the
   * newest `keepHistory` are kept), the lockout and the activation failures are cleared.
   */
  setPassword(personId: string, passwordHash: string, at: Date, keepHistory: number): Promise<void>;
  /** replaces a hash made with old argon2 parameters, unless the password changed meanwhile */
  upgradeHash(personId: string, oldHash: string, newHash: string): Promise<void>;
  /** the current hash and the newest `keep - 1` retired ones: what a new password must differ from */
  recentPasswordHashes(personId: string, keep: number): Promise<string[]>;
  /**
   * The person leaves Cl@ve Permanente: secrets and history are erased (also of an account that
   * was cancelled already). Inside the caller's transaction `trx` when given (a renunciation
   * changes more in the same one). True when an account that was not cancelled yet was cancelled.
   */
  cancel(personId: string, trx?: Kysely<DbSchema>): Promise<boolean>;
  enrolTotp(personId: string, sealedSecret: string): Promise<void>;
  removeTotp(personId: string): Promise<void>;
  /** true when `step` is newer than the last accepted one (and records it): each code counts once */
  useTotpStep(personId: string, step: number): Promise<boolean>;
  setEmailCodes(personId: string, enabled: boolean): Promise<void>;
  /** the factor must be enrolled (database constraint); returns false when it is not */
  setSecondFactor(personId: string, factor: SecondFactor): Promise<boolean>;
}

export function createPermanenteAccounts(db: Kysely<DbSchema>): PermanenteAccounts {
  const touch = { updated_at: sql<Date>`now()` };
  return {
    async find(personId) {
      const row = await db.selectFrom('permanente_accounts').selectAll().where('person_id', '=', personId).executeTakeFirst();
      return row ? toAccount(row) : undefined;
    },
    async issueActivationCode(personId, codeHash, at) {
      await db
        .insertInto('permanente_accounts')
        .values({ person_id: personId, state: 'pending', activation_code_hash: codeHash, activation_code_issued_at: at })
        .onConflict((oc) =>
          oc.column('person_id').doUpdateSet({
            activation_code_hash: codeHash,
            activation_code_issued_at: at,
            activation_wrong_codes: 0,
            activation_blocked_at: null,
            state: sql`case when permanente_accounts.state = 'cancelled' then 'pending' else permanente_accounts.state end`,
            ...touch,
          }),
        )
        .execute();
    },
    async recordWrongActivationCode(personId, maxWrong, at) {
      const row = await db
        .updateTable('permanente_accounts')
        .set({
          activation_wrong_codes: sql`activation_wrong_codes + 1`,
          activation_blocked_at: sql`case when activation_wrong_codes + 1 > ${maxWrong} then coalesce(activation_blocked_at, ${at}::timestamptz) else activation_blocked_at end`,
          ...touch,
        })
        .where('person_id', '=', personId)
        .returning(['activation_blocked_at'])
        .executeTakeFirst();
      return { blocked: !!row?.activation_blocked_at };
    },
    async recordFailedPassword(personId, max, at) {
      const row = await db
        .updateTable('permanente_accounts')
        .set({
          failed_attempts: sql`failed_attempts + 1`,
          blocked_at: sql`case when failed_attempts + 1 >= ${max} then coalesce(blocked_at, ${at}::timestamptz) else blocked_at end`,
          ...touch,
        })
        .where('person_id', '=', personId)
        .returning(['blocked_at'])
        .executeTakeFirst();
      return { blocked: !!row?.blocked_at };
    },
    async recordGoodPassword(personId) {
      // only a blocked-free account gets here; skipping the write keeps the login path read-only
      await db.updateTable('permanente_accounts').set({ failed_attempts: 0, ...touch }).where('person_id', '=', personId).where('failed_attempts', '>', 0).where('blocked_at', 'is', null).execute();
    },
    async setPassword(personId, passwordHash, at, keepHistory) {
      await db.transaction().execute(async (trx) => {
        const current = await trx.selectFrom('permanente_accounts').select('password_hash').where('person_id', '=', personId).forUpdate().executeTakeFirstOrThrow();
        if (current.password_hash) await trx.insertInto('permanente_password_history').values({ person_id: personId, password_hash: current.password_hash }).execute();
        await trx
          .updateTable('permanente_accounts')
          .set({ state: 'active', password_hash: passwordHash, password_changed_at: at, failed_attempts: 0, blocked_at: null, activation_wrong_codes: 0, ...touch })
          .where('person_id', '=', personId)
          .execute();
        // the current password is one of the remembered ones, so history keeps keepHistory - 1
        const keep = await trx.selectFrom('permanente_password_history').select('id').where('person_id', '=', personId).orderBy('id', 'desc').limit(Math.max(keepHistory - 1, 0)).execute();
        let purge = trx.deleteFrom('permanente_password_history').where('person_id', '=', personId);
        if (keep.length) purge = purge.where('id', 'not in', keep.map((k) => k.id));
        await purge.execute();
      });
    },
    async upgradeHash(personId, oldHash, newHash) {
      await db.updateTable('permanente_accounts').set({ password_hash: newHash, ...touch }).where('person_id', '=', personId).where('password_hash', '=', oldHash).execute();
    },
    async recentPasswordHashes(personId, keep) {
      const current = await db.selectFrom('permanente_accounts').select('password_hash').where('person_id', '=', personId).executeTakeFirst();
      const older = keep > 1 ? await db.selectFrom('permanente_password_history').select('password_hash').where('person_id', '=', personId).orderBy('id', 'desc').limit(keep - 1).execute() : [];
      return [current?.password_hash, ...older.map((o) => o.password_hash)].filter((h): h is string => !!h);
    },
    async cancel(personId, outer) {
      const erase = async (trx: Kysely<DbSchema>) => {
        const before = await trx.selectFrom('permanente_accounts').select('state').where('person_id', '=', personId).forUpdate().executeTakeFirst();
        await trx
          .updateTable('permanente_accounts')
          .set({
            state: 'cancelled',
            password_hash: null,
            password_changed_at: null,
            activation_code_hash: null,
            failed_attempts: 0,
            blocked_at: null,
            second_factor: 'sms',
            email_codes: false,
            totp_secret_sealed: null,
            totp_last_step: null,
            ...touch,
          })
          .where('person_id', '=', personId)
          .execute();
        await trx.deleteFrom('permanente_password_history').where('person_id', '=', personId).execute();
        return before !== undefined && before.state !== 'cancelled';
      };
      return outer ? erase(outer) : db.transaction().execute(erase);
    },
    async enrolTotp(personId, sealedSecret) {
      await db.updateTable('permanente_accounts').set({ totp_secret_sealed: sealedSecret, totp_last_step: null, ...touch }).where('person_id', '=', personId).execute();
    },
    async removeTotp(personId) {
      await db
        .updateTable('permanente_accounts')
        .set({ totp_secret_sealed: null, totp_last_step: null, second_factor: sql`case when second_factor = 'totp' then 'sms' else second_factor end`, ...touch })
        .where('person_id', '=', personId)
        .execute();
    },
    async useTotpStep(personId, step) {
      const row = await db
        .updateTable('permanente_accounts')
        .set({ totp_last_step: step })
        .where('person_id', '=', personId)
        .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
        .returning('person_id')
        .executeTakeFirst();
      return !!row;
    },
    async setEmailCodes(personId, enabled) {
      await db
        .updateTable('permanente_accounts')
        .set({ email_codes: enabled, second_factor: enabled ? sql`second_factor` : sql`case when second_factor = 'email' then 'sms' else second_factor end`, ...touch })
        .where('person_id', '=', personId)
        .execute();
    },
    async setSecondFactor(personId, factor) {
      try {
        const r = await db.updateTable('permanente_accounts').set({ second_factor: factor, ...touch }).where('person_id', '=', personId).executeTakeFirst();
        return r.numUpdatedRows > 0n;
      } catch (err) {
        if ((err as { code?: string }).code === '23514') return false; // check constraint: not enrolled
        throw err;
      }
    },
  };
}

function toAccount(r: PermanenteAccountRow): PermanenteAccount {
  return {
    personId: r.person_id,
    state: r.state,
    activationCodeHash: r.activation_code_hash,
    activationBlocked: r.activation_blocked_at !== null,
    passwordHash: r.password_hash,
    passwordChangedAt: r.password_changed_at,
    failedAttempts: r.failed_attempts,
    passwordBlocked: r.blocked_at !== null,
    secondFactor: r.second_factor,
    emailCodes: r.email_codes,
    totpSecretSealed: r.totp_secret_sealed,
    totpLastStep: r.totp_last_step,
  };
}
