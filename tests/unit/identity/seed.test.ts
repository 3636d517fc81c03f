import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../broker/config.js';
import { loadSeedFile, SeedFileError } from '../../../broker/identity/seed.js';

describe('identity seed file', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'pasarela-seed-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, body: string) => {
    const f = path.join(dir, name);
    writeFileSync(f, body);
    return f;
  };

  it('reads config/demo-persons.json', () => {
    const persons = loadSeedFile(path.join(PROJECT_ROOT, 'config', 'demo-persons.json'));
    assert.equal(persons.length, 3);
    assert.equal(persons[0]!.documentNumber, '12345678Z');
  });
  it('names the entry and field of each problem', () => {
    const f = write('bad.json', JSON.stringify([{ givenName: 'A', firstSurname: 'B', registrationLevel: 'basic' }, { givenName: 'A', firstSurname: 'B', registrationLevel: 'gold', mobil: '+34600' }]));
    assert.throws(() => loadSeedFile(f), (err: unknown) => {
      assert.ok(err instanceof SeedFileError);
      assert.match(err.message, /\[1\]\.registrationLevel/);
      assert.match(err.message, /mobil/);
      assert.ok(err.message.includes(f));
      return true;
    });
  });
  it('refuses a file that is not JSON, or not a list', () => {
    assert.throws(() => loadSeedFile(write('x.json', '{ nope')), /seed file .*x\.json/);
    assert.throws(() => loadSeedFile(write('o.json', '{}')), SeedFileError);
    assert.throws(() => loadSeedFile(path.join(dir, 'missing.json')), /ENOENT/);
  });
});
