// Registration by invitation letter in a real browser (Debian chromium): the request page, the
// letter's PDF read with pdftotext, the CSV and contact-details pages, the code sent to the
// mobile, the confirmation, each page scanned with axe-core (WCAG 2.1 A and AA); then the new
// person logs in with Cl@ve PIN at the demo SP and reaches low (rung 2), the level a basic
// registration allows.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../broker/config.js';
import { translate } from '../../broker/web/i18n/catalogue.js';
import type { TestBroker } from '../helpers/test-broker.js';
import { readCodeFromOutbox, readPinFromOutbox } from '../helpers/flow-driver.js';
import { readLetter } from '../helpers/letter-driver.js';
import { startCrossSiteWorld, type CrossSiteWorld, type RunningDemoSp } from '../helpers/browser.js';
import { expectNoAxeViolations } from '../helpers/accessibility.js';

const ARTIFACTS = path.join(PROJECT_ROOT, 'test-artifacts');
const LOW = 'http://eidas.europa.eu/LoA/low';
const en = (key: string, vars?: Record<string, string>) => translate('en', key, vars);
const ANTONIO = { document: '11111111H', documentDate: '2032-04-15', mobile: '+34611223344' };

describe('browser: registration by invitation letter (chromium)', function () {
  this.timeout(30_000);
  let world: CrossSiteWorld;
  let b: TestBroker;
  let sp: RunningDemoSp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    world = await startCrossSiteWorld('letter', { dialects: ['eidas'] });
    ({ b, sp, browser } = world);
    await mkdir(ARTIFACTS, { recursive: true });
    context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-GB' });
    context.setDefaultTimeout(8000);
    page = await context.newPage();
  });
  after(async () => {
    await context?.close().catch(() => undefined);
    await world?.close();
  });

  /** a screenshot for the record, then no WCAG 2.1 A/AA violation */
  async function scan(name: string): Promise<void> {
    await expectNoAxeViolations(page, `registration-letter-${name}`);
  }


  it('asks for a letter, completes with its CSV and then logs in with Cl@ve PIN at low', async () => {
    const since = b.clock.now().getTime();
    await page.goto(`${b.url}/register/letter?lang=en`);
    assert.equal(await page.textContent('h1'), en('letter.title'));
    await scan('start');
    await page.fill('#document', ANTONIO.document);
    await page.fill('#documentDate', ANTONIO.documentDate);
    await page.click('form[action$="/request"] button[type="submit"]');
    await page.waitForURL(`${b.url}/register/letter/requested`);
    assert.equal(await page.textContent('h1'), en('letter.request.sent.title'));
    await scan('requested');

    const letter = await readLetter(b.varDir, 'Zaragoza', since);
    await page.click(`a[href="/register/letter/complete"]`);
    await page.waitForURL(`${b.url}/register/letter/complete`);
    await scan('complete');
    await page.fill('#document', ANTONIO.document);
    await page.fill('#documentDate', ANTONIO.documentDate);
    await page.fill('#csv', 'AAAA AAAA AAAA AAAA');
    await page.click('form[action$="/complete"] button[type="submit"]');
    assert.equal(await page.textContent('[role="alert"]'), en('letter.error.csv', { max: '5' }));
    await scan('complete-wrong');
    await page.fill('#csv', letter.csv);
    await page.click('form[action$="/complete"] button[type="submit"]');
    await page.waitForURL(`${b.url}/register/letter/details`);
    await scan('details');

    // Carmen's number: refused with the one-person-per-mobile explanation, before any code is sent
    await page.fill('#mobile', '+34600000001');
    await page.fill('#email', 'antonio@example.es');
    await page.check('input[name="conditions"]');
    await page.click('form[action$="/details"] button[type="submit"]');
    assert.equal(await page.textContent('[role="alert"]'), en('letter.error.mobileTaken'));
    await scan('details-mobile-taken');
    await page.fill('#mobile', ANTONIO.mobile);
    await page.check('input[name="conditions"]');
    const smsSince = Date.now();
    await page.click('form[action$="/details"] button[type="submit"]');
    assert.equal(await page.textContent('h2'), en('letter.confirm.heading'));
    assert.equal(await page.textContent('[role="status"]'), en('letter.confirm.sent', { mobile: ANTONIO.mobile }));
    await scan('confirm');
    await page.fill('#code', await readCodeFromOutbox(b.varDir, 'sms', ANTONIO.mobile, smsSince));
    await page.click('form[action$="/confirm"] button[type="submit"]');
    assert.equal(await page.textContent('h1'), en('letter.done.title'));
    assert.equal(await page.textContent('[role="status"]'), en('letter.done.registered'));
    await scan('done');

    // the level it grants, at a following login from the demo SP
    await page.goto(`${sp.url}/`);
    await page.selectOption('#loa', 'low');
    await page.click('#login');
    await page.waitForURL(new RegExp(`^${b.url}/login/[A-Za-z0-9_-]{22}$`));
    await page.click('[data-method="pin"][data-state="offered"] button[type="submit"]');
    await page.fill('#document', ANTONIO.document);
    await page.fill('#documentDate', ANTONIO.documentDate);
    const pinSince = Date.now();
    await page.click('form[action$="/request"] button[type="submit"]');
    await page.fill('#pin', await readPinFromOutbox(b.varDir, ANTONIO.mobile, pinSince));
    await page.click('form[action$="/code"] button[type="submit"]');
    await page.waitForURL(`${sp.url}/`);
    assert.equal(await page.locator('#loa-reached').textContent(), LOW);
  });
});
