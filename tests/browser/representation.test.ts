// The "on whose behalf" page in a real browser (Debian chromium), set up as the other browser
// suites: the broker on https://broker.test, the demo SP (passport-saml) on https://sp.test, and the
// demo organisations of `npm start` (config/demo-organisations.json, its services moved to this
// run's demo SP). The README's walkthrough: Lucía, the accountant, logs in to the demo tax return
// with Cl@ve Permanente reinforced, is offered herself, Accountants Vries and "for Santos B.V.
// through Accountants Vries", chooses the chain mandate, and the demo SP shows the represented
// organisation, the intermediary and herself as representative. A second login shows a person
// with a mandate of her own at another organisation. The page works without JavaScript (plain
// forms), passes the accessibility basics and provokes no CSP report.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../broker/config.js';
import { translate } from '../../broker/web/i18n/catalogue.js';
import type { TestBroker } from '../helpers/test-broker.js';
import { CARMEN, readCodeFromOutbox } from '../helpers/flow-driver.js';
import { activatePermanente, DEMO_PASSWORD } from '../helpers/permanente.js';
import { FAST_ARGON2 } from '../helpers/permanente-login.js';
import { startCrossSiteWorld, type CrossSiteWorld, type RunningDemoSp } from '../helpers/browser.js';
import { mandateFixtures } from '../helpers/mandate-fixtures.js';

const SCREENSHOTS = path.join(PROJECT_ROOT, 'var', 'screenshots');
const en = (key: string, vars?: Record<string, string>) => translate('en', key, vars);
const LUCIA = { document: '87654321X', mobile: '+34600000003' };

