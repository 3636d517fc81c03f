// A cross-border login in a real browser (Debian chromium): the demo SP on https://sp.test, the
// broker on https://broker.test, the independent Python eIDAS node on http://127.0.0.1 (a
// potentially trustworthy origin, so the https pages may post to it). The person chooses "EU
// citizens (eIDAS)", then Germany; the node answers at once with an auto-posting form; the broker's
// ACS re-posts it same-site (the hop that brings the browser-binding cookie), and the demo SP
// receives the foreign person under every page's Content Security Policy.
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { BrowserContext } from 'playwright-core';
import { PROJECT_ROOT } from '../../broker/config.js';
import { startCrossSiteWorld, type CrossSiteWorld } from '../helpers/browser.js';
import { startEidasNode, type EidasNodeSetup } from '../helpers/eidas-world.js';

const SCREENSHOTS = path.join(PROJECT_ROOT, 'var', 'screenshots');

describe('browser: an eIDAS login through the independent test node (chromium, cross-site)', function () {
  this.timeout(60_000);
  let world: CrossSiteWorld;
  let setup: EidasNodeSetup | undefined;
  const contexts: BrowserContext[] = [];

  before(async () => {
    world = await startCrossSiteWorld('eidas', {
      dialects: ['eidas'],
      overrides: async ({ work }) => {
        setup = await startEidasNode(work);
        return { connectors: { enabled: ['pin', 'eidas'], eidas: setup.eidas } };
      },
    });
    await mkdir(SCREENSHOTS, { recursive: true });
  });
  after(async () => {
    await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
    await world?.close();
    await setup?.node.close();
  });

  it('SP → broker → Germany → node → broker → SP, at substantial, with no CSP violation', async () => {
    const { b, sp, browser } = world;
    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-GB' });
    contexts.push(context);
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const cspReports: string[] = [];
    page.on('console', (m) => /Content Security Policy/.test(m.text()) && cspReports.push(m.text()));
    await page.goto(`${sp.url}/`);
    await page.selectOption('#loa', 'substantial');
    await page.click('#login');
    await page.waitForURL(new RegExp(`^${b.url}/login/[A-Za-z0-9_-]{22}$`));
    await page.click('[data-method="eidas"][data-state="offered"] button[type="submit"]');
    await page.waitForURL(new RegExp(`^${b.url}/connectors/eidas/[A-Za-z0-9_-]{22}$`));
    assert.equal((await page.locator('main h1').textContent())?.trim(), 'Choose your country');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'eidas-country.png'), fullPage: true });
    await page.click('button[name="country"][value="DE"]');
    await page.waitForURL(`${sp.url}/`);
    const error = await page.locator('#error').textContent({ timeout: 200 }).catch(() => null);
    assert.equal(error, null, `the demo SP refused the login: ${error}`);
    assert.equal((await page.locator('#loa-reached').textContent())?.trim(), 'http://eidas.europa.eu/LoA/substantial');
    assert.match((await page.locator('#attributes').textContent())!, /DE\/ES\/7f1c9a20-TEST/);
    assert.deepEqual(cspReports, [], 'no Content Security Policy violation');
    const last = await setup!.node.lastRequest();
    assert.equal(last?.loa, 'http://eidas.europa.eu/LoA/substantial');
  });
});
