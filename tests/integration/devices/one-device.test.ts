// One active device per person (seed 000 §3.2), on real PostgreSQL where concurrency is real:
// concurrent activations for one person all succeed and leave exactly one active device, and the
// database itself refuses a second active row, whatever the code does.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../../../broker/store/db.js';
import { createDeviceRegistry } from '../../../broker/identity/devices/registry.js';
import { createIdentityRegistry } from '../../../broker/identity/registry-db.js';
import { createTestDatabase, describeServer, serverTarget, testConfig, type TestDatabase } from '../../helpers/store-targets.js';

const publicKeyPem = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

function suite(open: () => Promise<{ database: Database; drop: () => Promise<void> }>) {
  let database: Database;
  let drop: () => Promise<void>;
  let personId: string;
  before(async () => {
    ({ database, drop } = await open());
    const person = await createIdentityRegistry(database.db).add({ documentNumber: '12345678Z', documentDate: '2030-01-01', givenName: 'Carmen', firstSurname: 'Español', mobile: '+34600000001', registrationLevel: 'basic' });
    personId = person.id;
  });
  after(async () => {
    await database.close();
    await drop();
  });

  it('concurrent activations for one person all succeed and leave exactly one active device', async () => {
    const devices = createDeviceRegistry(database.db, { pushRules: { allowLoopbackHttp: false }, now: () => new Date() });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => devices.activate(personId, { publicKeyPem: publicKeyPem(), pushAddress: { kind: 'token', token: `token-of-device-number-${i}` }, label: `phone ${i}` })));
    const rows = await database.db.selectFrom('devices').select(['id', 'status']).where('person_id', '=', personId).execute();
    assert.equal(rows.length, 12);
    assert.equal(rows.filter((r) => r.status === 'active').length, 1);
    // each activation replaced the one before it: a chain, so everyone but the first was told
    assert.equal(results.filter((r) => r.replaced).length, 11);
    assert.equal((await devices.activeDeviceOf(personId))?.id, rows.find((r) => r.status === 'active')!.id);
  });

  it('the database refuses a second active device for a person', async () => {
    const insert = () =>
      database.db.insertInto('devices').values({ person_id: personId, public_key_pem: publicKeyPem(), push_kind: 'token', push_target: 'token-inserted-by-hand-0001', label: 'x', deactivated_at: null, last_seen_at: null }).execute();
    await assert.rejects(insert(), /devices_one_active_per_person/);
    const active = await sql<{ n: string }>`select count(*) as n from devices where person_id = ${personId} and status = 'active'`.execute(database.db);
    assert.equal(Number(active.rows[0]!.n), 1);
  });
}

describe('one active Cl@ve app device per person (seed 000 §3.2)', () => {
  describe('PGlite', () => suite(async () => ({ database: await openDatabase(testConfig({ database: { pgliteDir: 'memory://' } })), drop: async () => {} })));
  describeServer(serverTarget('PostgreSQL', 'TEST_DATABASE_URL'), (url) =>
    suite(async () => {
      const testDb: TestDatabase = await createTestDatabase(url);
      return { database: await openDatabase(testConfig({ database: { url: testDb.url } })), drop: () => testDb.drop() };
    }),
  );
});
