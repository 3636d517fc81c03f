// The `pasarela` command: its dispatch, and the bin launcher really running under npx.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { main } from '../../../tools/pasarela.js';
import { PROJECT_ROOT } from '../../../broker/config.js';

function captured() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

describe('pasarela command', () => {
  it('lists its commands, and refuses an unknown one with the list', async () => {
    let c = captured();
    assert.equal(await main(['--help'], {}, c.io), 0);
    assert.match(c.out.join('\n'), /^usage: pasarela <command>/);
    assert.match(c.out.join('\n'), /registrar\s+register persons/);
    c = captured();
    assert.equal(await main([], {}, c.io), 2);
    c = captured();
    assert.equal(await main(['frobnicate'], {}, c.io), 2);
    assert.match(c.err.join('\n'), /unknown command "frobnicate"[\s\S]*registrar/);
  });

  it('hands the rest of the line to the command', async () => {
    const c = captured();
    assert.equal(await main(['registrar', '--help'], {}, c.io), 0);
    assert.match(c.out.join('\n'), /registrar activation-code <DNI\/NIE>/);
  });

  it('runs as `npx pasarela` from a checkout (bin/pasarela.mjs through tsx)', function () {
    this.timeout(30_000);
    const out = execFileSync('npx', ['--no-install', 'pasarela', '--help'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    assert.match(out, /usage: pasarela <command>/);
    const bad = spawnSync('npx', ['--no-install', 'pasarela', 'frobnicate'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    assert.equal(bad.status, 2);
  });
});
