import assert from 'node:assert/strict';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../broker/config.js';
import { SeedFileError } from '../../../broker/identity/seed.js';
import { loadMandatesSeedFile, seedMandates, type MandatesSeed } from '../../../broker/mandates/seed.js';
import { openDatabase } from '../../../broker/store/db.js';
import { createIdentityRegistry } from '../../../broker/identity/registry-db.js';
import { loadSeedFile } from '../../../broker/identity/seed.js';
import { startTestBroker, type TestBroker } from '../../helpers/test-broker.js';
import { createTestDatabase, describeServer, serverTarget, testConfig } from '../../helpers/store-targets.js';

const DEMO = 'config/demo-organisations.json';

describe('demo organisations seed (mandates.seedFile)', () => {
  let b: TestBroker;
  before(async () => {
    b = await startTestBroker({ overrides: { mandates: { seedFile: DEMO } } });
  });
  after(() => b.close());

  const db = () => b.broker.services.db;

  it('adds the issue\'s demo: Santos B.V. with Carmen, Accountants Vries with Lucía and Jan, the chain mandate and Lucía\'s mandate', async () => {
    const orgs = await db().selectFrom('organisations').select(['identifier', 'name']).orderBy('identifier').execute();
    assert.deepEqual(orgs, [
      { identifier: '90000001', name: 'Santos B.V.' },
      { identifier: '90000002', name: 'Accountants Vries' },
    ]);
    const members = await db()
      .selectFrom('members')
      .innerJoin('organisations', 'organisations.id', 'members.organisation_id')
      .select(['organisations.identifier', 'members.document_number', 'members.role', 'members.level', 'members.status'])
      .orderBy('organisations.identifier')
      .orderBy('members.document_number')
      .execute();
    assert.deepEqual(members, [
      { identifier: '90000001', document_number: '12345678Z', role: 'administrator', level: '3', status: 'active' },
      { identifier: '90000002', document_number: '87654321X', role: 'administrator', level: '3', status: 'active' },
      { identifier: '90000002', document_number: 'X1234567L', role: 'user', level: '2+', status: 'active' },
    ]);
    const services = await db().selectFrom('services').select(['name_en', 'min_rung', 'accepts_chain', 'acs_index', 'is_default']).orderBy('acs_index').execute();
    assert.deepEqual(services, [
      { name_en: 'Demo tax return', min_rung: '3', accepts_chain: true, acs_index: 1, is_default: true },
      { name_en: 'Demo permit', min_rung: '2+', accepts_chain: false, acs_index: 2, is_default: false },
    ]);
    const chain = await db().selectFrom('chain_mandates').select(['start_date', 'end_date']).execute();
    assert.equal(chain.length, 1);
    const mandates = await db().selectFrom('mandates').select(['start_date', 'end_date']).execute();
    assert.equal(mandates.length, 1);
    // granted today for the default five years
    const start = mandates[0]!.start_date;
    assert.equal(mandates[0]!.end_date, `${Number(start.slice(0, 4)) + 5}${start.slice(4)}`);
  });

  it('adds nothing the second time', async () => {
    const seed = loadMandatesSeedFile(path.join(PROJECT_ROOT, DEMO));
    const again = await seedMandates(db(), seed, { today: '2026-11-22', years: 5, now: new Date() });
    assert.deepEqual(again, { services: 0, organisations: 0, members: 0, mandates: 0, chainMandates: 0 });
  });

  it('a seed naming an unknown person writes nothing at all', async () => {
    const seed = loadMandatesSeedFile(path.join(PROJECT_ROOT, DEMO));
    const broken: MandatesSeed = {
      ...seed,
      services: [{ ...seed.services[0]!, serviceId: 'urn:test:services:new', serviceUuid: '0b5a3ac2-33a4-4bb0-8d38-45a5a4d8a9f4', acsIndex: 9, isDefault: false }],
      organisations: [{ identifier: { type: 'kvk', value: '90000099' }, name: 'Nobody B.V.', members: [{ documentNumber: '00000000T', role: 'administrator', level: '3', contactEmail: 'x@example.es' }] }],
      mandates: [],
      chainMandates: [],
    };
    await assert.rejects(seedMandates(db(), broken, { today: '2026-11-22', years: 5, now: new Date() }), (err: unknown) => err instanceof SeedFileError && /00000000T/.test(err.message));
    assert.equal((await db().selectFrom('services').select('id').where('service_id', '=', 'urn:test:services:new').execute()).length, 0);
    assert.equal((await db().selectFrom('organisations').select('id').where('identifier', '=', '90000099').execute()).length, 0);
  });

  it('names the field of a malformed entry', () => {
    const file = path.join(PROJECT_ROOT, 'tests', 'fixtures', 'mandates-seed-bad.json');
    assert.throws(() => loadMandatesSeedFile(file), (err: unknown) => err instanceof SeedFileError && /organisations\[0\]\.members\[0\]\.level/.test(err.message));
  });
});

describeServer(serverTarget('postgres', 'TEST_DATABASE_URL'), (baseUrl) => {
  it('three nodes seeding at once on one PostgreSQL: all succeed, the demo exactly once', async function () {
    this.timeout(60_000);
    const testDb = await createTestDatabase(baseUrl);
    const nodes = await Promise.all([1, 2, 3].map(() => openDatabase(testConfig({ database: { url: testDb.url } }))));
    try {
      await createIdentityRegistry(nodes[0]!.db).seed(loadSeedFile(path.join(PROJECT_ROOT, 'config', 'demo-persons.json')));
      const seed = loadMandatesSeedFile(path.join(PROJECT_ROOT, DEMO));
      const results = await Promise.all(nodes.map((n) => seedMandates(n.db, seed, { today: '2026-11-22', years: 5, now: new Date() })));
      assert.deepEqual(
        results.reduce((a, r) => ({ services: a.services + r.services, organisations: a.organisations + r.organisations, members: a.members + r.members, mandates: a.mandates + r.mandates, chainMandates: a.chainMandates + r.chainMandates })),
        { services: 2, organisations: 2, members: 3, mandates: 1, chainMandates: 1 },
      );
      assert.equal((await nodes[0]!.db.selectFrom('members').select('id').execute()).length, 3);
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
      await testDb.drop();
    }
  });
});
