// The invitation letters over the durable store (broker/identity/channels/letter/letters.ts and
// complete-registration.ts): a newer letter voids the older one, wrong codes are all counted under
// concurrency and void the letter at exactly the limit, only confirmed identity data count or
// match, a letter expires on the broker clock, and of completions racing for one letter exactly
// one registers. PGlite in memory always; PostgreSQL when TEST_DATABASE_URL is set (required under
// CI), where the concurrent calls go through three connection pools, as three broker nodes would.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { openDatabase, type Database } from '../../../broker/store/db.js';
import { createAuditLog } from '../../../broker/store/audit-log.js';
import { createLetters, type Letters } from '../../../broker/identity/channels/letter/letters.js';
import { completeRegistration } from '../../../broker/identity/channels/letter/complete-registration.js';
import type { Resident } from '../../../broker/identity/channels/letter/residents.js';
import { newVerificationCode } from '../../../broker/identity/channels/letter/verification-code.js';
import { createTestDatabase, describeServer, serverTarget, testConfig, type TestDatabase } from '../../helpers/store-targets.js';

const DAY = 86_400_000;
const MAX = 5;
const CONCURRENT = 10;
const CHECK_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** a valid DNI nobody else in this run has */
function newDni(): string {
  const digits = String(randomInt(1e7, 1e8));
  return `${digits}${CHECK_LETTERS[Number(digits) % 23]}`;
}

function resident(documentNumber: string): Resident {
  return {
    documentNumber,
    documentType: 'DNI',
    documentDate: '2031-01-01',
    supportNumber: undefined,
    givenName: 'Elena',
    firstSurname: 'Ruiz',
    fiscalAddress: { street: 'Calle Mayor 1', postalCode: '28013', municipality: 'Madrid', province: 'Madrid' },
  };
}

const mobile = () => `+346${String(randomInt(1e8)).padStart(8, '0')}`;

