// Registration with a qualified certificate in a real browser (Debian chromium): the start page,
// the presentation on the client-certificate host (Playwright's clientCertificates answers the TLS
// handshake's CertificateRequest, standing in for the person choosing the certificate), the form
// for an unknown holder, the one-person-per-mobile refusal, the activation code, and the page of a
// refused certificate; every page scanned with axe-core (WCAG 2.1 A and AA).
//
// On https://localhost like tests/browser/certificate.test.ts: Playwright's client-certificate
// proxy resolves host names itself, so the other suites' --host-resolver-rules cannot apply.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../broker/config.js';
import { startCertificateWorld, issueQualifiedPerson, type CertificateWorld } from '../helpers/certificate-world.js';
import { launchChromium, throwawayTlsCert } from '../helpers/browser.js';
import type { TestCertificate } from '../helpers/test-pki.js';
import { expectNoAxeViolations } from '../helpers/accessibility.js';

const ARTIFACTS = path.join(PROJECT_ROOT, 'test-artifacts');
const HUGO = { document: '20000000M', documentDate: '2033-03-03', mobile: '+34622000011' };
const TAKEN_MOBILE = '+34622000012';

describe('browser: registration with a certificate (chromium)', function () {
  this.timeout(60_000);
  let world: CertificateWorld;
  let browser: Browser;
  let hugoCert: TestCertificate;
  const contexts: BrowserContext[] = [];

  before(async () => {
    world = await startCertificateWorld({
      prepare: async (work) => ({ broker: { https: { ...(await throwawayTlsCert(work, ['localhost'])), hostname: 'localhost' } } }),
    });
    [hugoCert, browser] = await Promise.all([issueQualifiedPerson(world, { serialNumber: `IDCES-${HUGO.document}`, givenName: 'HUGO', surname: 'SANZ' }), launchChromium()]);
    await world.broker.broker.services.identity.add({ documentNumber: '30000000L', documentDate: '2033-03-03', givenName: 'INÉS', firstSurname: 'ROCA', mobile: TAKEN_MOBILE, registrationLevel: 'basic' });
    await mkdir(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await world?.close();
  });

  async function pageWith(leaf: TestCertificate): Promise<Page> {
    const context = await browser.newContext({
      locale: 'en-GB',
      ignoreHTTPSErrors: true,
      clientCertificates: [{ origin: world.broker.clientHost!.url, cert: Buffer.from(leaf.pem + world.pki.intermediate.pem), key: Buffer.from(leaf.keyPem) }],
    });
    context.setDefaultTimeout(8000);
    contexts.push(context);
    return context.newPage();
  }

  /** a screenshot for the record, then no WCAG 2.1 A/AA violation */
  async function scan(page: Page, name: string): Promise<void> {
    await expectNoAxeViolations(page, `registration-certificate-${name}`);
  }


  /** the start page, then the certificate presented on the client-certificate host and back */
  async function presentFrom(page: Page): Promise<void> {
    await page.goto(`${world.broker.url}/register/certificate/`);
    await scan(page, 'start');
    await page.click('#present');
    await page.waitForURL(new RegExp(`^${world.broker.url}/register/certificate/return\\?`));
  }

  it('an unknown holder: the form, the one-person-per-mobile refusal, then advanced with an activation code', async () => {
    const page = await pageWith(hugoCert);
    await presentFrom(page);
    assert.equal((await page.locator('#holder').textContent())?.trim(), `HUGO SANZ — ${HUGO.document}`);
    await scan(page, 'form');
    await page.fill('#documentDate', HUGO.documentDate);
    await page.fill('#mobile', TAKEN_MOBILE);
    await page.fill('#email', 'hugo@example.es');
    await page.check('#accepted');
    await page.click('form[action="/register/certificate/complete"] button[type="submit"]');
    await page.waitForSelector('[role="alert"]');
    assert.match((await page.textContent('[role="alert"]'))!, /only one DNI\/NIE can be linked to the same mobile number/i);
    await scan(page, 'mobile-taken');
    await page.fill('#mobile', HUGO.mobile);
    if (!(await page.isChecked('#accepted'))) await page.check('#accepted');
    await page.click('form[action="/register/certificate/complete"] button[type="submit"]');
    await page.waitForSelector('#activation-code');
    assert.match((await page.textContent('#activation-code'))!, /^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/);
    await scan(page, 'done');
    const person = await world.broker.broker.services.identity.findByDocument(HUGO.document);
    assert.equal(person?.registrationLevel, 'advanced');
    assert.equal(person?.mobile, HUGO.mobile);
  });

  it('an expired certificate ends on the refusal page, with the way to start again', async () => {
    const page = await pageWith(world.pki.expired);
    await presentFrom(page);
    assert.match(await page.locator('.error').innerText(), /The certificate has expired/);
    assert.equal(await page.locator('a[href="/register/certificate/"]').count(), 1);
    await scan(page, 'refused');
  });
});
