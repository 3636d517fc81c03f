// `pasarela keys`: the rollover steps on a real key directory, read back the way the broker reads
// its keys at start-up (loadSigningKeys), so "published" and "signing" mean what metadata and
// signatures will use.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../../tools/keys.js';
import { loadSigningKeys } from '../../../broker/saml/keys.js';
import { testConfig } from '../../helpers/store-targets.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/keys');
const der = (pem: string) => new X509Certificate(pem).raw.toString('base64');

function captured() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

describe('pasarela keys (signing-key rollover)', function () {
  this.timeout(60_000);
  let varDir: string;
  let env: NodeJS.ProcessEnv;
  const keysDir = () => path.join(varDir, 'keys');
  const load = () => loadSigningKeys(testConfig({ varDir }), varDir);
  const run = async (...argv: string[]) => {
    const c = captured();
    const code = await main(argv, env, c.io);
    return { code, out: c.out.join('\n'), err: c.err.join('\n') };
  };

  before(async () => {
    varDir = await mkdtemp(path.join(tmpdir(), 'pasarela-keys-cmd-'));
    env = { VAR_DIR: varDir };
  });
  after(() => rm(varDir, { recursive: true, force: true }));

  it('needs a signing key first', async () => {
    const r = await run('status');
    assert.equal(r.code, 2);
    assert.match(r.err, /no signing key in/);
  });

  it('next → promote → retire: what the broker publishes and signs with at each step', async () => {
    const first = await load(); // the broker's first start generates the signing pair
    assert.equal(first.nextCertBase64, undefined);

    let r = await run('next');
    assert.equal(r.code, 0, r.err);
    const nextPem = await readFile(path.join(keysDir(), 'next.crt'), 'utf8');
    assert.equal((await stat(path.join(keysDir(), 'next.key'))).mode & 0o777, 0o600, 'the private key is readable by its owner only');
    let keys = await load();
    assert.equal(keys.certBase64, first.certBase64, 'still signing with the current key');
    assert.equal(keys.nextCertBase64, der(nextPem), 'the next certificate is published');

    r = await run('next');
    assert.equal(r.code, 2);
    assert.match(r.err, /already published/);

    r = await run('promote');
    assert.equal(r.code, 0, r.err);
    keys = await load(); // signingKeysFromPem refuses a key that does not match its certificate
    assert.equal(keys.certBase64, der(nextPem), 'signing with the promoted key');
    assert.equal(keys.nextCertBase64, first.certBase64, 'the old certificate is still published');

    r = await run('next');
    assert.equal(r.code, 2);
    assert.match(r.err, /retire it first/);

    r = await run('status');
    assert.match(r.out, /^signing .*SHA-256/m);
    assert.match(r.out, /^previous .*SHA-256/m);
    assert.match(r.out, /^next +-$/m);

    r = await run('retire');
    assert.equal(r.code, 0, r.err);
    keys = await load();
    assert.equal(keys.certBase64, der(nextPem));
    assert.equal(keys.nextCertBase64, undefined, 'only the signing certificate is published');
    assert.equal((await run('retire')).code, 2);
    assert.equal((await run('promote')).code, 2);
  });

  it('imports a next pair made elsewhere, and refuses a certificate of another key', async () => {
    let r = await run('next', '--key', path.join(FIXTURES, 'idp.key'), '--cert', path.join(FIXTURES, 'sp1.crt'));
    assert.equal(r.code, 1);
    assert.match(r.err, /does not match/);
    r = await run('next', '--key', path.join(FIXTURES, 'idp.key'));
    assert.equal(r.code, 2);
    r = await run('next', '--key', path.join(FIXTURES, 'idp.key'), '--cert', path.join(FIXTURES, 'idp.crt'));
    assert.equal(r.code, 0, r.err);
    assert.equal((await load()).nextCertBase64, der(await readFile(path.join(FIXTURES, 'idp.crt'), 'utf8')));
  });

  it('leaves configured key files to the manual runbook', async () => {
    const yaml = path.join(varDir, 'files.yaml');
    await writeFile(yaml, `keys:\n  signingKeyFile: ${path.join(FIXTURES, 'idp.key')}\n  signingCertFile: ${path.join(FIXTURES, 'idp.crt')}\n`);
    const c = captured();
    assert.equal(await main(['next'], { ...env, PASARELA_CONFIG: yaml }, c.io), 2);
    assert.match(c.err.join('\n'), /configured: roll those over by hand \(docs\/key-rollover\.md\)/);
  });

  it('prints a new pseudonym secret with the next version', async () => {
    const r = await run('pseudonym-secret');
    assert.equal(r.code, 0);
    assert.match(r.out, /^- version: 2\n {2}secret: [A-Za-z0-9_-]{43}$/m);
  });
});
