// The person behind a foreign login (PGlite in memory): created at the first login without prior
// registration, found again by PersonIdentifier, names and date of birth following the node, and
// two first logins at once ending with one person.
import assert from 'node:assert/strict';
import { openDatabase, type Database } from '../../../broker/store/db.js';
import { createIdentityRegistry } from '../../../broker/identity/registry-db.js';
import type { IdentityRegistry } from '../../../broker/identity/registry.js';
import { findOrAddForeignPerson } from '../../../connectors/eidas/foreign-person.js';
import { createTestDatabase, describeServer, serverTarget, testConfig, type TestDatabase } from '../../helpers/store-targets.js';

const ERIKA = { personIdentifier: 'DE/ES/0001', givenName: 'Erika', familyName: 'Mustermann', dateOfBirth: '1964-08-12' };

describe('eidas foreign-person: find or create the person of a foreign login', () => {
  let database: Database;
  let identity: IdentityRegistry;
  before(async () => {
    database = await openDatabase(testConfig({ database: { pgliteDir: 'memory://' } }));
    identity = createIdentityRegistry(database.db);
  });
  after(async () => database.close());

  it('creates the person at the first login (basic, no document) and finds the same one afterwards', async () => {
    const first = await findOrAddForeignPerson(identity, ERIKA);
    assert.equal(first.eidasPersonIdentifier, 'DE/ES/0001');
    assert.equal(first.documentNumber, null);
    assert.equal(first.registrationLevel, 'basic');
    assert.equal((await findOrAddForeignPerson(identity, ERIKA)).id, first.id);
  });

  it("takes the node's current names and date of birth", async () => {
    const before = await findOrAddForeignPerson(identity, ERIKA);
    const after = await findOrAddForeignPerson(identity, { ...ERIKA, familyName: 'Schmidt', dateOfBirth: '1964-08-13' });
    assert.equal(after.id, before.id);
    assert.equal(after.firstSurname, 'Schmidt');
    assert.equal((await identity.findById(before.id))!.dateOfBirth, '1964-08-13');
  });

  it('never rewrites a person who also has a DNI/NIE', async () => {
    const carmen = await identity.add({ documentNumber: '12345678Z', documentDate: '2030-01-01', eidasPersonIdentifier: 'PT/ES/0002', givenName: 'Carmen', firstSurname: 'Español', registrationLevel: 'advanced' });
    const found = await findOrAddForeignPerson(identity, { personIdentifier: 'PT/ES/0002', givenName: 'Other', familyName: 'Name', dateOfBirth: '1990-01-01' });
    assert.equal(found.id, carmen.id);
    assert.equal((await identity.findById(carmen.id))!.givenName, 'Carmen');
  });

  it('two first logins at once end with one person', async () => {
    const twin = { ...ERIKA, personIdentifier: 'DE/ES/0003' };
    const [a, b] = await Promise.all([findOrAddForeignPerson(identity, twin), findOrAddForeignPerson(identity, twin)]);
    assert.equal(a.id, b.id);
  });
});

describeServer(serverTarget('eidas foreign-person on PostgreSQL', 'TEST_DATABASE_URL'), (url) => {
  let testDb: TestDatabase;
  let database: Database;
  before(async () => {
    testDb = await createTestDatabase(url);
    database = await openDatabase(testConfig({ database: { url: testDb.url } }));
  });
  after(async () => {
    await database?.close();
    await testDb?.drop();
  });

  it('eight first logins of one person at once end with one person (the unique key decides)', async () => {
    const identity = createIdentityRegistry(database.db);
    const twin = { ...ERIKA, personIdentifier: 'DE/ES/0004' };
    const people = await Promise.all(Array.from({ length: 8 }, () => findOrAddForeignPerson(identity, twin)));
    assert.equal(new Set(people.map((p) => p.id)).size, 1);
    const rows = await database.db.selectFrom('persons').select('id').where('eidas_person_identifier', '=', 'DE/ES/0004').execute();
    assert.equal(rows.length, 1);
  });
});
