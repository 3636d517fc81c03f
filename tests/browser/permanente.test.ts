// Cl@ve Permanente in a real browser (Debian chromium), set up as tests/browser/login.test.ts: the
// broker on https://broker.test, the demo SP on https://sp.test (another site). Normal mode and
// reinforced mode from the demo SP, the page a basic registration gets on a substantial service,
// the activation pages with the proof-of-work script really running under the pages' CSP, and the
// enrolment of an authenticator app. On every Permanente page visited, the accessibility basics:
// one h1, the html lang, a label for every field. No test may provoke a CSP report.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../broker/config.js';
import { translate } from '../../broker/web/i18n/catalogue.js';
import { totpAt } from '../../connectors/permanente/totp.js';
import type { TestBroker } from '../helpers/test-broker.js';
import { CARMEN, JAN, readCodeFromOutbox } from '../helpers/flow-driver.js';
import { activatePermanente, DEMO_PASSWORD, issueActivationCode, personId } from '../helpers/permanente.js';
import { startCrossSiteWorld, type CrossSiteWorld, type RunningDemoSp } from '../helpers/browser.js';

const SCREENSHOTS = path.join(PROJECT_ROOT, 'var', 'screenshots');
const LOW = 'http://eidas.europa.eu/LoA/low';
const SUBSTANTIAL = 'http://eidas.europa.eu/LoA/substantial';
const PERSON_ID = 'http://eidas.europa.eu/attributes/naturalperson/PersonIdentifier';
const JAN_EMAIL = 'jan@example.nl';
const en = (key: string, vars?: Record<string, string>) => translate('en', key, vars);

