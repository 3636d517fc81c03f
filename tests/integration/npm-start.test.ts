// `npm start` on a fresh machine: tools/dev-start.ts with its embedded defaults starts the broker
// and the demo SP, prints where they are and who the demo persons are, answers, and stops cleanly
// on SIGTERM. Run the way a developer does (npx tsx …), in a throwaway VAR_DIR and free ports.
//
// npx is npm exec → sh -c tsx → tsx → node running dev-start.ts. A SIGTERM sent to npx alone kills
// npm and its sh but never reaches tsx or dev-start, which live on as orphans; so the whole chain
// runs in its own process group, the SIGTERM goes to the dev-start process itself (what a service
// manager's stop reaches), and its exit code must come back through tsx, sh and npm as 0.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exitOf, freePort, groupAlive, scriptProcessOfGroup } from '../helpers/processes.js';


function waitFor(child: ChildProcess, out: { text: string }, done: (text: string) => boolean, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`not ready within ${ms} ms; output so far:\n${out.text}`)), ms);
    const onData = () => done(out.text) && finish();
    const onExit = (code: number | null) => finish(new Error(`exited early (${code}):\n${out.text}`));
    function finish(err?: Error) {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    }
    child.stdout!.on('data', onData);
    child.on('exit', onExit);
    onData();
  });
}




describe('npm start (tools/dev-start.ts)', function () {
  this.timeout(60_000);
  let varDir: string;
  let child: ChildProcess | undefined;

  before(async () => {
    varDir = await mkdtemp(path.join(tmpdir(), 'pasarela-start-'));
  });
  after(async () => {
    // only if a failed test left it running: the process group we started, by its id
    if (child?.pid && groupAlive(child.pid)) process.kill(-child.pid, 'SIGKILL');
    await rm(varDir, { recursive: true, force: true });
  });

  it('starts broker and demo SP, lists the demo persons, answers, and exits 0 on SIGTERM', async () => {
    const [port, demoPort, clientTlsPort, crlPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const publicUrl = `http://localhost:${port}`;
    const out = { text: '' };
    child = spawn('npx', ['tsx', 'tools/dev-start.ts'], {
      cwd: path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '../..'),
      env: { ...process.env, PORT: String(port), DEMO_SP_PORT: String(demoPort), PUBLIC_URL: publicUrl, VAR_DIR: varDir, LOG_LEVEL: 'warn', CLIENT_TLS_PORT: String(clientTlsPort), DEMO_CRL_PORT: String(crlPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so nothing it starts can outlive the test
    });
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out.text += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (out.text += d));

    await waitFor(child, out, (t) => /Demo persons:[\s\S]*87654321X[^\n]*\n[^\n]*\n/.test(t), 45_000);
    assert.match(out.text, new RegExp(`Pasarela broker\\s+${publicUrl}\\s`));
    assert.match(out.text, new RegExp(`Demo service\\s+http://localhost:${demoPort}\\b`));
    assert.match(out.text, new RegExp(`PIN codes arrive\\s+${varDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/outbox/sms\\.jsonl`));
    assert.match(out.text, /12345678Z\s+document date 2030-01-01\s+Carmen Español/);
    assert.match(out.text, /X1234567L\s+support number E12345678\s+Jan de Vries/);
    assert.match(out.text, /87654321X[^\n]*Lucía Martín[^\n]*\n\s+Cl@ve Permanente password Pasarela-Demo-2026/);
    assert.match(out.text, new RegExp(`Management\\s+${publicUrl}/admin/ \\(pages; the API: ${publicUrl}/admin/api/openapi\\.json\\)`));
    assert.match(out.text, new RegExp(`Register\\s+${publicUrl}/register/letter/`));
    assert.match(out.text, new RegExp(`Staff consoles\\s+${publicUrl}/staff/ \\(Carmen 12345678Z`));
    assert.match(out.text, /Organisations\s+Santos B\.V\. \(kvk 90000001\), Accountants Vries \(kvk 90000002\)/);
    assert.match(out.text, /12345678Z[^\n]*\n\s+Cl@ve Permanente password Pasarela-Demo-2026/);
    assert.match(out.text, /X1234567L[^\n]*\n\s+Cl@ve Permanente activation code [2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4} \(e-mail jan@example\.nl\)/);

    // the demo certificate (PKCS#12 with its password) and the client-certificate host, with its CRL
    assert.match(out.text, new RegExp(`Certificate\\s+${varDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/demo-pki/person\\.p12 \\(password [A-Za-z0-9_-]{8}\\): Carmen Español, 12345678Z`));
    assert.match(out.text, new RegExp(`Certificate host\\s+https://localhost:${clientTlsPort}\\b`));
    const crl = await fetch(`http://127.0.0.1:${crlPort}/demo-ca.crl`);
    assert.equal(crl.status, 200);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(health.status, 200);
    const home = await fetch(`http://127.0.0.1:${demoPort}/`);
    assert.equal(home.status, 200);
    assert.match(await home.text(), /id="login"/);
    // the broker trusts the demo SP whose metadata dev-start generated: its AuthnRequest opens a login
    const login = await fetch(`http://127.0.0.1:${demoPort}/login`, { method: 'POST', body: new URLSearchParams({ loa: 'low' }), redirect: 'manual' });
    assert.equal(login.status, 302, await login.text());
    const sso = new URL(login.headers.get('location') ?? '');
    assert.equal(sso.origin + sso.pathname, `${publicUrl}/saml/sso`);
    sso.hostname = '127.0.0.1'; // localhost may resolve to ::1 first; the broker listens on 0.0.0.0
    const selector = await fetch(sso, { redirect: 'manual' });
    assert.equal(selector.status, 303, await selector.text());
    assert.match(selector.headers.get('location') ?? '', /^\/login\/[A-Za-z0-9_-]{22}$/);

    const devStart = scriptProcessOfGroup(child.pid!, 'tools/dev-start.ts');
    assert.match(devStart.args, /tools\/dev-start\.ts/);
    const started = Date.now();
    process.kill(devStart.pid, 'SIGTERM');
    const { code, signal } = await exitOf(child, 10_000);
    assert.equal(signal, null, `killed by ${signal}; output:\n${out.text}`);
    assert.equal(code, 0, `exit code ${code}; output:\n${out.text}`);
    assert.ok(Date.now() - started < 10_000);
    // esbuild's service (tsx's child) exits when its parent's pipe closes: give it a moment.
    for (let i = 0; i < 60 && groupAlive(child.pid!); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(groupAlive(child.pid!), false, 'no process of the chain is left');
    assert.doesNotMatch(out.text, /cannot start|Error:/);
  });
});
