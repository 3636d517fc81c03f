// A real browser (Debian chromium) logs in through the broker from the demo SP. The broker runs on
// https://broker.test and the demo SPs on https://sp.test and https://sp2.test: different sites, so
// the cross-site HTTP-POST binding and the broker's SameSite=None; Secure cookies are exercised as
// in production, which no HTTP-level test can show (only a browser applies SameSite, Secure, CSP
// and form-action).
//
// The SPs are on https, not plain http, because Chrome stops a form that an https page submits to
// an http address with its "The information you're about to submit is not secure" interstitial
// (the broker's auto-post of the Response to an http ACS ends on chrome-error://chromewebdata/).
// sp3.test is the demo SP behind an ACS that redirects to another origin (app.test), as Keycloak's
// broker endpoint does towards the application: Chrome checks form-action on those redirects too.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import https from 'node:https';
import express from 'express';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { closeServer } from '../../broker/broker.js';
import { PROJECT_ROOT } from '../../broker/config.js';
import { translate } from '../../broker/web/i18n/catalogue.js';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.js';
import { CARMEN, readPinFromOutbox } from '../helpers/flow-driver.js';
import { testCert } from '../helpers/sign-request.js';
import { freePort, launchChromium, startDemoSp, throwawayTlsCert, type RunningDemoSp } from '../helpers/browser.js';

const SCREENSHOTS = path.join(PROJECT_ROOT, 'var', 'screenshots');
const SUBSTANTIAL = 'http://eidas.europa.eu/LoA/substantial';
const PERSON_ID = 'http://eidas.europa.eu/attributes/naturalperson/PersonIdentifier';

