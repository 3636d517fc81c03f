// `pasarela staff` (tools/staff.ts): grant, revoke and list staff roles directly on an embedded
// database under VAR_DIR, and through a running broker's operator API with OPERATOR_TOKEN; the
// roles' rules (held once at a time, only registered active persons) and the audit entries.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main as pasarela } from '../../../tools/pasarela.js';
import { openDatabase } from '../../../broker/store/db.js';
import { createIdentityRegistry } from '../../../broker/identity/registry-db.js';
import { createAuditLog } from '../../../broker/store/audit-log.js';
import { createStaffRegistry } from '../../../broker/identity/staff/roles.js';
import { testConfig } from '../../helpers/store-targets.js';
import { startTestBroker, type TestBroker } from '../../helpers/test-broker.js';
import { OPERATOR_TOKEN } from '../../helpers/staff-session.js';

function captured() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

describe('pasarela staff', () => {
  describe('directly on the embedded database (VAR_DIR)', () => {
    let varDir: string;
    const env = () => ({ VAR_DIR: varDir });
    const open = () => openDatabase(testConfig({ varDir, database: { pgliteDir: 'db' } }));
    before(async function () {
      this.timeout(60_000);
      varDir = mkdtempSync(path.join(os.tmpdir(), 'pasarela-staff-'));
      const database = await open();
      try {
        await createIdentityRegistry(database.db).add({ documentNumber: '12345678Z', documentDate: '2030-01-01', givenName: 'Carmen', firstSurname: 'Español', registrationLevel: 'advanced' });
        await createIdentityRegistry(database.db).add({ documentNumber: 'X1234567L', supportNumber: 'E12345678', givenName: 'Jan', firstSurname: 'de Vries', registrationLevel: 'basic', status: 'renounced' });
      } finally {
        await database.close();
      }
    });
    after(() => rmSync(varDir, { recursive: true, force: true }));

    it('grants, revokes and lists with the history, audited as operator-cli (each run opens the database)', async function () {
      this.timeout(60_000);
      let c = captured();
      assert.equal(await pasarela(['staff', 'grant', '12.345.678-z', 'registrar'], env(), c.io), 0, c.err.join('\n'));
      assert.match(c.out[0]!, /^12345678Z {2}registrar {2}granted \S+ by operator-cli$/);
      c = captured();
      assert.equal(await pasarela(['staff', 'revoke', '12345678Z', 'registrar'], env(), c.io), 0);
      assert.match(c.out[0]!, /revoked \S+ by operator-cli$/);
      c = captured();
      assert.equal(await pasarela(['staff', 'list', '12345678Z', '--history'], env(), c.io), 0);
      assert.equal(c.out.length, 1);
      assert.match(c.out[0]!, /registrar {2}granted .* by operator-cli {2}revoked .* by operator-cli$/);
      const database = await open();
      try {
        const actions = await database.db.selectFrom('audit_log').select(['actor', 'action']).where('action', 'like', 'staff.role.%').orderBy('id').execute();
        assert.deepEqual(actions.map((a) => `${a.actor} ${a.action}`), ['operator-cli staff.role.granted', 'operator-cli staff.role.revoked']);
      } finally {
        await database.close();
      }
    });

    it('lets only one of two concurrent grants of a role win (the partial unique index)', async function () {
      this.timeout(60_000);
      const database = await open();
      try {
        const now = () => new Date();
        const staff = createStaffRegistry({ db: database.db, identity: createIdentityRegistry(database.db), audit: createAuditLog(database.db, now), now });
        const results = await Promise.allSettled([staff.grant('12345678Z', 'interviewer', 'operator'), staff.grant('12345678Z', 'interviewer', 'operator')]);
        assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
        assert.deepEqual(await staff.rolesOf((await createIdentityRegistry(database.db).findByDocument('12345678Z'))!.id), ['interviewer']);
      } finally {
        await database.close();
      }
    });
  });

  describe('through a running broker (--broker, OPERATOR_TOKEN)', () => {
    let b: TestBroker;
    const env = { OPERATOR_TOKEN };
    const run = async (...args: string[]) => {
      const c = captured();
      const code = await pasarela(['staff', ...args, '--broker', b.url], env, c.io);
      return { code, out: c.out, err: c.err.join('\n') };
    };
    before(async () => {
      b = await startTestBroker({ overrides: { api: { operatorToken: OPERATOR_TOKEN } } });
      await b.broker.services.identity.add({ documentNumber: '11111111H', documentDate: '2030-01-01', givenName: 'Ana', firstSurname: 'Ruiz', registrationLevel: 'advanced', status: 'renounced' });
    });
    after(async () => b.close());

    it('grants once, lists, revokes through the operator API', async () => {
      let r = await run('grant', '87654321X', 'interviewer');
      assert.equal(r.code, 0, r.err);
      assert.match(r.out[0]!, /^87654321X {2}interviewer {2}granted \S+ by operator$/);
      r = await run('grant', '87654321X', 'interviewer');
      assert.equal(r.code, 1);
      assert.match(r.err, /already holds the role interviewer/);
      await run('grant', '87654321X', 'official');
      r = await run('list');
      assert.deepEqual(r.out.map((l) => l.split('  ')[1]), ['interviewer', 'official']);
      assert.equal((await run('revoke', '87654321X', 'interviewer')).code, 0);
      r = await run('list', '87654321X');
      assert.deepEqual(r.out.map((l) => l.split('  ')[1]), ['official']);
      r = await run('revoke', '87654321X', 'interviewer');
      assert.equal(r.code, 1);
      assert.match(r.err, /does not hold the role interviewer/);
    });

    it('refuses unknown and inactive persons, bad documents and roles, with the usage for mistakes', async () => {
      let r = await run('grant', '00000000T', 'registrar');
      assert.equal(r.code, 1);
      assert.match(r.err, /no person with document 00000000T/);
      r = await run('grant', '11111111H', 'registrar');
      assert.equal(r.code, 1);
      assert.match(r.err, /renounced/);
      r = await run('grant', '12345678A', 'registrar');
      assert.equal(r.code, 1);
      assert.match(r.err, /not a valid DNI or NIE/);
      r = await run('grant', '12345678Z', 'boss');
      assert.equal(r.code, 2);
      assert.match(r.err, /unknown role "boss"[\s\S]*roles: registrar, interviewer, official/);
      assert.equal((await run('revoke', '12345678Z')).code, 2);
    });

    it('says when the token is refused or missing', async () => {
      let c = captured();
      assert.equal(await pasarela(['staff', 'list', '--broker', b.url], { OPERATOR_TOKEN: `${OPERATOR_TOKEN}x` }, c.io), 1);
      assert.match(c.err.join('\n'), /refused OPERATOR_TOKEN/);
      c = captured();
      assert.equal(await pasarela(['staff', 'list', '--broker', b.url], {}, c.io), 2);
      assert.match(c.err.join('\n'), /OPERATOR_TOKEN is required/);
    });
  });
});
