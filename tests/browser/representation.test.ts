// The "on whose behalf" page in a real browser (Debian chromium), set up as the other browser
// suites: the broker on https://broker.test, the demo SP (passport-saml) on https://sp.test. Lucía
// — here Carmen — logs in with Cl@ve Permanente reinforced, is offered herself, the intermediary
// she works for and "for <client> through <intermediary>", chooses the chain mandate, and the demo
// SP shows the represented organisation, the intermediary and herself as representative. The page
// works without JavaScript (plain forms), passes the accessibility basics and provokes no CSP report.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { PROJECT_ROOT } from '../../broker/config.js';
import { translate } from '../../broker/web/i18n/catalogue.js';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.js';
import { CARMEN, readCodeFromOutbox } from '../helpers/flow-driver.js';
import { activatePermanente, DEMO_PASSWORD } from '../helpers/permanente.js';
import { FAST_ARGON2 } from '../helpers/permanente-login.js';
import { testCert } from '../helpers/sign-request.js';
import { freePort, launchChromium, startDemoSp, throwawayTlsCert, type RunningDemoSp } from '../helpers/browser.js';
import { mandateFixtures, type FixtureOrganisation } from '../helpers/mandate-fixtures.js';

const SCREENSHOTS = path.join(PROJECT_ROOT, 'var', 'screenshots');
const en = (key: string, vars?: Record<string, string>) => translate('en', key, vars);

describe('browser: acting on behalf of an organisation (chromium, cross-site)', function () {
  this.timeout(60_000);
  let work: string;
  let b: TestBroker;
  let sp: RunningDemoSp;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let santos: FixtureOrganisation;
  let vries: FixtureOrganisation;

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'pasarela-browser-representation-'));
    const mdDir = path.join(work, 'sp-metadata');
    await mkdir(mdDir);
    const [tls, spPort] = await Promise.all([throwawayTlsCert(work, ['broker.test', 'sp.test']), freePort()]);
    const spUrl = `https://sp.test:${spPort}`;
    [b, browser] = await Promise.all([
      startTestBroker({
        https: { ...tls, hostname: 'broker.test' },
        overrides: {
          connectors: { permanente: { argon2: FAST_ARGON2 } },
          mandates: { seedFile: null },
          sps: { metadataDirs: ['tests/fixtures/metadata', mdDir], policies: { [`${spUrl}/metadata`]: { displayName: 'Demo service', dialects: ['eidas', 'eherkenning'] } } },
        },
      }),
      launchChromium(),
    ]);
    sp = await startDemoSp(spUrl, mdDir, { brokerUrl: b.url, idpCert: testCert('idp') }, tls);
    await b.broker.reload();
    const carmenId = await activatePermanente(b, CARMEN.document);
    const fx = mandateFixtures(b);
    const service = await fx.service({ spEntityID: sp.entityID, isDefault: true, minRung: '3', acceptsChain: true, name: 'Demo tax return' });
    santos = await fx.organisation({ name: 'Santos B.V.' });
    vries = await fx.organisation({ name: 'Accountants Vries' });
    const memberId = await fx.member({ organisationId: vries.id, personId: carmenId, document: CARMEN.document, level: '3' });
    await fx.mandate({ organisationId: vries.id, memberId, serviceId: service.id });
    await fx.chainMandate({ clientId: santos.id, intermediaryId: vries.id, serviceId: service.id });
    await mkdir(SCREENSHOTS, { recursive: true });
  });
  after(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close();
    await sp?.close();
    await b?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('Permanente reinforced → "For Santos B.V. through Accountants Vries" → the demo SP shows the client, the intermediary and the representative', async () => {
    context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-GB', javaScriptEnabled: false });
    context.setDefaultTimeout(8000);
    const page = await context.newPage();
    const cspReports: string[] = [];
    page.on('console', (m) => /Content Security Policy/.test(m.text()) && cspReports.push(m.text()));

    // the demo SP's login form and the broker's pages are plain forms: no JavaScript needed,
    // except the auto-post back to the SP, which offers its Continue button instead
    await page.goto(`${sp.url}/`);
    await page.selectOption('#loa', 'substantial');
    await page.click('#login');
    await page.waitForURL(new RegExp(`^${b.url}/login/[A-Za-z0-9_-]{22}$`));
    await page.click('[data-method="permanente"][data-state="offered"] button[type="submit"]');
    await page.fill('#document', CARMEN.document);
    await page.fill('#password', DEMO_PASSWORD);
    const since = Date.now();
    await page.click('form[action$="/password"] button[type="submit"]');
    await page.waitForURL(/\/second-factor$/);
    await page.fill('#code', await readCodeFromOutbox(b.varDir, 'sms', CARMEN.mobile, since));
    await page.click('form[action$="/second-factor"] button[type="submit"]');

    await page.waitForURL(new RegExp(`^${b.url}/login/[A-Za-z0-9_-]{22}/represent$`));
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.deepEqual(await page.$$eval('h1', (els) => els.map((e) => e.textContent?.trim())), [en('represent.title')]);
    const labels = await page.$$eval('li[data-choice] button', (els) => els.map((e) => e.textContent?.trim()));
    assert.deepEqual(labels, [en('represent.myself'), en('represent.direct', { organisation: 'Accountants Vries' }), en('represent.chain', { client: 'Santos B.V.', intermediary: 'Accountants Vries' })]);
    assert.ok((await page.locator('main').innerText()).includes('Demo tax return (en)'), 'the service is named in the page language');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'representation-choice.png'), fullPage: true });

    await page.click('li[data-kind="chain"] button[type="submit"]');
    // without JavaScript the auto-post page waits for its Continue button
    await page.waitForSelector(`form[action="${sp.url}/acs"]`);
    await page.click(`form[action="${sp.url}/acs"] button, form[action="${sp.url}/acs"] input[type="submit"]`);
    await page.waitForURL(`${sp.url}/`);
    const error = await page.locator('#error').textContent({ timeout: 200 }).catch(() => null);
    assert.equal(error, null, `the demo SP refused the login: ${error}`);
    const table = (await page.locator('#attributes').innerText())!;
    const row = (name: string) => new RegExp(`${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+([^\\n]+)`).exec(table)?.[1]?.trim();
    assert.equal(row('http://eidas.europa.eu/attributes/legalperson/LegalName'), 'Santos B.V.');
    assert.equal(row('http://eidas.europa.eu/attributes/legalperson/LegalPersonIdentifier'), `NL/ES/${santos.identifier}`);
    assert.equal(row('http://eidas.europa.eu/attributes/naturalperson/representative/PersonIdentifier'), 'ES/ES/12345678Z');
    assert.equal(row('urn:etoegang:core:LegalSubjectID'), `${santos.identifier} (urn:etoegang:1.9:EntityConcernedID:KvKnr)`);
    assert.equal(row('urn:etoegang:1.9:IntermediateEntityID:KvKnr'), vries.identifier);
    assert.equal(row('urn:etoegang:1.13:attribute-intermediate:CompanyName'), 'Accountants Vries');
    assert.equal(row('urn:etoegang:1.11:attribute-represented:CompanyName'), 'Santos B.V.');
    assert.equal((await page.locator('#loa-reached').textContent())?.trim(), 'http://eidas.europa.eu/LoA/substantial');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'representation-at-sp.png'), fullPage: true });
    assert.deepEqual(cspReports, [], 'no Content Security Policy violation reported in the console');
  });
});
