// Cl@ve Permanente accounts over the durable store (broker/identity/permanente-accounts.ts): the
// counters that guard secrets must count every concurrent request (no lost update), the TOTP step
// is taken by exactly one caller, and cancelling erases every secret. PGlite in memory always;
// PostgreSQL when TEST_DATABASE_URL is set (required under CI), where the concurrent calls go
// through three separate connection pools, as three broker nodes would.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { openDatabase, type Database } from '../../../broker/store/db.js';
import { createPermanenteAccounts, type PermanenteAccounts } from '../../../broker/identity/permanente-accounts.js';
import { createTestDatabase, describeServer, serverTarget, testConfig, type TestDatabase } from '../../helpers/store-targets.js';

interface Implementation {
  /** opens one more connection (pool) to the same database: another broker node */
  open(): Promise<Database>;
  shared: boolean;
}

const AT = new Date('2026-03-01T10:00:00Z');
const CONCURRENT = 10;

function contract(impl: Implementation): void {
  let first: Database;
  let nodes: Database[];
  /** one accounts module per node; concurrent calls are spread over them */
  let accounts: PermanenteAccounts[];
  let a: PermanenteAccounts;

  before(async function () {
    this.timeout(60_000);
    first = await impl.open();
    nodes = impl.shared ? [first, await impl.open(), await impl.open()] : [first];
    accounts = nodes.map((n) => createPermanenteAccounts(n.db));
    a = accounts[0]!;
  });
  after(async () => {
    for (const d of nodes) await d.close();
  });

  const onNode = (i: number) => accounts[i % accounts.length]!;

  async function newPerson(): Promise<string> {
    const n = randomInt(1e7);
    const row = await first.db
      .insertInto('persons')
      .values({
        document_type: 'DNI',
        document_number: `A${n}${randomInt(1e6)}`,
        given_name: 'Lucía',
        first_surname: 'Martínez',
        registration_level: 'advanced',
        mobile: `+346${String(randomInt(1e8)).padStart(8, '0')}`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** a person with a pending account (activation code issued) */
  async function pendingAccount(): Promise<string> {
    const id = await newPerson();
    await a.issueActivationCode(id, 'code-hash-1', AT);
    return id;
  }

  async function activeAccount(hash = 'hash-0'): Promise<string> {
    const id = await pendingAccount();
    await a.setPassword(id, hash, AT, 1);
    return id;
  }

  const historyOf = async (id: string) =>
    (await first.db.selectFrom('permanente_password_history').select(['password_hash']).where('person_id', '=', id).orderBy('id', 'asc').execute()).map((r) => r.password_hash);

  describe('password lockout', () => {
    it('blocks at exactly maxFailed consecutive failures, not before', async () => {
      const id = await activeAccount();
      for (let i = 1; i <= 4; i++) {
        assert.deepEqual(await a.recordFailedPassword(id, 5, AT), { blocked: false }, `failure ${i}`);
        assert.equal((await a.find(id))!.passwordBlocked, false);
      }
      assert.deepEqual(await a.recordFailedPassword(id, 5, AT), { blocked: true });
      const acc = (await a.find(id))!;
      assert.equal(acc.failedAttempts, 5);
      assert.equal(acc.passwordBlocked, true);
      // a right password no longer resets a blocked account
      await a.recordGoodPassword(id);
      assert.equal((await a.find(id))!.passwordBlocked, true);
      assert.equal((await a.find(id))!.failedAttempts, 5);
    });

    it(`${CONCURRENT} concurrent failures are all counted, and exactly the first maxFailed - 1 stay unblocked`, async () => {
      const id = await activeAccount();
      const results = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => onNode(i).recordFailedPassword(id, 5, AT)));
      const acc = (await a.find(id))!;
      assert.equal(acc.failedAttempts, CONCURRENT, 'no lost update');
      assert.equal(acc.passwordBlocked, true);
      assert.equal(results.filter((r) => !r.blocked).length, 4, 'each update saw its own count');
    });

    it('a right password resets the run of failures; setPassword clears a block', async () => {
      const id = await activeAccount();
      for (let i = 0; i < 4; i++) await a.recordFailedPassword(id, 5, AT);
      await a.recordGoodPassword(id);
      assert.equal((await a.find(id))!.failedAttempts, 0);
      for (let i = 0; i < 4; i++) assert.equal((await a.recordFailedPassword(id, 5, AT)).blocked, false);
      assert.equal((await a.recordFailedPassword(id, 5, AT)).blocked, true);
      await a.setPassword(id, 'hash-new', AT, 1);
      const acc = (await a.find(id))!;
      assert.equal(acc.passwordBlocked, false);
      assert.equal(acc.failedAttempts, 0);
    });
  });

  describe('activation code', () => {
    it('blocks once more than maxWrong wrong codes were typed (the 6th of max 5)', async () => {
      const id = await pendingAccount();
      for (let i = 1; i <= 5; i++) assert.deepEqual(await a.recordWrongActivationCode(id, 5, AT), { blocked: false }, `wrong code ${i}`);
      assert.equal((await a.find(id))!.activationBlocked, false);
      assert.deepEqual(await a.recordWrongActivationCode(id, 5, AT), { blocked: true });
      assert.equal((await a.find(id))!.activationBlocked, true);
    });

    it(`${CONCURRENT} concurrent wrong codes are all counted: exactly 5 unblocked answers`, async () => {
      const id = await pendingAccount();
      const results = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => onNode(i).recordWrongActivationCode(id, 5, AT)));
      assert.equal(results.filter((r) => !r.blocked).length, 5);
      assert.equal((await a.find(id))!.activationBlocked, true);
      const row = await first.db.selectFrom('permanente_accounts').select('activation_wrong_codes').where('person_id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.activation_wrong_codes, CONCURRENT);
    });

    it('a new code (registrar renewal) clears the block and the count', async () => {
      const id = await pendingAccount();
      for (let i = 0; i < 6; i++) await a.recordWrongActivationCode(id, 5, AT);
      await a.issueActivationCode(id, 'code-hash-2', AT);
      const acc = (await a.find(id))!;
      assert.equal(acc.activationBlocked, false);
      assert.equal(acc.activationCodeHash, 'code-hash-2');
      assert.equal((await a.recordWrongActivationCode(id, 5, AT)).blocked, false);
    });

    it('reopens a cancelled account as pending, leaves an active one active with its password', async () => {
      const cancelled = await activeAccount('hash-c');
      await a.cancel(cancelled);
      assert.equal((await a.find(cancelled))!.state, 'cancelled');
      await a.issueActivationCode(cancelled, 'code-hash-again', AT);
      const reopened = (await a.find(cancelled))!;
      assert.equal(reopened.state, 'pending');
      assert.equal(reopened.activationCodeHash, 'code-hash-again');
      assert.equal(reopened.passwordHash, null);

      const active = await activeAccount('hash-a');
      await a.issueActivationCode(active, 'code-hash-renewed', AT);
      const still = (await a.find(active))!;
      assert.equal(still.state, 'active');
      assert.equal(still.passwordHash, 'hash-a');
      assert.equal(still.activationCodeHash, 'code-hash-renewed');
    });

    it('a first code creates a pending account without a password', async () => {
      const id = await newPerson();
      assert.equal(await a.find(id), undefined);
      await a.issueActivationCode(id, 'code-hash-1', AT);
      const acc = (await a.find(id))!;
      assert.equal(acc.state, 'pending');
      assert.equal(acc.passwordHash, null);
      assert.equal(acc.activationBlocked, false);
    });
  });

  describe('authenticator time steps', () => {
    it('two concurrent uses of one step: exactly one succeeds', async () => {
      const id = await activeAccount();
      await a.enrolTotp(id, 'sealed-secret');
      for (const step of [1000, 1001, 1005]) {
        const results = await Promise.all([onNode(0).useTotpStep(id, step), onNode(1).useTotpStep(id, step)]);
        assert.equal(results.filter(Boolean).length, 1, `step ${step}: ${JSON.stringify(results)}`);
      }
      assert.equal((await a.find(id))!.totpLastStep, 1005);
    });

    it(`${CONCURRENT} concurrent uses of one step: exactly one succeeds`, async () => {
      const id = await activeAccount();
      await a.enrolTotp(id, 'sealed-secret');
      const results = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => onNode(i).useTotpStep(id, 2000)));
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('refuses the same or an older step, accepts a newer one', async () => {
      const id = await activeAccount();
      await a.enrolTotp(id, 'sealed-secret');
      assert.equal(await a.useTotpStep(id, 500), true);
      assert.equal(await a.useTotpStep(id, 500), false);
      assert.equal(await a.useTotpStep(id, 499), false);
      assert.equal(await a.useTotpStep(id, 501), true);
      assert.equal((await a.find(id))!.totpLastStep, 501);
      // enrolling again (a new secret) starts the steps afresh
      await a.enrolTotp(id, 'sealed-secret-2');
      assert.equal((await a.find(id))!.totpLastStep, null);
      assert.equal(await a.useTotpStep(id, 100), true);
    });
  });

  describe('password history', () => {
    it('setPassword keeps keep - 1 retired hashes, newest first in recentPasswordHashes', async () => {
      const id = await activeAccount('hash-0');
      for (let i = 1; i <= 4; i++) await a.setPassword(id, `hash-${i}`, AT, 3);
      assert.deepEqual(await historyOf(id), ['hash-2', 'hash-3']);
      assert.deepEqual(await a.recentPasswordHashes(id, 3), ['hash-4', 'hash-3', 'hash-2']);
      assert.deepEqual(await a.recentPasswordHashes(id, 2), ['hash-4', 'hash-3']);
      assert.deepEqual(await a.recentPasswordHashes(id, 1), ['hash-4']);
    });

    it('with the default history of 1 no retired hash is kept: only the current password counts', async () => {
      const id = await activeAccount('hash-0');
      for (let i = 1; i <= 3; i++) await a.setPassword(id, `hash-${i}`, AT, 1);
      assert.deepEqual(await historyOf(id), []);
      assert.deepEqual(await a.recentPasswordHashes(id, 1), ['hash-3']);
    });

    it('trims one person\'s history only', async () => {
      const x = await activeAccount('x-0');
      const y = await activeAccount('y-0');
      for (let i = 1; i <= 3; i++) await a.setPassword(y, `y-${i}`, AT, 3);
      await a.setPassword(x, 'x-1', AT, 1);
      assert.deepEqual(await historyOf(y), ['y-1', 'y-2']);
      assert.deepEqual(await historyOf(x), []);
    });

    it('setPassword activates a pending account and records when', async () => {
      const id = await pendingAccount();
      const at = new Date('2026-05-05T05:05:05Z');
      await a.setPassword(id, 'hash-first', at, 1);
      const acc = (await a.find(id))!;
      assert.equal(acc.state, 'active');
      assert.equal(acc.passwordHash, 'hash-first');
      assert.equal(acc.passwordChangedAt?.getTime(), at.getTime());
    });
  });

  describe('cancel', () => {
    it('erases the password, its history, the activation code and every second factor', async () => {
      const id = await activeAccount('hash-0');
      for (let i = 1; i <= 3; i++) await a.setPassword(id, `hash-${i}`, AT, 3);
      await a.enrolTotp(id, 'sealed-secret');
      await a.useTotpStep(id, 42);
      await a.setEmailCodes(id, true);
      assert.equal(await a.setSecondFactor(id, 'totp'), true);
      for (let i = 0; i < 3; i++) await a.recordFailedPassword(id, 5, AT);
      assert.equal((await historyOf(id)).length, 2);

      await a.cancel(id);
      const acc = (await a.find(id))!;
      assert.equal(acc.state, 'cancelled');
      assert.equal(acc.passwordHash, null);
      assert.equal(acc.passwordChangedAt, null);
      assert.equal(acc.activationCodeHash, null);
      assert.equal(acc.totpSecretSealed, null);
      assert.equal(acc.totpLastStep, null);
      assert.equal(acc.emailCodes, false);
      assert.equal(acc.secondFactor, 'sms');
      assert.equal(acc.failedAttempts, 0);
      assert.equal(acc.passwordBlocked, false);
      assert.deepEqual(await historyOf(id), []);
      assert.deepEqual(await a.recentPasswordHashes(id, 3), []);
    });

    it('says whether it cancelled, and erases in the caller\'s transaction: rolled back with it', async () => {
      const id = await activeAccount('hash-0');
      await assert.rejects(
        first.db.transaction().execute(async (trx) => {
          assert.equal(await a.cancel(id, trx), true);
          assert.equal((await createPermanenteAccounts(trx).find(id))?.passwordHash, null, 'erased inside the transaction');
          throw new Error('the renunciation failed later');
        }),
        /failed later/,
      );
      assert.equal((await a.find(id))?.passwordHash, 'hash-0', 'rolled back with the caller\'s transaction');
      assert.equal(await a.cancel(id), true);
      assert.equal(await a.cancel(id), false, 'cancelled already');
      assert.equal(await a.cancel('00000000-0000-4000-8000-000000000000'), false, 'no account');
    });
  });

  describe('second factors', () => {
    it('setSecondFactor refuses a factor that is not enrolled (false) and keeps the current one', async () => {
      const id = await activeAccount();
      assert.equal(await a.setSecondFactor(id, 'totp'), false);
      assert.equal(await a.setSecondFactor(id, 'email'), false);
      assert.equal((await a.find(id))!.secondFactor, 'sms');
      await a.enrolTotp(id, 'sealed-secret');
      assert.equal(await a.setSecondFactor(id, 'totp'), true);
      assert.equal((await a.find(id))!.secondFactor, 'totp');
      await a.setEmailCodes(id, true);
      assert.equal(await a.setSecondFactor(id, 'email'), true);
      assert.equal((await a.find(id))!.secondFactor, 'email');
      assert.equal(await a.setSecondFactor(id, 'sms'), true);
    });

    it('setSecondFactor answers false for a person without an account', async () => {
      assert.equal(await a.setSecondFactor(await newPerson(), 'sms'), false);
    });

    it('removing the app or switching e-mail codes off falls back to SMS when it was the chosen factor', async () => {
      const id = await activeAccount();
      await a.enrolTotp(id, 'sealed-secret');
      await a.setSecondFactor(id, 'totp');
      await a.removeTotp(id);
      let acc = (await a.find(id))!;
      assert.equal(acc.totpSecretSealed, null);
      assert.equal(acc.secondFactor, 'sms');

      await a.setEmailCodes(id, true);
      await a.setSecondFactor(id, 'email');
      await a.setEmailCodes(id, false);
      acc = (await a.find(id))!;
      assert.equal(acc.emailCodes, false);
      assert.equal(acc.secondFactor, 'sms');
    });
  });
}

describe('Cl@ve Permanente accounts', () => {
  describe('pglite (memory)', () => {
    contract({ open: () => openDatabase(testConfig({ database: { pgliteDir: 'memory://' } })), shared: false });
  });

  describeServer(serverTarget('postgres', 'TEST_DATABASE_URL'), (baseUrl) => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(baseUrl);
    });
    after(async () => {
      await testDb?.drop();
    });
    contract({ open: () => openDatabase(testConfig({ database: { url: testDb.url } })), shared: true });
  });
});