describe('browser: Cl@ve Permanente (chromium, cross-site)', function () {
  this.timeout(30_000);
  let world: CrossSiteWorld;
  let b: TestBroker;
  let sp: RunningDemoSp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  before(async () => {
    // a proof of work of a few milliseconds: the script runs for real, the suite stays fast
    world = await startCrossSiteWorld('permanente', { dialects: ['eidas', 'clave'], overrides: () => ({ connectors: { permanente: { antiAutomationBits: 14 } } }) });
    ({ b, sp, browser } = world);
    assert.ok(b.broker.services.spRegistry.get(sp.entityID), `broker trusts ${sp.entityID}`);
    await activatePermanente(b, CARMEN.document);
    await mkdir(SCREENSHOTS, { recursive: true });
  });
  after(async () => {
    await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
    await world?.close();
  });
  /**
   * A test body on a page of its own (a new, empty context, pages in English), failing the test
   * if the browser reported any Content Security Policy violation in the console meanwhile.
   */
  function onNewPage(body: (page: Page) => Promise<void>): () => Promise<void> {
    return async () => {
      const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-GB' });
      contexts.push(context);
      // fail at the step that hangs, well inside the test's timeout, naming what was awaited
      context.setDefaultTimeout(8000);
      const page = await context.newPage();
      const cspReports: string[] = [];
      page.on('console', (m) => /Content Security Policy/.test(m.text()) && cspReports.push(m.text()));
      await body(page);
      assert.deepEqual(cspReports, [], 'no Content Security Policy violation reported in the console');
    };
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `permanente-${name}.png`), fullPage: true });

  /** One h1 with `title`, html lang="en", and a label (or aria-label) for every visible field. */
  async function assertAccessible(page: Page, titleKey: string): Promise<void> {
    const where = page.url();
    assert.equal(await page.getAttribute('html', 'lang'), 'en', `html lang at ${where}`);
    const h1s = await page.$$eval('h1', (els) => els.map((e) => e.textContent?.trim() ?? ''));
    assert.deepEqual(h1s, [en(titleKey)], `a single h1 at ${where}`);
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input, select, textarea')]
        .filter((e) => e.type !== 'hidden')
        // `labels` holds label[for=id] and an enclosing label alike; otherwise an aria-label
        .filter((e) => !(e.labels && [...e.labels].some((l) => l.textContent?.trim())) && !e.getAttribute('aria-label')?.trim())
        .map((e) => e.outerHTML),
    );
    assert.deepEqual(unlabelled, [], `every field has a label at ${where}`);
  }

  async function startLogin(page: Page, loa: 'low' | 'substantial'): Promise<void> {
    await page.goto(`${sp.url}/`);
    await page.selectOption('#loa', loa);
    await page.click('#login');
    await page.waitForURL(new RegExp(`^${b.url}/login/[A-Za-z0-9_-]{22}$`));
  }

  /** On the selector: choose Cl@ve Permanente, type DNI/NIE and password, submit. */
  async function permanentePassword(page: Page, document: string, password: string, screenshot?: string): Promise<void> {
    await page.click('[data-method="permanente"][data-state="offered"] button[type="submit"]');
    await page.waitForURL(new RegExp(`^${b.url}/connectors/permanente/[A-Za-z0-9_-]{22}$`));
    await assertAccessible(page, 'permanente.title');
    await page.fill('#document', document);
    await page.fill('#password', password);
    if (screenshot) await shot(page, screenshot);
    await page.click('form[action$="/password"] button[type="submit"]');
  }

  async function loggedInAs(page: Page): Promise<{ loa: string; attributes: string }> {
    await page.waitForURL(`${sp.url}/`);
    const error = await page.locator('#error').textContent({ timeout: 200 }).catch(() => null);
    assert.equal(error, null, `the demo SP refused the login: ${error}`);
    return { loa: (await page.locator('#loa-reached').textContent())!, attributes: (await page.locator('#attributes').innerText())! };
  }

  /** Types the SMS code sent at or after `since` into #code and submits its form. */
  async function typeSmsCode(page: Page, mobile: string, since: number, formAction: string): Promise<void> {
    const code = await readCodeFromOutbox(b.varDir, 'sms', mobile, since);
    await page.fill('#code', code);
    await page.click(`form[action$="${formAction}"] button[type="submit"]`);
  }

  it('A: normal mode — demo SP at low → selector → Cl@ve Permanente → DNI + password → back at the SP, LoA low', onNewPage(async (page) => {
    await startLogin(page, 'low');
    await permanentePassword(page, CARMEN.document, DEMO_PASSWORD, 'password');
    const seen = await loggedInAs(page);
    assert.equal(seen.loa, LOW);
    assert.match(seen.attributes, new RegExp(`${PERSON_ID}\\s+ES/ES/12345678Z`));
    assert.match(seen.attributes, /Carmen/);
    assert.match(seen.attributes, /1980-01-01/);
  }));

  it('B: reinforced mode — the SP asks substantial → password → SMS code page → code from the outbox → substantial', onNewPage(async (page) => {
    await startLogin(page, 'substantial');
    const since = Date.now();
    await permanentePassword(page, CARMEN.document, DEMO_PASSWORD);
    await page.waitForURL(/\/connectors\/permanente\/[A-Za-z0-9_-]{22}\/second-factor$/);
    await assertAccessible(page, 'permanente.reinforced.title');
    assert.ok((await page.locator('main').innerText()).includes(en('permanente.reinforced.intro')));
    assert.ok((await page.locator('label[for="code"]').innerText()).includes(en('permanente.code.label.sms')), 'the code field says the code comes by SMS');
    await shot(page, 'sms-code');
    await typeSmsCode(page, CARMEN.mobile, since, '/second-factor');
    const seen = await loggedInAs(page);
    assert.equal(seen.loa, SUBSTANTIAL);
    assert.match(seen.attributes, new RegExp(`${PERSON_ID}\\s+ES/ES/12345678Z`));
  }));

  // before D, which sets Jan's password directly: activation needs an account not yet active
  it('C: activation — the proof-of-work script runs under script-src \'self\', SMS code, every broken rule announced, activated', onNewPage(async (page) => {
    const code = await issueActivationCode(b, JAN.document);
    const posted: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && r.url().endsWith('/account/activate') && posted.push(r.postData() ?? ''));
    await page.goto(`${b.url}/connectors/permanente/account/activate`);
    await assertAccessible(page, 'permanente.activate.title');
    const form = page.locator('form[data-pow-challenge]');
    // the script found the nonce by itself (the form says so), before anything was typed
    await page.waitForSelector('form[data-pow-challenge][data-pow-state="done"]');
    assert.match((await form.locator('input[name="powNonce"]').inputValue()), /^[0-9a-z]+$/);
    await page.fill('#document', JAN.document);
    await page.fill('#email', JAN_EMAIL);
    await page.fill('#activationCode', code);
    await shot(page, 'activate');
    const since = Date.now();
    await form.locator('button[type="submit"]').click();
    await page.waitForURL(/\/connectors\/permanente\/account\/recovery\/code$/);
    assert.equal(posted.length, 1, 'one submission');
    const sent = new URLSearchParams(posted[0]);
    assert.ok(sent.get('powChallenge'), 'the challenge was posted');
    assert.match(sent.get('powNonce') ?? '', /^[0-9a-z]+$/, 'the nonce the script computed was posted');

    await assertAccessible(page, 'permanente.activate.title');
    await typeSmsCode(page, JAN.mobile, since, '/recovery/code');
    await page.waitForURL(/\/connectors\/permanente\/account\/recovery\/password$/);
    await assertAccessible(page, 'permanente.activate.title');

    // "jan1": too short, no upper case, no special character, and his given name
    await page.fill('#newPassword', 'jan1');
    await page.fill('#repeatPassword', 'jan1');
    await page.click('form[action$="/recovery/password"] button[type="submit"]');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.equal(await alert.getAttribute('id'), 'password-problems');
    const problems = await alert.locator('li[data-problem]').evaluateAll((els) => els.map((e) => e.getAttribute('data-problem')));
    for (const p of ['too-short', 'contains-name']) assert.ok(problems.includes(p), `${p} among ${problems.join(', ')}`);
    assert.ok(problems.length >= 4, `every broken rule is listed: ${problems.join(', ')}`);
    assert.ok((await alert.innerText()).includes(en('permanente.policy.contains-name')), 'the rules are shown in the page language');
    await assertAccessible(page, 'permanente.activate.title');
    await shot(page, 'password-problems');

    await page.fill('#newPassword', 'Zorg!Fiets42');
    await page.fill('#repeatPassword', 'Zorg!Fiets42');
    await page.click('form[action$="/recovery/password"] button[type="submit"]');
    await page.waitForSelector('main [role="status"]');
    assert.equal((await page.locator('main [role="status"]').textContent())?.trim(), en('permanente.activate.done'));
    await assertAccessible(page, 'permanente.activate.title');
    await shot(page, 'activated');
    const account = await b.broker.services.credentials.accounts.find(await personId(b, JAN.document));
    assert.equal(account?.state, 'active');
  }));

  it('D: a basic registration on a substantial service → the page that says why, with a working way back to the methods', onNewPage(async (page) => {
    await activatePermanente(b, JAN.document);
    await startLogin(page, 'substantial');
    const selector = page.url();
    await permanentePassword(page, JAN.document, DEMO_PASSWORD);
    await page.waitForSelector('main [role="alert"]');
    assert.match(page.url(), /\/connectors\/permanente\/[A-Za-z0-9_-]{22}\/password$/);
    await assertAccessible(page, 'permanente.unreachable.title');
    assert.equal((await page.locator('main [role="alert"]').textContent())?.trim(), en('permanente.unreachable.basic'));
    await shot(page, 'unreachable');
    await page.getByRole('link', { name: en('form.back') }).click();
    await page.waitForURL(selector);
    assert.equal((await page.locator('main h1').textContent())?.trim(), en('selector.title'));
    assert.equal(await page.locator('[data-method="pin"][data-state="offered"]').count(), 1, 'another method can be chosen');
  }));

  it('E: authenticator app — sign in to the management pages, QR shown, code from the secret, SMS confirmation, enrolled', onNewPage(async (page) => {
    await page.goto(`${b.url}/connectors/permanente/account`);
    await assertAccessible(page, 'permanente.account.title');
    await page.fill('#document', CARMEN.document);
    await page.fill('#password', DEMO_PASSWORD);
    await page.click('form[action$="/account/login"] button[type="submit"]');
    await page.waitForSelector('#h-factors');
    await assertAccessible(page, 'permanente.account.title');
    const appLine = `${en('permanente.factor.totp')}: `;
    assert.ok((await page.locator('#h-factors + ul').innerText()).includes(appLine + en('permanente.account.notEnrolled')));
    await shot(page, 'account');

    await page.click('form[method="get"][action$="/account/totp"] button[type="submit"]');
    await page.waitForURL(/\/connectors\/permanente\/account\/totp\??$/); // a GET form without fields: "totp?"
    await assertAccessible(page, 'permanente.totp.title');
    const qr = page.locator('figure.qr svg');
    assert.ok(await qr.isVisible(), 'the QR code is visible');
    const box = await qr.boundingBox();
    assert.ok(box && box.width > 50 && box.height > 50, `the QR code has a size: ${JSON.stringify(box)}`);
    const secret = (await page.locator('#totp-secret').textContent())!.replace(/\s+/g, '');
    assert.match(secret, /^[A-Z2-7]{32}$/);
    await shot(page, 'totp');
    await page.fill('#code', await totpAt(secret, b.clock.now()));
    const since = Date.now();
    await page.click('form[method="post"][action$="/account/totp"] button[type="submit"]');
    await page.waitForURL(/\/connectors\/permanente\/account\/confirm$/);
    await assertAccessible(page, 'permanente.confirm.title');
    await typeSmsCode(page, CARMEN.mobile, since, '/account/confirm');

    await page.waitForSelector('#h-factors');
    assert.equal((await page.locator('main [role="status"]').textContent())?.trim(), en('permanente.done.enrol-totp'));
    assert.ok((await page.locator('#h-factors + ul').innerText()).includes(appLine + en('permanente.account.enrolled')), 'the page shows the app enrolled');
    assert.equal(await page.locator(`form[action$="/account/totp/remove"]`).count(), 1, 'and offers to remove it');
    await assertAccessible(page, 'permanente.account.title');
    const account = await b.broker.services.credentials.accounts.find(await personId(b, CARMEN.document));
    assert.ok(account?.totpSecretSealed, 'the secret is stored');
  }));
});
