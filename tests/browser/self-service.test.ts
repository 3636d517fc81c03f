// Citizen self-service in a real browser (Debian chromium): the login through the broker with
// Cl@ve PIN, the overview, the e-mail change, the mobile change with a client certificate
// presented on the client-certificate host (Playwright's clientCertificates stands in for the
// person choosing it), and the renunciation with its SMS code and proof; every page scanned with
// axe-core (WCAG 2.1 A and AA) and photographed into test-artifacts/.
//
// Everything runs on https://localhost, as in tests/browser/certificate.test.ts: Playwright routes
// a context with client certificates through a local proxy that resolves host names itself.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../broker/config.js';
import { startCertificateWorld, issueQualifiedPerson, type CertificateWorld } from '../helpers/certificate-world.js';
import { launchChromium, throwawayTlsCert } from '../helpers/browser.js';
import { readCodeFromOutbox, readPinFromOutbox } from '../helpers/flow-driver.js';
import { expectNoAxeViolations } from '../helpers/accessibility.js';

const ARTIFACTS = path.join(PROJECT_ROOT, 'test-artifacts');
const HUGO = { document: '12121212M', documentDate: '2033-03-03', mobile: '+34633000001' };

describe('browser: citizen self-service (chromium)', function () {
  this.timeout(60_000);
  let world: CertificateWorld;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    world = await startCertificateWorld({
      prepare: async (work) => ({ broker: { https: { ...(await throwawayTlsCert(work, ['localhost'])), hostname: 'localhost' } } }),
    });
    await mkdir(ARTIFACTS, { recursive: true });
    await world.broker.broker.services.identity.add({ documentNumber: HUGO.document, documentDate: HUGO.documentDate, givenName: 'HUGO', firstSurname: 'CANO', mobile: HUGO.mobile, email: 'hugo@example.es', registrationLevel: 'basic' });
    const cert = await issueQualifiedPerson(world, { serialNumber: `IDCES-${HUGO.document}`, givenName: 'HUGO', surname: 'CANO' });
    browser = await launchChromium();
    context = await browser.newContext({
      locale: 'en-GB',
      ignoreHTTPSErrors: true,
      clientCertificates: [{ origin: world.broker.clientHost!.url, cert: Buffer.from(cert.pem + world.pki.intermediate.pem), key: Buffer.from(cert.keyPem) }],
    });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
  });
  after(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close();
    await world?.close();
  });

  /** a screenshot for the record, then no WCAG 2.1 A/AA violation */
  async function scan(name: string): Promise<void> {
    await expectNoAxeViolations(page, `self-service-${name}`);
  }


  it('logs in with Cl@ve PIN, changes e-mail and mobile (with the certificate) and renounces', async () => {
    const b = world.broker;
    await page.goto(`${b.url}/account/`);
    await scan('login-needed');
    await page.click('main a.button');
    await page.waitForURL(new RegExp(`^${b.url}/login/[A-Za-z0-9_-]{22}$`));
    await page.click('[data-method="pin"][data-state="offered"] button[type="submit"]');
    await page.fill('#document', HUGO.document);
    await page.fill('#documentDate', HUGO.documentDate);
    const since = Date.now();
    await page.click('form[action$="/request"] button[type="submit"]');
    await page.waitForURL(/\/code$/);
    await page.fill('#pin', await readPinFromOutbox(b.varDir, HUGO.mobile, since));
    await page.click('form[action$="/code"] button[type="submit"]');
    await page.waitForURL(`${b.url}/account/`);
    assert.match(await page.locator('main').innerText(), /You logged in with Cl@ve PIN \(level 2\)/);
    await scan('overview');

    await page.click('a[href="/account/email"]');
    await scan('email');
    await page.fill('#email', 'hugo.cano@example.org');
    await page.click('main form button[type="submit"]');
    assert.match(await page.locator('[role="status"]').innerText(), /e-mail address has been changed/);
    await scan('email-done');

    await page.goto(`${b.url}/account/mobile`);
    await scan('mobile-needs-certificate');
    await page.click('main a.button');
    await page.waitForURL(`${b.url}/account/certificate/mobile`);
    await scan('certificate');
    await page.click('#present');
    await page.waitForURL(/\/account\/certificate\/mobile\/return\?/);
    await scan('mobile-form');
    await page.fill('#mobile', '+34633000002');
    await page.check('#accepted');
    await page.click('main form button[type="submit"]');
    assert.match(await page.locator('[role="status"]').innerText(), /mobile phone has been changed/);
    const person = await b.broker.services.identity.findByDocument(HUGO.document);
    assert.equal(person?.email, 'hugo.cano@example.org');
    assert.equal(person?.mobile, '+34633000002');

    await page.goto(`${b.url}/account/renounce`);
    await scan('renounce');
    await page.check('#accepted');
    const codeSince = Date.now();
    await page.click('main form button[type="submit"]');
    await page.waitForURL(`${b.url}/account/renounce/code`);
    await scan('renounce-code');
    await page.fill('#code', await readCodeFromOutbox(b.varDir, 'sms', '+34633000002', codeSince));
    await page.click('main form button[type="submit"]');
    assert.match(await page.locator('[role="status"]').innerText(), /You renounced Cl@ve/);
    await scan('renounced');
    assert.match((await page.locator('#proof').getAttribute('href')) ?? '', /^\/account\/renunciation\/[A-Za-z0-9_-]{32}$/);
    assert.equal((await b.broker.services.identity.findById(person!.id))?.status, 'renounced');
  });
});
