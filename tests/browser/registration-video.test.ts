// Registration by video identification in a real browser (Debian chromium), with two browser
// contexts: the person asks for an appointment and keeps the security code; the interviewer, in
// a second context, logs in to /staff/video/ through the broker (Cl@ve PIN at rung 3) and
// proposes a slot; the person opens the e-mailed link with the code, uploads both sides of the
// document and accepts; the interviewer records the checks and approves, reading the activation
// code from the console; the person activates with the e-mailed link and that code, proving the
// mobile stated on the request with a code sent to it by SMS and choosing the password alone
// after the warning; the next Cl@ve Permanente login (over HTTP) reaches eIDAS low
// and not substantial (a basic registration). Every page is scanned with axe-core (WCAG 2.1 A and AA) and
// kept as a screenshot in test-artifacts/.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../broker/config.js';
import { translate } from '../../broker/web/i18n/catalogue.js';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.js';
import { readCodeFromOutbox, readPinFromOutbox, type PinPerson } from '../helpers/flow-driver.js';
import { launchChromium } from '../helpers/browser.js';
import { grantStaffRole } from '../helpers/staff-session.js';
import { FAST_ARGON2 } from '../helpers/permanente-login.js';
import { PDF, PNG, linkIn, mailMatching, officeSlot } from '../helpers/video-identification.js';
import { EIDAS_LOW, EIDAS_SUBSTANTIAL, openPermanenteLogin, submitPassword } from '../helpers/permanente.js';
import { assertionText, statusOf } from '../helpers/sp-requests.js';
import { expectNoAxeViolations } from '../helpers/accessibility.js';

const ARTIFACTS = path.join(PROJECT_ROOT, 'test-artifacts');
const en = (key: string, vars?: Record<string, string>) => translate('en', key, vars);
const LUCIA: PinPerson = { document: '87654321X', documentDate: '2031-06-30', mobile: '+34600000003' };
const SARA = { email: 'sara@example.be', mobile: '+32470998877', documentNumber: '22222222J', documentDate: '2033-09-09' };
const PASSWORD = 'Vid3o-Navegador-2026!';

