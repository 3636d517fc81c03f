// The identity registry over the durable store (PGlite in memory; the store itself is covered by
// tests/unit/store/db.contract.test.ts against PostgreSQL too).
import assert from 'node:assert/strict';
import { openDatabase, type Database } from '../../../broker/store/db.js';
import { createIdentityRegistry, IdentityError } from '../../../broker/identity/registry-db.js';
import type { IdentityRegistry } from '../../../broker/identity/registry.js';
import type { NewPerson } from '../../../broker/identity/person.js';
import { loadSeedFile } from '../../../broker/identity/seed.js';
import { PROJECT_ROOT } from '../../../broker/config.js';
import { testConfig } from '../../helpers/store-targets.js';
import path from 'node:path';

const carmen: NewPerson = {
  documentNumber: '12345678z',
  documentDate: '2030-01-01',
  givenName: 'Carmen',
  firstSurname: 'Español',
  secondSurname: 'Español',
  dateOfBirth: '1980-01-01',
  mobile: '+34 600 000 001',
  email: 'carmen@example.es',
  registrationLevel: 'advanced',
};
const jan: NewPerson = {
  documentNumber: 'X1234567L',
  supportNumber: 'E12345678',
  givenName: 'Jan',
  firstSurname: 'de Vries',
  mobile: '+34600000002',
  registrationLevel: 'basic',
};

function rejectsWith(code: IdentityError['code'], pattern?: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof IdentityError, String(err));
    assert.equal(err.code, code);
    if (pattern) assert.match(err.message, pattern);
    return true;
  };
}