describe('browser: acting on behalf of an organisation (chromium, cross-site)', function () {
  this.timeout(60_000);
  let world: CrossSiteWorld;
  let b: TestBroker;
  let sp: RunningDemoSp;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let carmenOrganisation: string;

  before(async () => {
    world = await startCrossSiteWorld('representation', {
      dialects: ['eidas', 'eherkenning'],
      // the demo seed as npm start uses it, for this run's demo SP instead of http://localhost:8081
      overrides: async ({ work, spUrl }) => {
        const demoSeed = JSON.parse(await readFile(path.join(PROJECT_ROOT, 'config', 'demo-organisations.json'), 'utf8')) as { services: { spEntityID: string }[] };
        for (const service of demoSeed.services) service.spEntityID = `${spUrl}/metadata`;
        const seedFile = path.join(work, 'demo-organisations.json');
        await writeFile(seedFile, JSON.stringify(demoSeed));
        return { connectors: { permanente: { argon2: FAST_ARGON2 } }, mandates: { seedFile } };
      },
    });
    ({ b, sp, browser } = world);
    await activatePermanente(b, LUCIA.document);
    // Carmen, Santos's administrator, also works for a client of her own under a direct mandate
    const carmenId = await activatePermanente(b, CARMEN.document);
    const fx = mandateFixtures(b);
    const taxReturn = await b.broker.services.db.selectFrom('services').select('id').where('acs_index', '=', 1).where('sp_entity_id', '=', sp.entityID).executeTakeFirstOrThrow();
    const client = await fx.organisation({ name: 'Cliente Uno S.L.' });
    carmenOrganisation = client.name;
    const memberId = await fx.member({ organisationId: client.id, personId: carmenId, document: CARMEN.document, level: '3' });
    await fx.mandate({ organisationId: client.id, memberId, serviceId: taxReturn.id });
    await mkdir(SCREENSHOTS, { recursive: true });
  });
  after(async () => {
    await context?.close().catch(() => undefined);
    await world?.close();
  });

  /** The demo SP's login form through Permanente reinforced up to the broker's representation page. */
  async function logInToTaxReturn(page: Page, person: { document: string; mobile: string }): Promise<void> {
    // the demo SP's login form and the broker's pages are plain forms: no JavaScript needed,
    // except the auto-post back to the SP, which offers its Continue button instead
    await page.goto(`${sp.url}/`);
    await page.selectOption('#loa', 'substantial');
    await page.selectOption('#service', 'tax-return');
    await page.click('#login');
    await page.waitForURL(new RegExp(`^${b.url}/login/[A-Za-z0-9_-]{22}$`));
    await page.click('[data-method="permanente"][data-state="offered"] button[type="submit"]');
    await page.fill('#document', person.document);
    await page.fill('#password', DEMO_PASSWORD);
    const since = Date.now();
    await page.click('form[action$="/password"] button[type="submit"]');
    await page.waitForURL(/\/second-factor$/);
    await page.fill('#code', await readCodeFromOutbox(b.varDir, 'sms', person.mobile, since));
    await page.click('form[action$="/second-factor"] button[type="submit"]');
    await page.waitForURL(new RegExp(`^${b.url}/login/[A-Za-z0-9_-]{22}/represent$`));
  }

  /** Back at the demo SP (the auto-post's Continue button without JavaScript): its attribute table. */
  async function attributesAtSp(page: Page): Promise<(name: string) => string | undefined> {
    await page.waitForSelector(`form[action="${sp.url}/acs"]`);
    await page.click(`form[action="${sp.url}/acs"] button, form[action="${sp.url}/acs"] input[type="submit"]`);
    await page.waitForURL(`${sp.url}/`);
    const error = await page.locator('#error').textContent({ timeout: 200 }).catch(() => null);
    assert.equal(error, null, `the demo SP refused the login: ${error}`);
    const table = (await page.locator('#attributes').innerText())!;
    return (name: string) => new RegExp(`${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+([^\\n]+)`).exec(table)?.[1]?.trim();
  }

  const choiceLabels = (page: Page) => page.$$eval('li[data-choice] button', (els) => els.map((e) => e.textContent?.trim()));

  it('README: Lucía, Permanente reinforced → "For Santos B.V. through Accountants Vries" → the demo SP shows the client, the intermediary and the representative', async () => {
    context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-GB', javaScriptEnabled: false });
    context.setDefaultTimeout(8000);
    const page = await context.newPage();
    const cspReports: string[] = [];
    page.on('console', (m) => /Content Security Policy/.test(m.text()) && cspReports.push(m.text()));

    await logInToTaxReturn(page, LUCIA);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.deepEqual(await page.$$eval('h1', (els) => els.map((e) => e.textContent?.trim())), [en('represent.title')]);
    assert.deepEqual(await choiceLabels(page), [en('represent.myself'), en('represent.direct', { organisation: 'Accountants Vries' }), en('represent.chain', { client: 'Santos B.V.', intermediary: 'Accountants Vries' })]);
    assert.ok((await page.locator('main').innerText()).includes('Demo tax return'), 'the service is named in the page language');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'representation-choice.png'), fullPage: true });

    await page.click('li[data-kind="chain"] button[type="submit"]');
    const row = await attributesAtSp(page);
    assert.equal(row('http://eidas.europa.eu/attributes/legalperson/LegalName'), 'Santos B.V.');
    assert.equal(row('http://eidas.europa.eu/attributes/legalperson/LegalPersonIdentifier'), 'NL/ES/90000001');
    assert.equal(row('http://eidas.europa.eu/attributes/legalperson/representative/LegalPersonIdentifier'), 'NL/ES/90000002');
    assert.equal(row('http://eidas.europa.eu/attributes/naturalperson/representative/PersonIdentifier'), 'ES/ES/87654321X');
    assert.equal(row('urn:etoegang:core:LegalSubjectID'), '90000001 (urn:etoegang:1.9:EntityConcernedID:KvKnr)');
    assert.equal(row('urn:etoegang:1.9:IntermediateEntityID:KvKnr'), '90000002');
    assert.equal(row('urn:etoegang:1.13:attribute-intermediate:CompanyName'), 'Accountants Vries');
    assert.equal(row('urn:etoegang:1.11:attribute-represented:CompanyName'), 'Santos B.V.');
    assert.equal(row('urn:etoegang:core:ServiceID'), 'urn:etoegang:DV:00000099999999999999:services:1');
    assert.equal((await page.locator('#loa-reached').textContent())?.trim(), 'http://eidas.europa.eu/LoA/substantial');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'representation-at-sp.png'), fullPage: true });
    assert.deepEqual(cspReports, [], 'no Content Security Policy violation reported in the console');
  });

  it('Carmen: her direct mandate at another organisation is offered, not Santos (where she administers but holds no mandate); the choice reaches the SP', async () => {
    await context?.close();
    context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-GB', javaScriptEnabled: false });
    context.setDefaultTimeout(8000);
    const page = await context.newPage();
    await logInToTaxReturn(page, { document: CARMEN.document, mobile: CARMEN.mobile });
    assert.deepEqual(await choiceLabels(page), [en('represent.myself'), en('represent.direct', { organisation: carmenOrganisation })]);
    await page.click('li[data-kind="direct"] button[type="submit"]');
    const row = await attributesAtSp(page);
    assert.equal(row('urn:etoegang:1.11:attribute-represented:CompanyName'), carmenOrganisation);
    assert.equal(row('urn:etoegang:1.9:IntermediateEntityID:KvKnr'), undefined);
    assert.equal(row('http://eidas.europa.eu/attributes/naturalperson/representative/PersonIdentifier'), 'ES/ES/12345678Z');
  });
});