describe('browser: registration by video identification (chromium, two contexts)', function () {
  this.timeout(30_000);
  let b: TestBroker;
  let browser: Browser;
  let personContext: BrowserContext;
  let staffContext: BrowserContext;
  let person: Page;
  let staff: Page;
  let securityCode: string;
  let activationCode: string;

  before(async function () {
    this.timeout(60_000);
    [b, browser] = await Promise.all([startTestBroker({ overrides: { connectors: { permanente: { argon2: FAST_ARGON2 } } } }), launchChromium()]);
    await grantStaffRole(b, LUCIA.document, 'interviewer');
    await mkdir(ARTIFACTS, { recursive: true });
    personContext = await browser.newContext({ locale: 'en-GB' });
    staffContext = await browser.newContext({ locale: 'en-GB' });
    personContext.setDefaultTimeout(8000);
    staffContext.setDefaultTimeout(8000);
    person = await personContext.newPage();
    staff = await staffContext.newPage();
  });
  after(async () => {
    await personContext?.close().catch(() => undefined);
    await staffContext?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await b?.close();
  });

  /** a screenshot for the record, then no WCAG 2.1 A/AA violation */
  async function scan(page: Page, name: string): Promise<void> {
    await expectNoAxeViolations(page, `registration-video-${name}`);
  }


  it('the person asks for an appointment and is shown the security code once', async () => {
    await person.goto(`${b.url}/register/video`);
    assert.equal(await person.textContent('h1'), en('video.title'));
    await scan(person, 'request');
    await person.fill('#givenName', 'Sara');
    await person.fill('#firstSurname', 'Janssens');
    await person.fill('#dateOfBirth', '1988-07-14');
    await person.fill('#countryOfBirth', 'Belgium');
    await person.fill('#placeOfBirth', 'Antwerpen');
    await person.check('input[name="sex"][value="F"]');
    await person.fill('#email', SARA.email);
    await person.fill('#mobile', SARA.mobile);
    await person.fill('#motivation', 'My tax return.');
    await person.fill('#slot1', officeSlot(b, 8));
    await person.selectOption('#language', 'en');
    await person.check('input[name="consent"]');
    await person.click('form[action="/register/video"] button[type="submit"]');
    await person.waitForSelector('#security-code');
    securityCode = (await person.textContent('#security-code strong'))!.trim();
    assert.match(securityCode, /^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    await scan(person, 'security-code');
  });

  it('the interviewer logs in through the broker in a second context and proposes a slot', async () => {
    await staff.goto(`${b.url}/staff/video/`);
    await staff.waitForURL(new RegExp(`^${b.url}/login/[A-Za-z0-9_-]{22}$`));
    await staff.click('[data-method="pin"][data-state="offered"] button[type="submit"]');
    await staff.fill('#document', LUCIA.document);
    await staff.fill('#documentDate', LUCIA.documentDate!);
    const since = Date.now();
    await staff.click('form[action$="/request"] button[type="submit"]');
    await staff.fill('#pin', await readPinFromOutbox(b.varDir, LUCIA.mobile, since));
    await staff.click('form[action$="/code"] button[type="submit"]');
    const acs = `form[action="${b.url}/staff/saml/acs"]`;
    await Promise.race([staff.waitForURL(`${b.url}/staff/video/`), staff.waitForSelector(`${acs} button`).then((button) => button.click())]);
    await staff.waitForURL(`${b.url}/staff/video/`);
    assert.equal(await staff.textContent('h1'), en('video.console.title'));
    await scan(staff, 'console');
    await staff.click('#waiting a');
    await staff.waitForSelector('#slot');
    await scan(staff, 'console-request');
    await staff.fill('#slot', officeSlot(b, 8));
    await staff.click('form[action$="/propose"] button[type="submit"]');
    await staff.waitForSelector('#request-state[data-state="proposed"]');
  });

  it('the person opens the e-mailed link with the code, uploads both sides and accepts', async () => {
    const link = linkIn(await mailMatching(b, SARA.email, /confirm the slot/), 'appointment');
    await person.goto(`${b.url}${link}`);
    await scan(person, 'appointment-code');
    await person.fill('#code', securityCode);
    await person.click('form button[type="submit"]');
    await person.waitForURL(`${b.url}/register/video/appointment`);
    await person.setInputFiles('#front', { name: 'front.png', mimeType: 'image/png', buffer: PNG });
    await person.setInputFiles('#back', { name: 'back.pdf', mimeType: 'application/pdf', buffer: PDF });
    await person.click('form[action$="/copies"] button[type="submit"]');
    await person.waitForSelector('#copies li[data-side="back"]');
    assert.match((await person.textContent('#copies'))!, /application\/pdf/);
    await scan(person, 'appointment');
    await person.click('form[action$="/accept"] button[type="submit"]');
    await person.waitForSelector('p.notice[role="status"]');
    assert.equal(await person.textContent('p.notice[role="status"]'), en('video.accepted.done'));
  });

  it('the interviewer records the checks and approves; the console shows the activation code once', async () => {
    await staff.goto(`${b.url}/staff/video/?day=${officeSlot(b, 8).slice(0, 10)}`);
    await staff.click('#interviews a');
    await staff.waitForSelector('form[action$="/decide"]');
    for (const check of ['documentValid', 'documentGenuine', 'matchesPerson', 'registersConsistent']) await staff.check(`input[name="${check}"]`);
    await staff.fill('#documentNumber', SARA.documentNumber);
    await staff.fill('#documentDate', SARA.documentDate);
    await scan(staff, 'console-decision');
    await staff.click('button[name="decision"][value="approve"]');
    await staff.waitForSelector('#request-state[data-state="approved"]');
    const text = (await staff.textContent('p.notice[role="status"]'))!;
    activationCode = /([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})/.exec(text)![1]!;
  });

  it('the person activates with the e-mailed link and the code read out, choosing the password alone after the warning', async () => {
    const link = linkIn(await mailMatching(b, SARA.email, /activation/i), 'activate');
    await person.goto(`${b.url}${link}`);
    await person.fill('#code', activationCode);
    await person.click('form button[type="submit"]');
    await person.waitForURL(`${b.url}/register/video/activate`);
    // the mobile stated on the request is proved first, with a code sent to it by SMS
    await scan(person, 'activation-mobile');
    const since = Date.now();
    await person.click('form[action="/register/video/activate/mobile"] button[type="submit"]');
    assert.equal(await person.textContent('[role="status"]'), en('video.mobile.sent', { mobile: '+32 ••• ••• 877' }));
    await scan(person, 'activation-mobile-code');
    await person.fill('#code', await readCodeFromOutbox(b.varDir, 'sms', SARA.mobile, since));
    await person.click('form[action="/register/video/activate/mobile/code"] button[type="submit"]');
    await person.waitForSelector('#password-warning');
    assert.equal(await person.textContent('#password-warning'), en('video.key.password.warning'));
    await scan(person, 'activation-keys');
    await person.check('input[name="key"][value="password"]');
    await person.fill('#newPassword', PASSWORD);
    await person.fill('#repeatPassword', PASSWORD);
    await person.click('form[action="/register/video/activate"] button[type="submit"]');
    await person.waitForSelector('#activated');
    await scan(person, 'activated');
    const sara = (await b.broker.services.identity.findByDocument(SARA.documentNumber))!;
    assert.equal((await b.broker.services.credentials.accounts.find(sara.id))?.state, 'active');
  });

  // over HTTP: the login pages have their own browser suite; here what counts is the level granted
  it('the next Cl@ve Permanente login with the password chosen reaches eIDAS low, and substantial is out of reach at basic', async () => {
    const login = async (loa: typeof EIDAS_LOW, status: number) => {
      const { agent, tx, csrf } = await openPermanenteLogin(b, { requestedAuthnContext: loa });
      let page = await submitPassword(agent, tx, csrf, SARA.documentNumber, PASSWORD);
      while (page.status === 303) page = await agent.get(page.headers.location!);
      assert.equal(page.status, status, page.text.slice(0, 1000));
      return page.text;
    };
    const low = await login(EIDAS_LOW, 200);
    assert.equal(statusOf(low).top, 'Success');
    assert.equal(assertionText(low, 'AuthnContextClassRef'), 'http://eidas.europa.eu/LoA/low');
    assert.match(await login(EIDAS_SUBSTANTIAL, 403), /registro básico|basic registration/);
  });
});
