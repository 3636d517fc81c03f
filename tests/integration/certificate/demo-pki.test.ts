// `npm start`'s demo PKI: generated once under varDir/demo-pki, its trusted list (signed by our own
// demo signer) passes the same strict XAdES verification as a real list, its CRL is served, and the
// demo person's certificate is accepted as a qualified certificate on a qualified device; the
// PKCS#12 opens with the printed password (checked with openssl).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { loadConfig, type Config } from '../../../broker/config.js';
import { openCertificateTrust } from '../../../broker/pki/setup.js';
import { prepareDemoPki, type DemoPki } from '../../../tools/demo-pki/index.js';
import { freePort } from '../../helpers/processes.js';

const run = promisify(execFile);

describe('demo PKI (npm start)', function () {
  this.timeout(60_000);
  let varDir: string;
  let cfg: Config;
  let demo: DemoPki | undefined;

  before(async () => {
    varDir = await mkdtemp(path.join(tmpdir(), 'pasarela-demo-pki-'));
    process.env.DEMO_CRL_PORT = String(await freePort());
    cfg = loadConfig({}, { varDir });
  });
  after(async () => {
    await demo?.close();
    await rm(varDir, { recursive: true, force: true });
    delete process.env.DEMO_CRL_PORT;
  });

  it('verifies its trusted list strictly and accepts the demo person at a qualified device, revocation from its CRL', async () => {
    demo = await prepareDemoPki(cfg);
    const withDemo = loadConfig({}, { varDir, pki: { trustedLists: demo.trustedLists.map((l) => ({ ...l })) } });
    const trust = await openCertificateTrust(withDemo, pino({ level: process.env.DEBUG_DEMO ? 'warn' : 'silent' }), () => new Date());
    try {
      assert.equal(trust.trustedLists.lists().length, 1, 'the demo list verified');
      const accepted = await trust.validator.validate([await readFile(path.join(varDir, 'demo-pki', 'person.crt'), 'utf8')], new Date());
      assert.equal(accepted.holder.documentNumber, '12345678Z');
      assert.equal(accepted.profile, 'qualified-natural-person');
      assert.equal(accepted.qualifiedDevice, true);
    } finally {
      trust.close();
    }
    const manifest = JSON.parse(await readFile(path.join(varDir, 'demo-pki', 'manifest.json'), 'utf8')) as { password: string };
    assert.ok(demo.lines.join('\n').includes(manifest.password));
    const { stdout } = await run('openssl', ['pkcs12', '-in', path.join(varDir, 'demo-pki', 'person.p12'), '-passin', `pass:${manifest.password}`, '-nokeys', '-clcerts']);
    assert.match(stdout, /12345678Z/);
    assert.equal((await stat(path.join(varDir, 'demo-pki', 'person.key'))).mode & 0o077, 0);
  });

  it('keeps its keys on the next start', async () => {
    const before = await readFile(path.join(varDir, 'demo-pki', 'person.crt'), 'utf8');
    await demo?.close();
    demo = await prepareDemoPki(cfg);
    assert.equal(await readFile(path.join(varDir, 'demo-pki', 'person.crt'), 'utf8'), before);
  });
});
