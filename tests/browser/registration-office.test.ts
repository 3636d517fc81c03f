// The registration office console in a real browser (Debian chromium): a registrar opens
// /staff/office/, logs in through the broker's own pages (selector, Cl@ve PIN at rung 3), finds a
// person, registers a minor with the guardian's part of the form, is refused a mobile already
// linked to someone else, and reaches the printable activation code. Every console page is scanned
// with axe-core (WCAG 2.1 A and AA) and kept as a screenshot in test-artifacts/.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../broker/config.js';
import { translate } from '../../broker/web/i18n/catalogue.js';
import { dayOf } from '../../broker/mandates/dates.js';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.js';
import { CARMEN, readPinFromOutbox } from '../helpers/flow-driver.js';
import { launchChromium } from '../helpers/browser.js';
import { grantStaffRole } from '../helpers/staff-session.js';
import { expectNoAxeViolations } from '../helpers/accessibility.js';

const ARTIFACTS = path.join(PROJECT_ROOT, 'test-artifacts');
const en = (key: string, vars?: Record<string, string>) => translate('en', key, vars);

describe('browser: registration office console (chromium)', function () {
  this.timeout(30_000);
  let b: TestBroker;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async function () {
    this.timeout(60_000);
    [b, browser] = await Promise.all([startTestBroker(), launchChromium()]);
    await grantStaffRole(b, CARMEN.document, 'registrar');
    await mkdir(ARTIFACTS, { recursive: true });
    context = await browser.newContext({ locale: 'en-GB' });
    context.setDefaultTimeout(8000);
    page = await context.newPage();
  });
  after(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await b?.close();
  });

  /** a screenshot for the record, then no WCAG 2.1 A/AA violation */
  async function scan(name: string): Promise<void> {
    await expectNoAxeViolations(page, `registration-office-${name}`);
  }


  it('logs the registrar in through the broker with Cl@ve PIN and comes back to the console', async () => {
    await page.goto(`${b.url}/staff/office/`);
    await page.waitForURL(new RegExp(`^${b.url}/login/[A-Za-z0-9_-]{22}$`));
    await page.click('[data-method="pin"][data-state="offered"] button[type="submit"]');
    await page.fill('#document', CARMEN.document);
    await page.fill('#documentDate', CARMEN.documentDate!);
    const since = Date.now();
    await page.click('form[action$="/request"] button[type="submit"]');
    await page.fill('#pin', await readPinFromOutbox(b.varDir, CARMEN.mobile, since));
    await page.click('form[action$="/code"] button[type="submit"]');
    // with JavaScript the Response is posted at once; without, the page offers its Continue button
    const acs = `form[action="${b.url}/staff/saml/acs"]`;
    await Promise.race([page.waitForURL(`${b.url}/staff/office/`), page.waitForSelector(`${acs} button`).then((button) => button.click())]);
    await page.waitForURL(`${b.url}/staff/office/`);
    assert.equal(await page.textContent('h1'), en('office.title'));
    await scan('search');
  });

  it('finds a registered person by NIE and shows the upgrade form', async () => {
    await page.fill('#f-document', 'X1234567L');
    await page.click('form[role="search"] button[type="submit"]');
    await page.waitForSelector('#person');
    assert.match((await page.textContent('#person'))!, /Jan de Vries/);
    assert.equal(await page.textContent('#upgrade'), en('office.upgrade.title'));
    await scan('person');
  });

  it('registers a minor with the guardian: a mobile taken is refused with its reason, then the code is printed', async () => {
    await page.goto(`${b.url}/staff/office/new?document=33333333P`);
    assert.equal(await page.inputValue('#f-documentNumber'), '33333333P');
    await scan('new');
    const today = dayOf(b.clock.now(), 'Europe/Madrid');
    await page.selectOption('#f-documentType', 'DNI');
    await page.fill('#f-documentDate', '2032-01-31');
    await page.check('#f-documentChecked');
    await page.fill('#f-givenName', 'Pablo');
    await page.fill('#f-firstSurname', 'Ruiz');
    await page.fill('#f-dateOfBirth', `${Number(today.slice(0, 4)) - 12}-03-04`);
    await page.fill('#f-nationality', 'ES');
    await page.fill('#f-mobile', CARMEN.mobile);
    await page.fill('#f-email', 'pablo@example.es');
    await page.selectOption('#f-guardianDocumentKind', 'DNI');
    await page.fill('#f-guardianDocumentNumber', '44444444A');
    await page.fill('#f-guardianGivenName', 'Marta');
    await page.fill('#f-guardianFirstSurname', 'Ruiz');
    await page.selectOption('#f-guardianRelationship', 'parent');
    await page.selectOption('#f-proofKind', 'family-book');
    await page.fill('#f-proofReference', 'Libro de familia 123/2014');
    await page.check('#f-minorPresent');
    await page.click('form[action="/staff/office/new"] button[type="submit"]');
    await page.waitForSelector('[role="alert"]');
    assert.match((await page.textContent('[role="alert"]'))!, /only one DNI\/NIE can be linked to the same mobile number/);
    await scan('mobile-taken');
    await page.fill('#f-mobile', '+34 611 000 333');
    await page.click('form[action="/staff/office/new"] button[type="submit"]');
    await page.waitForSelector('.activation-code code');
    assert.match((await page.textContent('.activation-code code'))!, /^[2-9A-Z]{4}(-[2-9A-Z]{4}){3}$/);
    assert.match((await page.textContent('main'))!, new RegExp(en('office.done.minor')));
    await scan('activation-code');
    const pablo = await b.broker.services.identity.findByDocument('33333333P');
    assert.equal(pablo?.registrationLevel, 'advanced');
  });
});