describe('identity registry (database)', () => {
  let database: Database;
  let registry: IdentityRegistry;
  before(async () => {
    database = await openDatabase(testConfig({ database: { pgliteDir: 'memory://' } }));
    registry = createIdentityRegistry(database.db);
  });
  after(() => database.close());
  beforeEach(async () => {
    await database.db.deleteFrom('persons').execute();
  });

  it('adds a DNI holder, normalised, and finds them by document, id and contrast data', async () => {
    const p = await registry.add(carmen);
    assert.equal(p.documentNumber, '12345678Z');
    assert.equal(p.documentType, 'DNI');
    assert.equal(p.mobile, '+34600000001');
    assert.equal(p.status, 'active');
    assert.deepEqual(await registry.findByDocument('12.345.678-z'), p);
    assert.deepEqual(await registry.findById(p.id), p);
    assert.deepEqual(await registry.findByDocumentAndContrast('12345678Z', { documentDate: '2030-01-01' }), p);
    assert.equal(await registry.findById('not-a-uuid'), undefined);
  });

  it('checks contrast data: the DNI date, the NIE support number, never the other kind', async () => {
    await registry.add(carmen);
    await registry.add(jan);
    assert.equal(await registry.findByDocumentAndContrast('12345678Z', { documentDate: '2031-01-01' }), undefined);
    assert.equal(await registry.findByDocumentAndContrast('12345678Z', { supportNumber: 'E12345678' }), undefined);
    assert.equal((await registry.findByDocumentAndContrast('x1234567l', { supportNumber: 'e12345678' }))?.givenName, 'Jan');
    assert.equal(await registry.findByDocumentAndContrast('X1234567L', { supportNumber: 'E00000000' }), undefined);
    assert.equal(await registry.findByDocumentAndContrast('X1234567L', { documentDate: '2030-01-01' }), undefined);
    assert.equal(await registry.findByDocumentAndContrast('00000000T', { documentDate: '2030-01-01' }), undefined);
  });

  it('refuses a wrong check letter', async () => {
    await assert.rejects(() => registry.add({ ...carmen, documentNumber: '12345678A' }), rejectsWith('invalid-document'));
  });

  it('needs the DNI date for a DNI and the support number for a NIE, not both', async () => {
    await assert.rejects(() => registry.add({ ...carmen, documentDate: undefined }), rejectsWith('invalid', /documentDate/));
    await assert.rejects(() => registry.add({ ...carmen, supportNumber: 'E12345678' }), rejectsWith('invalid'));
    await assert.rejects(() => registry.add({ ...jan, supportNumber: undefined }), rejectsWith('invalid', /supportNumber/));
    await assert.rejects(() => registry.add({ ...jan, documentDate: '2030-01-01' }), rejectsWith('invalid'));
    await assert.rejects(() => registry.add({ ...jan, supportNumber: '12345678' }), rejectsWith('invalid', /letter and 8 digits/));
  });

  it('refuses bad dates, mobiles, e-mails and missing names', async () => {
    await assert.rejects(() => registry.add({ ...carmen, documentDate: '01/01/2030' }), rejectsWith('invalid', /yyyy-mm-dd/));
    await assert.rejects(() => registry.add({ ...carmen, dateOfBirth: '1980-02-30' }), rejectsWith('invalid'));
    await assert.rejects(() => registry.add({ ...carmen, mobile: '600000001' }), rejectsWith('invalid', /E\.164/));
    await assert.rejects(() => registry.add({ ...carmen, email: 'nope' }), rejectsWith('invalid'));
    await assert.rejects(() => registry.add({ ...carmen, givenName: '  ' }), rejectsWith('invalid', /givenName/));
    await assert.rejects(() => registry.add({ givenName: 'A', firstSurname: 'B', registrationLevel: 'basic' }), rejectsWith('invalid', /documentNumber|eidas/));
  });

  it('links one person per mobile number and says why', async () => {
    await registry.add(carmen);
    await assert.rejects(
      () => registry.add({ ...jan, mobile: '+34600000001' }),
      rejectsWith('mobile-taken', /only one DNI\/NIE can be linked to the same mobile number, because the phone is the exclusive second factor/),
    );
  });

  it('tells whether a mobile is taken, however it is typed', async () => {
    assert.equal(await registry.isMobileTaken('+34600000001'), false);
    await registry.add(carmen);
    assert.equal(await registry.isMobileTaken('0034 600 00 00 01'), true);
    assert.equal(await registry.isMobileTaken('+34600000002'), false);
  });

  it('refuses the same document twice', async () => {
    await registry.add(carmen);
    await assert.rejects(() => registry.add({ ...carmen, mobile: '+34600000009' }), rejectsWith('duplicate'));
  });

  it('of concurrent registrations of one mobile exactly one wins', async () => {
    const results = await Promise.allSettled(
      ['00000000T', '12345678Z', '99999999R'].map((doc) => registry.add({ ...carmen, documentNumber: doc, mobile: '+34611111111' })),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'rejected') rejectsWith('mobile-taken')(r.reason);
  });

  it('registers a foreign person by eIDAS identifier only', async () => {
    const p = await registry.add({ eidasPersonIdentifier: 'DE/ES/abc123', givenName: 'Erika', firstSurname: 'Mustermann', registrationLevel: 'basic' });
    assert.equal(p.documentType, null);
    assert.deepEqual(await registry.findByEidasIdentifier('DE/ES/abc123'), p);
    await assert.rejects(() => registry.add({ eidasPersonIdentifier: 'nonsense', givenName: 'E', firstSurname: 'M', registrationLevel: 'basic' }), rejectsWith('invalid'));
  });

  it('seeds the demo file idempotently', async () => {
    const persons = loadSeedFile(path.join(PROJECT_ROOT, 'config', 'demo-persons.json'));
    assert.equal(await registry.seed(persons), persons.length);
    assert.equal(await registry.seed(persons), 0);
    const [a, b] = await Promise.all([registry.seed(persons), registry.seed(persons)]);
    assert.equal(a + b, 0);
    assert.equal((await registry.findByDocument('X1234567L'))?.supportNumber, 'E12345678');
  });

  it('seeding concurrently from an empty registry adds each person once', async () => {
    const persons = loadSeedFile(path.join(PROJECT_ROOT, 'config', 'demo-persons.json'));
    const counts = await Promise.all([registry.seed(persons), registry.seed(persons), registry.seed(persons)]);
    assert.equal(counts.reduce((x, y) => x + y, 0), persons.length);
  });
});
