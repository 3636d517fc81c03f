// tools/registrar.ts: direct mode on a temporary embedded database, refusal while another process
// holds it, and API mode against the registrar router on a loopback test app.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main, type Io } from '../../../tools/registrar.js';
import { openDatabase } from '../../../broker/store/db.js';
import { createIdentityRegistry } from '../../../broker/identity/registry-db.js';
import { createPermanenteAccounts } from '../../../broker/identity/permanente-accounts.js';
import { activationCodeMatches } from '../../../broker/identity/activation-code.js';
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

const ACTIVATION_LINE = (doc: string) => new RegExp(`^added ${doc}  Cl@ve Permanente activation code: [2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$`);
const codeIn = (line: string) => line.slice(line.lastIndexOf(' ') + 1);

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
      assert.match(io.out_[0]!, ACTIVATION_LINE('12345678Z'));
      assert.match(io.out_[1]!, ACTIVATION_LINE('X1234567L'));
      assert.match(io.out_[2]!, ACTIVATION_LINE('87654321X'));
      assert.deepEqual(io.out_.slice(3), ['added 2 of 3 persons (the others were already registered)']);
      assert.equal(await main(['activation-code', '12345678z'], { VAR_DIR: varDir }, io), 0, io.err_.join('\n'));
      assert.match(io.out_[4]!, /^12345678Z  Cl@ve Permanente activation code: /);
      const database = await openDatabase(testConfig({ varDir, database: { pgliteDir: 'db' } }));
      try {
        const p = await createIdentityRegistry(database.db).findByDocument('X1234567L');
        assert.equal(p?.givenName, 'Jan');
        // only the hash is stored, and it is the hash of the printed code
        const account = await createPermanenteAccounts(database.db).find(p!.id);
        assert.equal(account?.state, 'pending');
        assert.ok(activationCodeMatches(codeIn(io.out_[1]!), account!.activationCodeHash));
        const carmen = await createPermanenteAccounts(database.db).find((await createIdentityRegistry(database.db).findByDocument('12345678Z'))!.id);
        assert.ok(!activationCodeMatches(codeIn(io.out_[0]!), carmen!.activationCodeHash), 'the renewed code replaces the first');
        assert.ok(activationCodeMatches(codeIn(io.out_[4]!), carmen!.activationCodeHash));
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
      assert.match(io.out_[0]!, ACTIVATION_LINE('12345678Z'));
      assert.match(io.out_[1]!, ACTIVATION_LINE('X1234567L'));
      assert.match(io.out_[2]!, ACTIVATION_LINE('87654321X'));
      assert.deepEqual(io.out_.slice(3), ['added 2 of 3 persons (the others were already registered)', 'added 0 of 3 persons (the others were already registered)']);
      const jan = (await t.registry.findByDocument('X1234567L'))!;
      assert.ok(activationCodeMatches(codeIn(io.out_[1]!), (await t.accounts.find(jan.id))!.activationCodeHash));
      assert.equal(await main(['activation-code', 'X1234567L', '--broker', url], { REGISTRAR_TOKEN: TOKEN }, io), 0, io.err_.join('\n'));
      assert.ok(activationCodeMatches(codeIn(io.out_[5]!), (await t.accounts.find(jan.id))!.activationCodeHash));
      io.out_.length = 0;
      assert.equal(await main(['activation-code', '00000000T', '--broker', url], { REGISTRAR_TOKEN: TOKEN }, io), 1);
      assert.match(io.err_.join('\n'), /no person with this document number/);
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
