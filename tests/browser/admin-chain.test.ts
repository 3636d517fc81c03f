// The Chain mandates section in a real browser (Debian chromium): the client's administrator gives
// an intermediary chain mandates by its KvK number (an unknown number refused next to the field,
// a service that does not accept chain mandates not offered), sees them per intermediary with
// their validity, and removes the intermediary after the confirmation page; the intermediary's
// administrator sees them "from relations". Every page passes axe-core; the main pages are saved as
// screenshots.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { Organisation, Service } from '../../broker/mandates/model.js';
import { paths } from '../../broker/admin/pages/paths.js';
import { chainMessages } from '../../broker/admin/pages/messages/chain.js';
import { mandatesMessages } from '../../broker/admin/pages/messages/mandates.js';
import { shellMessages } from '../../broker/admin/pages/messages/shell.js';
import type { WorldPerson } from '../helpers/mandates-world.js';
import { axeScan, logInToAdmin, screenshot, startAdminBrowserWorld, type AdminBrowserWorld } from '../helpers/admin-browser.js';

const en = (key: string, vars: Record<string, string> = {}) => (chainMessages.en[key] ?? mandatesMessages.en[key] ?? shellMessages.en[key]!).replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);

describe('browser: the Chain mandates section (chromium)', function () {
  this.timeout(90_000);
  let abw: AdminBrowserWorld;
  let client: Organisation;
  let clientAdmin: WorldPerson;
  let intermediary: Organisation;
  let intermediaryAdmin: WorldPerson;
  let chainService: Service;
  let directOnly: Service;
  let page: Page;
  let base: string;

  before(async () => {
    abw = await startAdminBrowserWorld();
    const w = abw.world;
    ({ org: client, admin: clientAdmin } = await w.organisation({ level: '3', name: 'Santos Browser B.V.' }));
    ({ org: intermediary, admin: intermediaryAdmin } = await w.organisation({ level: '3', name: 'Accountants Browser' }));
    chainService = await w.service({ minRung: '3', name: 'Payroll tax', acceptsChain: true });
    directOnly = await w.service({ minRung: '2', name: 'Parking permits', acceptsChain: false });
    base = paths.section(client.id, 'chain');
    ({ page } = await abw.newPage({ locale: 'en-GB' }));
    await logInToAdmin(page, w, { document: clientAdmin.document, mobile: clientAdmin.mobile }, base);
  });
  after(() => abw?.close());

  const url = (path: string) => `${abw.world.tb.url}${path}`;
  const main = () => page.locator('main').innerText();

  it('an intermediary is given chain mandates by its number; an unknown number is refused next to the field', async () => {
    await page.goto(url(base));
    assert.ok((await main()).includes(en('chain.given.none')));
    await axeScan(page, 'chain mandates issued (none)');
    await page.click(`a[href="${base}/add"]`);
    assert.equal(await page.getByLabel(directOnly.names.en).count(), 0, 'a service without chain mandates is not offered');
    await axeScan(page, 'chain mandate form');

    await page.fill('#f-identifier', '99999999');
    await page.getByLabel(chainService.names.en).check();
    await page.click('main form[method="post"] button[type="submit"]');
    assert.equal((await page.locator('#f-identifier-error').innerText()).trim(), en('refusal.intermediary-not-found'));
    assert.equal(await page.getByLabel(chainService.names.en).isChecked(), true, 'the choices stay');
    await axeScan(page, 'chain mandate form with an error');

    await page.fill('#f-identifier', intermediary.identifier.value);
    await page.getByLabel(en('mandates.general', { level: '3' })).check();
    await page.getByLabel(en('mandates.duration.1')).check();
    await page.fill('#f-notifyEmail', 'office@accountants.example');
    await screenshot(page, 'admin-chain-add');
    await page.click('main form[method="post"] button[type="submit"]');
    await page.waitForURL(url(base));
    assert.ok((await page.locator('.flash').innerText()).includes(en('chain.done.granted', { n: '2' })));
    const card = await page.locator('section.card').innerText();
    assert.ok(card.includes('Accountants Browser') && card.includes('Payroll tax') && card.includes(en('mandates.general', { level: '3' })), card);
    await axeScan(page, 'chain mandates issued');
    await screenshot(page, 'admin-chain-given');
    const mails = await abw.world.emailsTo('office@accountants.example');
    assert.equal(mails.length, 1, 'the intermediary was told at the address given');
  });

  it('the intermediary\'s administrator sees them "from relations"', async () => {
    const { page: other } = await abw.newPage({ locale: 'es-ES' });
    const received = paths.section(intermediary.id, 'chain');
    await logInToAdmin(other, abw.world, { document: intermediaryAdmin.document, mobile: intermediaryAdmin.mobile }, `${received}/received`);
    const text = await other.locator('main').innerText();
    assert.ok(text.includes('Santos Browser B.V.') && text.includes('Poder general nivel 3'), text);
    await axeScan(other, 'chain mandates received');
    await screenshot(other, 'admin-chain-received');
  });

  it('removing the intermediary asks first, then revokes all its chain mandates', async () => {
    await page.goto(url(base));
    await page.click(`a[href="${base}/intermediaries/${intermediary.id}/remove"]`);
    const confirm = await main();
    assert.ok(confirm.includes(en('chain.remove.question', { organisation: 'Accountants Browser' })));
    assert.ok(confirm.includes(en('chain.remove.count.many', { n: '2' })));
    await axeScan(page, 'remove intermediary confirmation');
    await screenshot(page, 'admin-chain-remove');
    assert.equal((await abw.world.m.listChainMandatesGiven(clientAdmin.actor('3'), client.id)).length, 1, 'the confirmation page changes nothing');
    await page.click('.confirmation button[type="submit"]');
    await page.waitForURL(url(base));
    assert.ok((await main()).includes(en('chain.given.none')));
    assert.equal((await abw.world.m.listChainMandatesGiven(clientAdmin.actor('3'), client.id)).length, 0);
  });
});