describe('browser: login through the broker from the demo SP (chromium, cross-site)', function () {
  this.timeout(30_000);
  let work: string;
  let b: TestBroker;
  let sp: RunningDemoSp;
  let sp2: RunningDemoSp;
  let sp3: RunningDemoSp;
  let app: https.Server;
  let appUrl: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'pasarela-browser-'));
    const mdDir = path.join(work, 'sp-metadata');
    await mkdir(mdDir);
    const [tls, spPort, sp2Port, sp3Port, appPort] = await Promise.all([
      throwawayTlsCert(work, ['broker.test', 'sp.test', 'sp2.test', 'sp3.test', 'app.test']),
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const spUrl = `https://sp.test:${spPort}`;
    const sp2Url = `https://sp2.test:${sp2Port}`;
    const sp3Url = `https://sp3.test:${sp3Port}`;
    appUrl = `https://app.test:${appPort}`;
    const policy = (name: string) => ({ displayName: name, dialects: ['eidas', 'clave'] });
    [b, browser] = await Promise.all([
      startTestBroker({
        https: { ...tls, hostname: 'broker.test' },
        overrides: {
          sps: {
            metadataDirs: ['tests/fixtures/metadata', mdDir],
            policies: {
              [`${spUrl}/metadata`]: policy('Demo service'),
              [`${sp2Url}/metadata`]: policy('Demo service two'),
              [`${sp3Url}/metadata`]: policy('Demo service three'),
            },
          },
        },
      }),
      launchChromium(),
    ]);
    const idpCert = testCert('idp');
    sp = await startDemoSp(spUrl, mdDir, { brokerUrl: b.url, idpCert }, tls);
    sp2 = await startDemoSp(sp2Url, mdDir, { brokerUrl: b.url, idpCert, authnRequestBinding: 'HTTP-POST' }, tls);
    // sp3's ACS, once it has consumed the Response, sends the browser on to the application
    const onwardFromAcs: express.RequestHandler = (req, res, next) => {
      if (req.path === '/acs') res.redirect = (() => void res.status(303).location(`${appUrl}/welcome`).end()) as typeof res.redirect;
      next();
    };
    sp3 = await startDemoSp(sp3Url, mdDir, { brokerUrl: b.url, idpCert }, tls, onwardFromAcs);
    app = https.createServer(tls, express().get('/welcome', (_req, res) => void res.send('<!doctype html><title>App</title><p id="welcome">Welcome</p>')));
    await new Promise<void>((resolve) => app.listen(appPort, '127.0.0.1', resolve));
    await b.broker.reload(); // SIGHUP's reload: the demo SPs' metadata appeared after the start
    for (const s of [sp, sp2, sp3]) assert.ok(b.broker.services.spRegistry.get(s.entityID), `broker trusts ${s.entityID}`);
    await mkdir(SCREENSHOTS, { recursive: true });
  });
  after(async () => {
    await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
    await browser?.close();
    await Promise.all([sp?.close(), sp2?.close(), sp3?.close(), app && closeServer(app, 1000)]);
    await b?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  async function newPage(opts: { javaScriptEnabled?: boolean; locale?: string } = {}): Promise<Page> {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, javaScriptEnabled: opts.javaScriptEnabled ?? true, locale: opts.locale });
    contexts.push(context);
    // fail at the step that hangs, well inside the test's timeout, naming what was awaited
    context.setDefaultTimeout(8000);
    return context.newPage();
  }

  /** Every URL the page's main frame loaded, to prove which pages were (not) shown. */
  function recordNavigations(page: Page): string[] {
    const urls: string[] = [];
    page.on('framenavigated', (f) => f === page.mainFrame() && urls.push(f.url()));
    return urls;
  }

  async function startLogin(page: Page, demo: RunningDemoSp, loa: 'low' | 'substantial'): Promise<void> {
    await page.goto(`${demo.url}/`);
    await page.selectOption('#loa', loa);
    await page.click('#login');
  }

  /** From the selector through the PIN pages, as a person does; optionally screenshots each. */
  async function pinThroughBroker(page: Page, opts: { shots?: boolean; continueButton?: boolean } = {}): Promise<void> {
    await page.waitForURL(new RegExp(`^${b.url}/login/[A-Za-z0-9_-]{22}$`));
    if (opts.shots) await page.screenshot({ path: path.join(SCREENSHOTS, 'selector.png'), fullPage: true });
    await page.click('[data-method="pin"][data-state="offered"] button[type="submit"]');
    await page.waitForURL(new RegExp(`^${b.url}/connectors/pin/[A-Za-z0-9_-]{22}$`));
    const unlabelled = await page.$$eval('main input:not([type="hidden"])', (els) => els.filter((e) => (e as HTMLInputElement).labels?.length === 0).map((e) => e.outerHTML));
    assert.deepEqual(unlabelled, [], 'every field of the PIN form has a label');
    await page.fill('#document', CARMEN.document);
    await page.fill('#documentDate', CARMEN.documentDate!);
    if (opts.shots) await page.screenshot({ path: path.join(SCREENSHOTS, 'pin-request.png'), fullPage: true });
    const since = Date.now();
    await page.click('form[action$="/request"] button[type="submit"]');
    await page.waitForURL(/\/code$/);
    const pin = await readPinFromOutbox(b.varDir, CARMEN.mobile, since);
    await page.fill('#pin', pin);
    if (opts.shots) await page.screenshot({ path: path.join(SCREENSHOTS, 'pin-code.png'), fullPage: true });
    await page.click('form[action$="/code"] button[type="submit"]');
    if (opts.continueButton) {
      // JavaScript off: the auto-post page stays, with its visible button
      await page.waitForSelector('#saml-post');
      const button = page.locator('#saml-post button[type="submit"]');
      assert.ok(await button.isVisible(), 'the Continue button is visible without JavaScript');
      assert.equal((await button.textContent())?.trim(), 'Continue');
      await button.click();
    }
  }

  async function loggedInAs(page: Page, demo: RunningDemoSp): Promise<{ nameID: string; loa: string; attributes: string }> {
    await page.waitForURL(`${demo.url}/`);
    const error = await page.locator('#error').textContent({ timeout: 200 }).catch(() => null);
    assert.equal(error, null, `the demo SP refused the login: ${error}`);
    return {
      nameID: (await page.locator('#nameid').textContent())!,
      loa: (await page.locator('#loa-reached').textContent())!,
      attributes: (await page.locator('#attributes').innerText())!,
    };
  }

  it('A: demo SP → selector → PIN → back with NameID, LoA and attributes; logout ends both sessions', async () => {
    const page = await newPage({ locale: 'es-ES' });
    await startLogin(page, sp, 'substantial');
    await page.waitForURL(new RegExp(`^${b.url}/login/`));

    // the selector: in the browser's language, with its heading, methods, and every control named
    assert.equal(await page.getAttribute('html', 'lang'), 'es');
    assert.equal((await page.locator('main h1').textContent())?.trim(), translate('es', 'selector.title'));
    assert.equal(await page.locator('[data-method="pin"][data-state="offered"]').count(), 1, 'PIN is offered');
    for (const greyed of await page.locator('[data-state="greyed"]').all()) {
      assert.ok((await greyed.locator('.reason').textContent())?.trim(), 'a greyed method says why');
      assert.ok(await greyed.locator('button').isDisabled());
    }
    for (const button of await page.locator('main button').all()) {
      assert.ok((await button.textContent())?.trim(), 'every button has a name');
    }
    await pinThroughBroker(page, { shots: true });

    const seen = await loggedInAs(page, sp);
    assert.match(seen.nameID, /\S{16,}/);
    assert.equal(seen.loa, SUBSTANTIAL);
    assert.match(seen.attributes, new RegExp(`${PERSON_ID}\\s+ES/ES/12345678Z`));
    assert.match(seen.attributes, /Carmen/);
    assert.match(seen.attributes, /1980-01-01/);

    // the broker's cookies as the browser holds them: cross-site capable
    const sso = (await page.context().cookies(b.url)).find((c) => c.name === 'pasarela_sso');
    assert.ok(sso, 'the broker set its SSO cookie');
    assert.equal(sso.sameSite, 'None');
    assert.equal(sso.secure, true);
    assert.equal(sso.httpOnly, true);

    // single logout, SP-initiated: back on the demo SP, logged out there and at the broker
    await page.click('#logout');
    await page.waitForURL(`${sp.url}/`);
    await page.waitForSelector('#login');
    await startLogin(page, sp, 'substantial');
    await page.waitForURL(new RegExp(`^${b.url}/login/`), { timeout: 5000 });
    assert.equal(await page.locator('[data-method="pin"]').count(), 1, 'no SSO session: the selector again');
  });

  it('B: SSO across sites — logged in on sp.test, sp2.test (AuthnRequest over HTTP-POST) needs no PIN', async () => {
    const page = await newPage();
    await startLogin(page, sp, 'substantial');
    await pinThroughBroker(page);
    const first = await loggedInAs(page, sp);

    const urls = recordNavigations(page);
    await startLogin(page, sp2, 'substantial');
    const second = await loggedInAs(page, sp2);
    assert.equal(second.loa, SUBSTANTIAL);
    assert.match(second.attributes, /ES\/ES\/12345678Z/);
    assert.notEqual(second.nameID, first.nameID, 'pairwise NameIDs per SP');
    assert.ok(urls.some((u) => u.startsWith(`${b.url}/saml/sso`) || u.startsWith(`${b.url}/`)), `went through the broker: ${urls.join(' ')}`);
    assert.ok(!urls.some((u) => /\/connectors\/pin\/|\/login\//.test(u)), `no selector or PIN page shown: ${urls.join(' ')}`);
  });

  it('C: JavaScript off — the login completes with the visible "Continue" button of the auto-post page', async () => {
    const page = await newPage({ javaScriptEnabled: false, locale: 'en-GB' }); // the button speaks the page language
    await startLogin(page, sp, 'substantial');
    await pinThroughBroker(page, { continueButton: true });
    const seen = await loggedInAs(page, sp);
    assert.equal(seen.loa, SUBSTANTIAL);
    assert.match(seen.attributes, /ES\/ES\/12345678Z/);
  });

  it('D: an ACS that redirects on to another origin (as Keycloak does) is not blocked by form-action', async () => {
    const page = await newPage();
    const blocked: string[] = [];
    page.on('console', (m) => /Content Security Policy/.test(m.text()) && blocked.push(m.text()));
    await startLogin(page, sp3, 'substantial');
    await pinThroughBroker(page);
    await page.waitForURL(`${appUrl}/welcome`);
    assert.equal(await page.locator('#welcome').textContent(), 'Welcome');
    assert.deepEqual(blocked, []);
  });
});
