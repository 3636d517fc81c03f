// A real browser (Debian chromium) logs in with a client certificate: the demo SP, the selector,
// the certificate connector's page, the broker's client-certificate host asking for the
// certificate in the TLS handshake, and back to the demo SP at eIDAS high. Playwright presents the
// certificate (its clientCertificates option answers the handshake's CertificateRequest for one
// origin), which stands in for the person choosing it in the browser's dialog.
//
// Everything runs on https://localhost (broker, demo SP, client-certificate host on their own
// ports): Playwright routes such a context through a local proxy that resolves host names itself,
// so chromium's --host-resolver-rules (broker.test, sp.test of the other browser suites) cannot
// apply here.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { startCertificateWorld, type CertificateWorld } from '../helpers/certificate-world.js';
import { freePort, launchChromium, startDemoSp, throwawayTlsCert, type RunningDemoSp } from '../helpers/browser.js';
import { testCert } from '../helpers/sign-request.js';
import type { TestCertificate } from '../helpers/test-pki.js';

const HIGH = 'http://eidas.europa.eu/LoA/high';

describe('browser: login with a client certificate (chromium)', function () {
  this.timeout(60_000);
  let world: CertificateWorld;
  let sp: RunningDemoSp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  before(async () => {
    const [spPort] = await Promise.all([freePort()]);
    const spUrl = `https://localhost:${spPort}`;
    let mdDir = '';
    let tls: { key: string; cert: string } | undefined;
    world = await startCertificateWorld({
      prepare: async (work) => {
        mdDir = path.join(work, 'sp-metadata');
        await mkdir(mdDir);
        tls = await throwawayTlsCert(work, ['localhost']);
        return {
          broker: { https: { ...tls, hostname: 'localhost' } },
          overrides: { sps: { metadataDirs: ['tests/fixtures/metadata', mdDir], policies: { [`${spUrl}/metadata`]: { displayName: 'Demo service', dialects: ['eidas', 'clave'] } } } },
        };
      },
    });
    [sp, browser] = await Promise.all([startDemoSp(spUrl, mdDir, { brokerUrl: world.broker.url, idpCert: testCert('idp') }, tls), launchChromium()]);
    await world.broker.broker.reload();
  });
  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await sp?.close();
    await world?.close();
  });

  async function pageWith(leaf: TestCertificate) {
    const context = await browser.newContext({
      locale: 'en-GB',
      ignoreHTTPSErrors: true,
      clientCertificates: [{ origin: world.broker.clientHost!.url, cert: Buffer.from(leaf.pem + world.pki.intermediate.pem), key: Buffer.from(leaf.keyPem) }],
    });
    contexts.push(context);
    return context.newPage();
  }

  async function toConnectorPage(leaf: TestCertificate) {
    const page = await pageWith(leaf);
    await page.goto(`${sp.url}/`);
    await page.selectOption('#loa', 'high');
    await page.click('#login');
    await page.waitForURL(new RegExp(`^${world.broker.url}/login/[A-Za-z0-9_-]{22}$`));
    await page.click('[data-method="certificate"][data-state="offered"] button[type="submit"]');
    await page.waitForURL(new RegExp(`^${world.broker.url}/connectors/certificate/[A-Za-z0-9_-]{22}$`));
    assert.equal((await page.locator('main h1').textContent())?.trim(), 'Electronic certificate or DNIe');
    return page;
  }

  it('a DNIe-style certificate: back on the demo service at eIDAS high with the person identifier', async () => {
    const page = await toConnectorPage(world.pki.qualifiedPersonSscd);
    await page.click('#present');
    await page.waitForURL(`${sp.url}/`);
    assert.equal(await page.locator('#error').count(), 0, await page.content());
    assert.equal((await page.locator('#loa-reached').textContent())?.trim(), HIGH);
    assert.match(await page.locator('#attributes').innerText(), /ES\/ES\/12345678Z/);
  });

  it('an expired certificate: the refusal page, then "choose another method" leads back to the selector', async () => {
    const page = await toConnectorPage(world.pki.expired);
    await page.click('#present');
    await page.waitForURL(/\/connectors\/certificate\/[A-Za-z0-9_-]{22}\/return\?/);
    assert.equal((await page.locator('main h1').textContent())?.trim(), 'The certificate provided is not valid');
    assert.match(await page.locator('.error').innerText(), /The certificate has expired/);
    await page.click('text=Choose another method');
    await page.waitForURL(new RegExp(`^${world.broker.url}/login/[A-Za-z0-9_-]{22}$`));
  });
});