function contract(impl: { open(): Promise<Database>; shared: boolean }): void {
  let nodes: Database[];
  let letters: Letters[];
  let offsetMs = 0;
  const now = () => new Date(Date.now() + offsetMs);
  const on = (i: number) => letters[i % letters.length]!;
  const deps = (i: number) => ({ db: nodes[i % nodes.length]!.db, letters: on(i), audit: createAuditLog(nodes[i % nodes.length]!.db, now) });

  before(async function () {
    this.timeout(60_000);
    const first = await impl.open();
    nodes = impl.shared ? [first, await impl.open(), await impl.open()] : [first];
    letters = nodes.map((n) => createLetters(n.db, { maxWrongCodes: MAX, now }));
  });
  after(async () => {
    for (const n of nodes) await n.close();
  });

  async function sent(doc: string): Promise<{ id: string; code: string }> {
    const code = newVerificationCode();
    const { id } = await on(0).issue(doc, code, 30 * DAY);
    return { id, code };
  }

  it('matches the code of the open letter, in any case and with spaces, only with confirmed identity data', async () => {
    const doc = newDni();
    const { id, code } = await sent(doc);
    assert.deepEqual(await on(0).check(doc, code.toLowerCase().replace(/(.{4})/g, '$1 '), { identityConfirmed: true }), { ok: true, letterId: id });
    assert.deepEqual(await on(0).check(doc, code, { identityConfirmed: false }), { ok: false, counted: false });
    assert.deepEqual(await on(0).check(newDni(), code, { identityConfirmed: true }), { ok: false, counted: false }, 'another document has no letter');
  });

  it('a newer letter voids the older one', async () => {
    const doc = newDni();
    const older = await sent(doc);
    const newer = await sent(doc);
    assert.equal((await on(0).check(doc, older.code, { identityConfirmed: true })).ok, false);
    assert.deepEqual(await on(0).check(doc, newer.code, { identityConfirmed: true }), { ok: true, letterId: newer.id });
  });

  it('wrong codes with unconfirmed identity data are not counted', async () => {
    const doc = newDni();
    const { code } = await sent(doc);
    for (let i = 0; i < MAX * 2; i++) assert.deepEqual(await on(i).check(doc, newVerificationCode(), { identityConfirmed: false }), { ok: false, counted: false });
    assert.equal((await on(0).check(doc, code, { identityConfirmed: true })).ok, true);
  });

  it(`${CONCURRENT} concurrent wrong codes: exactly ${MAX} counted, one of them voids the letter, and the right code is refused after`, async () => {
    const doc = newDni();
    const { id, code } = await sent(doc);
    const results = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => on(i).check(doc, newVerificationCode(), { identityConfirmed: true })));
    assert.equal(results.filter((r) => !r.ok && r.counted).length, MAX);
    assert.equal(results.filter((r) => !r.ok && r.counted && r.voidedNow).length, 1);
    const row = await nodes[0]!.db.selectFrom('letters').select('wrong_codes').where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(row.wrong_codes, MAX);
    assert.deepEqual(await on(0).check(doc, code, { identityConfirmed: true }), { ok: false, counted: false });
  });

  it('expires on the broker clock', async () => {
    const doc = newDni();
    const { code } = await sent(doc);
    offsetMs = 30 * DAY - 1000;
    assert.equal((await on(0).check(doc, code, { identityConfirmed: true })).ok, true);
    offsetMs = 30 * DAY + 1000;
    assert.equal((await on(0).check(doc, code, { identityConfirmed: true })).ok, false);
    offsetMs = 0;
  });

  it('completions racing for one letter: exactly one registers the person, the letter records whom', async () => {
    const doc = newDni();
    const { id } = await sent(doc);
    const outcomes = await Promise.all(Array.from({ length: 6 }, (_, i) => completeRegistration(deps(i), id, resident(doc), { mobile: mobile(), email: 'elena@example.es' }, '127.0.0.1')));
    const ok = outcomes.filter((o) => o.ok);
    assert.equal(ok.length, 1, JSON.stringify(outcomes));
    for (const o of outcomes.filter((x) => !x.ok)) assert.ok(!o.ok && (o.reason === 'letter-not-valid' || o.reason === 'already-registered'), JSON.stringify(o));
    const persons = await nodes[0]!.db.selectFrom('persons').select(['id', 'registration_level']).where('document_number', '=', doc).execute();
    assert.equal(persons.length, 1);
    assert.equal(persons[0]!.registration_level, 'basic');
    const row = await nodes[0]!.db.selectFrom('letters').select(['used_at', 'person_id']).where('id', '=', id).executeTakeFirstOrThrow();
    assert.ok(row.used_at);
    assert.equal(row.person_id, persons[0]!.id);
  });

  it('a known person without a mobile gets the mobile and e-mail and keeps their level; one with a mobile or not active is refused', async () => {
    const known = async (values: { mobile?: string; status?: 'active' | 'suspended' }) => {
      const doc = newDni();
      await nodes[0]!.db
        .insertInto('persons')
        .values({ document_type: 'DNI', document_number: doc, document_date: '2031-01-01', given_name: 'Elena', first_surname: 'Ruiz', registration_level: 'advanced', mobile: values.mobile ?? null, status: values.status ?? 'active' })
        .execute();
      return doc;
    };
    const withoutMobile = await known({});
    const first = await sent(withoutMobile);
    const added = await completeRegistration(deps(0), first.id, resident(withoutMobile), { mobile: mobile(), email: 'elena@example.es' }, undefined);
    assert.ok(added.ok && !added.created);
    assert.equal(added.person.registrationLevel, 'advanced', 'never lowered');
    assert.ok(added.person.mobile);

    for (const [doc, reason] of [[await known({ mobile: mobile() }), 'already-registered'], [await known({ status: 'suspended' }), 'not-active']] as const) {
      const { id, code } = await sent(doc);
      assert.deepEqual(await completeRegistration(deps(1), id, resident(doc), { mobile: mobile(), email: 'x@example.es' }, undefined), { ok: false, reason });
      assert.equal((await on(0).check(doc, code, { identityConfirmed: true })).ok, true, 'the letter is not spent');
    }
  });

  it('a refused completion (mobile of another person) leaves the letter unspent', async () => {
    const taken = mobile();
    const other = newDni();
    const first = await sent(other);
    assert.equal((await completeRegistration(deps(0), first.id, resident(other), { mobile: taken, email: 'a@example.es' }, undefined)).ok, true);
    const doc = newDni();
    const { id, code } = await sent(doc);
    assert.deepEqual(await completeRegistration(deps(1), id, resident(doc), { mobile: taken, email: 'b@example.es' }, undefined), { ok: false, reason: 'mobile-taken' });
    assert.deepEqual(await on(0).check(doc, code, { identityConfirmed: true }), { ok: true, letterId: id });
    assert.equal((await completeRegistration(deps(2), id, resident(doc), { mobile: mobile(), email: 'b@example.es' }, undefined)).ok, true);
    assert.deepEqual(await completeRegistration(deps(0), id, resident(doc), { mobile: mobile(), email: 'b@example.es' }, undefined), { ok: false, reason: 'letter-not-valid' }, 'single use');
  });
}

describe('invitation letters in the durable store', () => {
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
