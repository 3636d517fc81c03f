// Cl@ve Móvil in a real browser (Debian chromium), set up as tests/browser/login.test.ts: the
// broker on https://broker.test, the demo SP on https://sp.test. The page shows the QR code, the
// service and the verification code; the reference app simulator (tools/movil-app.ts, a child
// process) confirms; the page hears it by server-sent events under its CSP and moves on to the SP.
// Without JavaScript the person presses "continue" instead.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../broker/config.js';
import { translate } from '../../broker/web/i18n/catalogue.js';
import { requestIdOfUrl } from '../../connectors/movil/qr.js';
import { newDeviceKeys, writeKeyFile } from '../../tools/movil-app/key-file.js';
import type { TestBroker } from '../helpers/test-broker.js';
import { CARMEN } from '../helpers/flow-driver.js';
import { MOVIL_ON } from '../helpers/movil.js';
import { startCrossSiteWorld, type CrossSiteWorld, type RunningDemoSp } from '../helpers/browser.js';

const SCREENSHOTS = path.join(PROJECT_ROOT, 'var', 'screenshots');
const SUBSTANTIAL = 'http://eidas.europa.eu/LoA/substantial';
const en = (key: string) => translate('en', key);

describe('browser: Cl@ve Móvil with the app simulator (chromium, cross-site)', function () {
  this.timeout(60_000);
  let world: CrossSiteWorld;
  let b: TestBroker;
  let sp: RunningDemoSp;
  let browser: Browser;
  let keyFile: string;
  const contexts: BrowserContext[] = [];

  before(async () => {
    world = await startCrossSiteWorld('movil', { dialects: ['eidas', 'clave'], overrides: () => MOVIL_ON });
    ({ b, sp, browser } = world);
    // Carmen's phone: the simulator's key file, its device activated in the registry. The simulator
    // reaches the broker on loopback (no broker.test name outside chromium), so it gets the bare
    // request id the browser's QR code carries.
    const keys = newDeviceKeys();
    const pushAddress = { kind: 'token', token: 'browser-test-push-token' } as const;
    const person = (await b.broker.services.identity.findByDocument(CARMEN.document))!;
    const { device } = await b.broker.services.devices.activate(person.id, { publicKeyPem: keys.publicKeyPem, pushAddress, label: 'Simulator' });
    keyFile = path.join(world.work, 'carmen-app.json');
    await writeKeyFile(keyFile, { broker: `https://127.0.0.1:${new URL(b.url).port}`, document: CARMEN.document, ...keys, pushAddress, label: 'Simulator', deviceId: device.id });
    await mkdir(SCREENSHOTS, { recursive: true });
  });
  after(async () => {
    await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
    await world?.close();
  });

  /** the simulator as a person runs it: `movil-app confirm <request> --code <what the browser shows>` */
  async function simulatorConfirms(requestId: string, code: string): Promise<string> {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'tools/movil-app.ts', 'confirm', '--file', keyFile, requestId, '--code', code], {
      cwd: PROJECT_ROOT,
      // TEST ONLY: the broker's certificate is a throwaway self-signed one made for broker.test
      env: { ...process.env, NODE_TLS_REJECT_UNAUTHORIZED: '0' },
    });
    return stdout;
  }

  async function newPage(javaScriptEnabled: boolean): Promise<{ page: Page; cspReports: string[]; requests: string[] }> {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-GB', javaScriptEnabled });
    contexts.push(context);
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const cspReports: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => /Content Security Policy/.test(m.text()) && cspReports.push(m.text()));
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));
    return { page, cspReports, requests };
  }

  /** from the demo SP to the waiting page with a QR code; returns what the page shows */
  async function toQrPage(page: Page): Promise<{ requestId: string; code: string }> {
    await page.goto(`${sp.url}/`);
    await page.selectOption('#loa', 'substantial');
    await page.click('#login');
    await page.waitForURL(new RegExp(`^${b.url}/login/[A-Za-z0-9_-]{22}$`));
    await page.click('[data-method="movil"][data-state="offered"] button[type="submit"]');
    await page.waitForURL(new RegExp(`^${b.url}/connectors/movil/[A-Za-z0-9_-]{22}$`));
    await page.click('form[action$="/qr"] button[type="submit"]');
    await page.waitForURL(/\/wait$/);
    assert.equal((await page.locator('main h1').textContent())?.trim(), en('movil.wait.title'));
    assert.ok(await page.locator('figure.qr svg').isVisible(), 'the QR code is shown');
    assert.equal((await page.locator('#movil-service').textContent())?.trim(), 'Demo service');
    const code = (await page.locator('#movil-code').textContent())!.trim();
    assert.match(code, /^\d{3}$/);
    const requestId = requestIdOfUrl((await page.getAttribute('figure.qr', 'data-login-request'))!);
    assert.ok(requestId, 'the QR text names a login request');
    return { requestId, code };
  }

  async function loggedIn(page: Page): Promise<void> {
    await page.waitForURL(`${sp.url}/`);
    const error = await page.locator('#error').textContent({ timeout: 200 }).catch(() => null);
    assert.equal(error, null, `the demo SP refused the login: ${error}`);
    assert.equal((await page.locator('#loa-reached').textContent())?.trim(), SUBSTANTIAL);
  }

  it('shows QR, service and code; the simulator confirms; the page moves on by server-sent events to the SP', async () => {
    const { page, cspReports, requests } = await newPage(true);
    const { requestId, code } = await toQrPage(page);
    const countdown = page.locator('#movil-countdown');
    await page.waitForFunction(() => document.getElementById('movil-countdown')?.textContent !== '5:00');
    assert.match((await countdown.textContent())!, /^4:5\d$/, 'the countdown runs');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'movil-wait.png'), fullPage: true });
    for (let i = 0; i < 100 && !requests.some((p) => p.endsWith('/events')); i++) await new Promise((r) => setTimeout(r, 50));
    const out = await simulatorConfirms(requestId, code);
    assert.match(out, /confirmed/);
    await loggedIn(page);
    assert.ok(requests.some((p) => p.endsWith('/events')), 'the page listened by server-sent events');
    assert.ok(!requests.some((p) => p.endsWith('/status')), 'and did not need to poll');
    assert.deepEqual(cspReports, [], 'no Content Security Policy violation');
  });

  it('without JavaScript the person presses "continue" after confirming in the app', async () => {
    const { page, requests } = await newPage(false);
    const { requestId, code } = await toQrPage(page);
    await simulatorConfirms(requestId, code);
    await page.click('#movil-continue button[type="submit"]');
    await page.waitForSelector('#saml-post');
    await page.click('#saml-post button[type="submit"]');
    await loggedIn(page);
    assert.ok(!requests.some((p) => p.endsWith('/events')), 'no script ran');
  });
});
