// docs/config.md is generated from the zod schema; CI fails here when someone changes the schema,
// config/default.yaml or the environment table without regenerating it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { main, renderConfigDocs, CONFIG_DOCS } from '../../../tools/config-docs.js';
import { main as pasarela } from '../../../tools/pasarela.js';
import { ENV_VARIABLES } from '../../../broker/config.js';

function captured() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

const rowOf = (md: string, key: string) => md.split('\n').find((l) => l.startsWith(`| \`${key}\` |`));

describe('pasarela config-docs (docs/config.md)', () => {
  const rendered = renderConfigDocs();

  it('docs/config.md is what the generator makes now', () => {
    const current = readFileSync(CONFIG_DOCS, 'utf8');
    assert.ok(current === rendered, 'docs/config.md is out of date: run `npx pasarela config-docs --write` and commit it');
  });

  it('documents each key with its type, default, environment variable and description', () => {
    assert.equal(rowOf(rendered, 'port'), '| `port` | integer 0–65535 | `8080` | `PORT` | TCP port to listen on |');
    assert.match(rowOf(rendered, 'tls.certFile') ?? '', /^\| `tls\.certFile` \| string or null \| `null` \| `TLS_CERT_FILE` \| PEM certificate/);
    assert.match(rowOf(rendered, 'database.url') ?? '', /\| string \| unset \| `DATABASE_URL` \|/);
    // inside lists and maps, a row per field of the element
    assert.match(rowOf(rendered, 'keys.pseudonymSecrets[].secret') ?? '', /string ≥ 16 characters/);
    assert.match(rowOf(rendered, 'loa.methodRungs.<connector>.basic') ?? '', /`"2\+"` or null/);
    // SP policy entries once, with the defaults zod gives a missing key
    assert.equal(rowOf(rendered, 'sps.policies.<entityID>.dialects'), undefined);
    assert.match(rowOf(rendered, 'relayStateMaxBytes') ?? '', /\| integer 80–8192 \| `1024` \|/);
    // an enum's | does not split the table's cells
    for (const line of rendered.split('## Environment variables')[0]!.split('\n').filter((l) => l.startsWith('| `'))) assert.equal(line.replace(/\\\|/g, '').split('|').length, 7, line);
    for (const e of ENV_VARIABLES) assert.match(rendered, new RegExp(`^\\| \`${e.name}\` \\| \`${e.path.join('\\.')}\` \\|`, 'm'));
  });

  it('prints without --write, checks with --check, and is a pasarela command', async () => {
    let c = captured();
    assert.equal(await main([], {}, c.io), 0);
    assert.equal(c.out.join('\n') + '\n', rendered);
    c = captured();
    assert.equal(await main(['--check'], {}, c.io), 0, c.err.join('\n'));
    c = captured();
    assert.equal(await pasarela(['config-docs', '--help'], {}, c.io), 0);
    assert.match(c.out.join('\n'), /--write/);
    c = captured();
    assert.equal(await main(['--frobnicate'], {}, c.io), 2);
  });
});
