// Start-up refuses an invalid configuration with a message naming the key and exit code 1,
// before anything listens (style.md §6).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../broker/config.js';

function start(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'broker/main.ts'], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

/** Start with PASARELA_CONFIG pointing at a file holding `yaml`. */
function startWithConfigFile(yaml: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'pasarela-cfg-'));
  try {
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, yaml);
    return start({ PASARELA_CONFIG: file, VAR_DIR: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('start-up with an invalid configuration', function () {
  this.timeout(60_000);
  it('a bad environment value: exit 1 and the key named', () => {
    const r = start({ PORT: 'eighty' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /invalid configuration/);
    assert.match(r.stderr, /port/);
  });
  it('a bad PASARELA_CONFIG file: exit 1 and the keys named', () => {
    const r = startWithConfigFile('saml:\n  clockSkewSeconds: -5\nconnectors:\n  enabled: [pin, nosuch]\n');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /saml\.clockSkewSeconds/);
  });
  it('an unknown connector: exit 1 and the connector named', () => {
    const r = startWithConfigFile('connectors:\n  enabled: [pin, nosuch]\n');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /unknown connector "nosuch"/);
  });
});
