// The reference app simulator (tools/movil-app.ts) as a person would run it, a child process
// against a running broker: activation by SMS code and by a registrar's code (pasarela registrar
// device-activation), the key file (0600), the device, the inbox with a PIN, removal.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { stat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../../broker/config.js';
import { startTestBroker, type TestBroker } from '../../helpers/test-broker.js';
import { CARMEN, JAN, readCodeFromOutbox } from '../../helpers/flow-driver.js';
import { openPinForm } from '../../helpers/sp-requests.js';

const run = promisify(execFile);
const REGISTRAR_TOKEN = 'registrar-token-for-the-simulator-test';

async function tool(script: 'tools/movil-app.ts' | 'tools/registrar.ts', args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['--no-install', 'tsx', script, ...args], { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, timeout: 30_000 });
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout, err: err.stderr };
  }
}

describe('reference app simulator (tools/movil-app.ts, issue 4)', function () {
  this.timeout(120_000);
  let b: TestBroker;
  before(async () => {
    b = await startTestBroker({ overrides: { api: { registrarToken: REGISTRAR_TOKEN } } });
  });
  after(async () => b.close());

  it('activates with an SMS code, keeps its key in a 0600 file, shows the device and fetches a PIN from its inbox', async () => {
    const file = path.join(b.varDir, 'carmen.json');
    const since = Date.now();
    const asked = await tool('tools/movil-app.ts', ['activate', '--broker', b.url, '--document', CARMEN.document, '--document-date', CARMEN.documentDate!, '--file', file]);
    assert.equal(asked.code, 0, asked.err);
    assert.match(asked.out, /--code/);
    const code = await readCodeFromOutbox(b.varDir, 'sms', CARMEN.mobile, since);
    const done = await tool('tools/movil-app.ts', ['activate', '--document', CARMEN.document, '--code', code, '--label', 'Simulated phone', '--file', file]);
    assert.equal(done.code, 0, done.err);
    const keyFile = JSON.parse(await readFile(file, 'utf8')) as { deviceId: string; privateKeyPem: string };
    assert.match(done.out, new RegExp(keyFile.deviceId));
    assert.match(keyFile.privateKeyPem, /BEGIN PRIVATE KEY/);
    assert.equal((await stat(file)).mode & 0o777, 0o600);

    const shown = await tool('tools/movil-app.ts', ['device', '--file', file]);
    assert.equal(shown.code, 0, shown.err);
    assert.equal(JSON.parse(shown.out).label, 'Simulated phone');

    const ctx = await openPinForm(b);
    await ctx.agent.post(`/connectors/pin/${ctx.tx}/request`).type('form').send({ csrf: ctx.csrf, document: CARMEN.document, documentDate: CARMEN.documentDate }).expect(303);
    let pin: string | undefined;
    for (let i = 0; i < 20 && !pin; i++) {
      const inbox = await tool('tools/movil-app.ts', ['inbox', '--file', file]);
      assert.equal(inbox.code, 0, inbox.err);
      pin = /PIN ([A-Z2-7]{3}) for Test service two/.exec(inbox.out)?.[1];
    }
    assert.ok(pin, 'the inbox printed the PIN');
    const login = await ctx.agent.post(`/connectors/pin/${ctx.tx}/code`).type('form').send({ csrf: ctx.csrf, pin });
    assert.match(login.text, /SAMLResponse/);

    const removed = await tool('tools/movil-app.ts', ['device', '--remove', '--file', file]);
    assert.equal(removed.code, 0, removed.err);
    const after = await tool('tools/movil-app.ts', ['inbox', '--file', file]);
    assert.equal(after.code, 1);
    assert.match(after.err, /401 device-unknown/);
  });

  it('activates with a code from `pasarela registrar device-activation`, and says clearly what is wrong', async () => {
    const file = path.join(b.varDir, 'jan.json');
    const issued = await tool('tools/registrar.ts', ['device-activation', JAN.document, '--broker', b.url], { REGISTRAR_TOKEN });
    assert.equal(issued.code, 0, issued.err);
    const code = /Cl@ve app activation code: (\d{6})/.exec(issued.out)?.[1];
    assert.ok(code, issued.out);
    const wrong = await tool('tools/movil-app.ts', ['activate', '--broker', b.url, '--document', JAN.document, '--code', code === '000000' ? '111111' : '000000', '--file', file]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.err, /403 code-invalid/);
    const done = await tool('tools/movil-app.ts', ['activate', '--broker', b.url, '--document', JAN.document, '--code', code, '--file', file]);
    assert.equal(done.code, 0, done.err);
    const usage = await tool('tools/movil-app.ts', ['inbox']);
    assert.equal(usage.code, 2);
    assert.match(usage.err, /--document/);
    const noBroker = await tool('tools/registrar.ts', ['device-activation', JAN.document], { PASARELA_URL: '' });
    assert.equal(noBroker.code, 2);
    assert.match(noBroker.err, /--broker/);
  });
});
