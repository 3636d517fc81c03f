// tools/registrar.ts: direct mode on a temporary embedded database, refusal while another process
// holds it, and API mode against the registrar router on a loopback test app.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main, type Io } from '../../../tools/registrar.js';
import { openDatabase } from '../../../broker/store/db.js';
import { createIdentityRegistry } from '../../../broker/identity/registry-db.js';
import { PROJECT_ROOT } from '../../../broker/config.js';
import { testConfig } from '../../helpers/store-targets.js';
import { createRegistrarApp, type RegistrarApp } from '../../helpers/identity-registrar-app.js';

const TOKEN = 'cli-test-token-0123456789abcdef';
const DEMO = path.join(PROJECT_ROOT, 'config', 'demo-persons.json');
const addCarmen = ['add', '--document', '12345678Z', '--document-date', '2030-01-01', '--given-name', 'Carmen', '--first-surname', 'Español', '--birth', '1980-01-01', '--mobile', '+34600000001', '--email', 'carmen@example.es', '--level', 'advanced'];

function captured(): Io & { out_: string[]; err_: string[] } {
  const out_: string[] = [];
  const err_: string[] = [];
  return { out_, err_, out: (l) => out_.push(l), err: (l) => err_.push(l) };
}

describe('registrar CLI', () => {
  describe('direct mode (embedded database under VAR_DIR)', () => {
    let varDir: string;
    beforeEach(() => (varDir = mkdtempSync(path.join(os.tmpdir(), 'pasarela-cli-'))));
    afterEach(() => rmSync(varDir, { recursive: true, force: true }));

    it('adds a person, then seeds only the missing ones', async function () {
      this.timeout(60_000);
      const io = captured();
      assert.equal(await main(addCarmen, { VAR_DIR: varDir }, io), 0, io.err_.join('\n'));
      assert.equal(await main(['seed', DEMO], { VAR_DIR: varDir }, io), 0, io.err_.join('\n'));
      assert.deepEqual(io.out_, ['added 12345678Z', 'added 1 of 2 persons (the others were already registered)']);
      const database = await openDatabase(testConfig({ varDir, database: { pgliteDir: 'db' } }));
      try {
        const p = await createIdentityRegistry(database.db).findByDocument('X1234567L');
        assert.equal(p?.givenName, 'Jan');
      } finally {
        await database.close();
      }
    });

    it('fails clearly when a broker holds the embedded database', async function () {
      this.timeout(60_000);
      const held = await openDatabase(testConfig({ varDir, database: { pgliteDir: 'db' } }));
      try {
        const io = captured();
        assert.equal(await main(addCarmen, { VAR_DIR: varDir }, io), 1);
        assert.match(io.err_.join('\n'), /a broker is running on this database .*use --broker/);
      } finally {
        await held.close();
      }
    });

    it('reports validation errors and usage mistakes', async function () {
      this.timeout(60_000);
      let io = captured();
      assert.equal(await main(['add', '--document', '12345678A', '--document-date', '2030-01-01', '--given-name', 'A', '--first-surname', 'B', '--level', 'basic'], { VAR_DIR: varDir }, io), 1);
      assert.match(io.err_.join('\n'), /not a valid DNI/);
      io = captured();
      assert.equal(await main(['add', '--document', '12345678Z'], { VAR_DIR: varDir }, io), 2);
      assert.match(io.err_.join('\n'), /--given-name is required/);
      io = captured();
      assert.equal(await main(['frobnicate'], { VAR_DIR: varDir }, io), 2);
      io = captured();
      assert.equal(await main(['add', '--nonsense'], { VAR_DIR: varDir }, io), 2);
    });
  });

  describe('API mode (--broker / PASARELA_URL with REGISTRAR_TOKEN)', () => {
    let t: RegistrarApp;
    let url: string;
    before(async () => {
      t = await createRegistrarApp(TOKEN);
      url = await t.listen();
    });
    after(() => t.close());

    it('adds through the broker, and seeds idempotently', async () => {
      const io = captured();
      assert.equal(await main([...addCarmen, '--broker', url], { REGISTRAR_TOKEN: TOKEN }, io), 0, io.err_.join('\n'));
      assert.equal((await t.registry.findByDocument('12345678Z'))?.email, 'carmen@example.es');
      assert.equal(await main(['seed', DEMO], { PASARELA_URL: url, REGISTRAR_TOKEN: TOKEN }, io), 0, io.err_.join('\n'));
      assert.equal(await main(['seed', DEMO], { PASARELA_URL: url, REGISTRAR_TOKEN: TOKEN }, io), 0);
      assert.deepEqual(io.out_.slice(1), ['added 1 of 2 persons (the others were already registered)', 'added 0 of 2 persons (the others were already registered)']);
    });

    it('reports the broker\'s refusals', async () => {
      let io = captured();
      assert.equal(await main([...addCarmen, '--broker', url], { REGISTRAR_TOKEN: 'wrong' }, io), 1);
      assert.match(io.err_.join('\n'), /401/);
      io = captured();
      assert.equal(await main([...addCarmen, '--broker', url], {}, io), 2);
      assert.match(io.err_.join('\n'), /REGISTRAR_TOKEN is required/);
      io = captured();
      const other = [...addCarmen];
      other[2] = '00000000T'; // same mobile, another person
      assert.equal(await main([...other, '--broker', url], { REGISTRAR_TOKEN: TOKEN }, io), 1);
      assert.match(io.err_.join('\n'), /exclusive second factor/);
    });
  });
});
