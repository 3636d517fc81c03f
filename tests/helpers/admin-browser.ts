// The management pages in a real browser (Debian chromium through playwright-core): a broker with
// the mandates registry and people set up through its own rules (mandates-world.ts), a person
// logged in to /admin through the broker itself (Cl@ve Permanente reinforced: password + SMS code,
// rung 3 for an advanced registration), an axe-core scan that fails on serious or critical
// findings, and screenshots into test-artifacts/.
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { deepMerge } from '../../broker/config.js';
import { launchChromium } from './browser.js';
import { openWorld, type World } from './mandates-world.js';
import { readCodeFromOutbox } from './flow-driver.js';
import { activatePermanente, DEMO_PASSWORD } from './permanente.js';
import { FAST_ARGON2 } from './permanente-login.js';
import type { Overrides } from './test-broker.js';
import { axeViolations, describeViolation } from './accessibility.js';

export { ARTIFACTS, screenshot } from './accessibility.js';


export interface AdminBrowserWorld {
  readonly world: World;
  readonly browser: Browser;
  /** a new browser context (no cookies), keyboard and language as asked */
  newPage(opts?: { locale?: string; javaScriptEnabled?: boolean; viewport?: { width: number; height: number } }): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

/** A broker on the embedded stores (fast argon2 for Permanente) and one chromium for the suite. */
export async function startAdminBrowserWorld(overrides: Overrides = {}): Promise<AdminBrowserWorld> {
  const world = await openWorld('embedded', deepMerge({ connectors: { permanente: { argon2: FAST_ARGON2 } } }, overrides) as Overrides);
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  return {
    world,
    browser,
    async newPage(opts = {}) {
      const context = await browser.newContext({ locale: opts.locale ?? 'en-GB', javaScriptEnabled: opts.javaScriptEnabled ?? true, viewport: opts.viewport ?? { width: 1280, height: 900 } });
      context.setDefaultTimeout(10_000);
      contexts.push(context);
      return { context, page: await context.newPage() };
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await world.close();
    },
  };
}

/**
 * Logs `person` in to the management module through the broker's pages: /admin/login (with
 * `back` as RelayState), the selector, Cl@ve Permanente reinforced, the auto-post back to
 * /admin/saml/acs. Ends on `back`.
 */
export async function logInToAdmin(page: Page, world: World, person: { document: string; mobile: string }, back = '/admin/'): Promise<void> {
  const b = world.tb;
  await activatePermanente(b, person.document);
  await page.goto(`${b.url}/admin/login?RelayState=${encodeURIComponent(back)}`);
  await page.waitForURL(new RegExp(`^${b.url}/login/[A-Za-z0-9_-]{22}$`));
  await page.click('[data-method="permanente"][data-state="offered"] button[type="submit"]');
  await page.fill('#document', person.document);
  await page.fill('#password', DEMO_PASSWORD);
  const since = Date.now();
  await page.click('form[action$="/password"] button[type="submit"]');
  await page.waitForURL(/\/second-factor$/);
  await page.fill('#code', await readCodeFromOutbox(b.varDir, 'sms', person.mobile, since));
  await page.click('form[action$="/second-factor"] button[type="submit"]');
  // with JavaScript the Response is posted at once; without, the page offers its Continue button
  const acs = `form[action="${b.url}/admin/saml/acs"]`;
  await Promise.race([page.waitForURL((u) => u.pathname.startsWith('/admin/') && !u.pathname.startsWith('/admin/saml/')), page.waitForSelector(`${acs} button`).then((button) => button.click())]);
  await page.waitForURL((u) => u.pathname.startsWith('/admin/') && !u.pathname.startsWith('/admin/saml/'));
  if (new URL(page.url()).pathname === '/admin/api/session') await page.goto(`${b.url}${back}`);
}

/**
 * axe-core over the page (WCAG 2.0/2.1 A and AA); fails on a serious or critical finding. The
 * script is evaluated through the DevTools protocol, so the page keeps its own CSP.
 */
export async function axeScan(page: Page, name: string): Promise<void> {
  const grave = (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(grave.map(describeViolation), [], `axe-core on ${name} (${page.url()})`);
}
