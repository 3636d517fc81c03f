// The reference app simulator (tools/movil-app.ts) against a running broker: `pending` shows the
// pushed or scanned request with its service and verification code, `confirm` and `refuse` answer
// with a signed decision, and `confirm --code` will not confirm when the browser shows another code.
import assert from 'node:assert/strict';
import path from 'node:path';
import { startTestBroker, type TestBroker } from '../../helpers/test-broker.js';
import { CARMEN } from '../../helpers/flow-driver.js';
import { statusOf } from '../../helpers/sp-requests.js';
import { MOVIL_ON, openMovil, pressContinue, pushRequest, showQr, verificationCodeOf } from '../../helpers/movil.js';
import { main } from '../../../tools/movil-app.js';
import { newDeviceKeys, writeKeyFile, type AppKeyFile } from '../../../tools/movil-app/key-file.js';

describe('movil-app simulator: pending, confirm, refuse', () => {
  let b: TestBroker;
  let keyFile: string;
  before(async function () {
    this.timeout(60_000);
    b = await startTestBroker({ overrides: MOVIL_ON });
    // the device is activated in the registry directly; activation itself is the activate subcommand's test
    const keys = newDeviceKeys();
    const person = (await b.broker.services.identity.findByDocument(CARMEN.document))!;
    const { device } = await b.broker.services.devices.activate(person.id, { publicKeyPem: keys.publicKeyPem, pushAddress: { kind: 'token', token: 'simulator-test-token-1' }, label: 'Simulator' });
    const state: AppKeyFile = { broker: b.url, document: CARMEN.document, ...keys, pushAddress: { kind: 'token', token: 'simulator-test-token-1' }, label: 'Simulator', deviceId: device.id };
    keyFile = path.join(b.varDir, 'carmen-app.json');
    await writeKeyFile(keyFile, state);
  });
  after(async () => b.close());

  async function app(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main([...argv, '--file', keyFile], process.env, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out, err };
  }

  it('pending --scan shows the QR request; confirm <QR text> logs the browser in', async () => {
    const at = await openMovil(b);
    const { page, code } = await showQr(at);
    const qrText = /data-login-request="([^"]+)"/.exec(page)![1]!;
    const shown = await app('pending', '--scan', qrText);
    assert.equal(shown.code, 0, shown.err.join('\n'));
    assert.match(shown.out.join('\n'), new RegExp(`service "Test service two"  verification code ${code}`));
    const confirmed = await app('confirm', qrText, '--code', code);
    assert.equal(confirmed.code, 0, confirmed.err.join('\n'));
    assert.equal(confirmed.out.at(-1), 'confirmed');
    assert.equal(statusOf((await pressContinue(at).expect(200)).text).top, 'Success');
  });

  it('pending lists the pushed request; confirm --code that differs does not confirm; refuse ends the login with AuthnFailed', async () => {
    const at = await openMovil(b);
    await pushRequest(at, CARMEN).expect(303);
    const code = verificationCodeOf((await at.agent.get(`/connectors/movil/${at.tx}/wait`).expect(200)).text);
    const wrong = String((Number(code) + 1) % 1000).padStart(3, '0');
    const pendingList = await app('pending', '--json');
    const [request] = JSON.parse(pendingList.out.join('\n')) as { requestId: string; verificationCode: string }[];
    assert.equal(request?.verificationCode, code);
    const mismatch = await app('confirm', request!.requestId, '--code', wrong);
    assert.equal(mismatch.code, 1);
    assert.match(mismatch.err.join('\n'), /not confirming/);
    assert.equal((await at.agent.get(`/connectors/movil/${at.tx}/status`)).body.status, 'pending');
    const refused = await app('refuse', request!.requestId);
    assert.equal(refused.out.at(-1), 'refused');
    assert.equal(statusOf((await pressContinue(at).expect(200)).text).sub, 'AuthnFailed');
  });

  it('confirm without an id answers the newest pushed request', async () => {
    const at = await openMovil(b);
    await pushRequest(at, CARMEN).expect(303);
    const confirmed = await app('confirm');
    assert.equal(confirmed.out.at(-1), 'confirmed', confirmed.err.join('\n'));
    assert.equal(statusOf((await pressContinue(at).expect(200)).text).top, 'Success');
  });

  it('confirm with nothing pushed says so', async () => {
    const none = await app('confirm');
    assert.equal(none.code, 2);
    assert.match(none.err.join('\n'), /no login request pushed/);
  });
});
