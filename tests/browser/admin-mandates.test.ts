// The Mandates section in a real browser (Debian chromium): an administrator adds mandates with
// the wizard (services found by search, a member below the service's level shown disabled with
// the reason, an end date beyond 5 years refused next to its field, the review, the confirmation),
// a bulk grant refused as a whole with every refused pair named, and a revocation taken back with
// "undo" inside the countdown (nothing changes) and then left to run out (revoked). Every page
// passes axe-core (no serious or critical finding); the main pages are saved as screenshots.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { addYears } from '../../broker/mandates/dates.js';
import type { Member, Organisation, Service } from '../../broker/mandates/model.js';
import { paths } from '../../broker/admin/pages/paths.js';
import { mandatesMessages } from '../../broker/admin/pages/messages/mandates.js';
import { shellMessages } from '../../broker/admin/pages/messages/shell.js';
import type { WorldPerson } from '../helpers/mandates-world.js';
import { axeScan, logInToAdmin, screenshot, startAdminBrowserWorld, type AdminBrowserWorld } from '../helpers/admin-browser.js';

const en = (key: string, vars: Record<string, string> = {}) => (mandatesMessages.en[key] ?? shellMessages.en[key]!).replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);

describe('browser: the Mandates section (chromium)', function () {
  this.timeout(90_000);
  let abw: AdminBrowserWorld;
  let org: Organisation;
  let admin: WorldPerson;
  let high: { person: WorldPerson; member: Member };
  let low: { person: WorldPerson; member: Member };
  let tax: Service;
  let parking: Service;
  let page: Page;
  let base: string;

  before(async () => {
    abw = await startAdminBrowserWorld();
    const w = abw.world;
    ({ org, admin } = await w.organisation({ level: '3', name: 'Browser Mandates B.V.' }));
    high = await w.member(org, admin.actor('3'), { role: 'user', level: '3' });
    low = await w.member(org, admin.actor('3'), { role: 'user', level: '2' });
    tax = await w.service({ minRung: '3', name: 'Tax returns' });
    parking = await w.service({ minRung: '2', name: 'Parking permits' });
    base = paths.section(org.id, 'mandates');
    ({ page } = await abw.newPage({ locale: 'en-GB' }));
    await logInToAdmin(page, w, { document: admin.document, mobile: admin.mobile }, base);
  });
  after(() => abw?.close());

  const main = () => page.locator('main').innerText();
  const url = (path: string) => `${abw.world.tb.url}${path}`;

  it('the wizard: search a service, a member below its level disabled with the reason, an end date beyond 5 years refused next to the field, review, confirm', async () => {
    await page.goto(url(base));
    assert.ok((await main()).includes(en('mandates.none')));
    await axeScan(page, 'mandates overview (empty)');

    await page.click(`a[href="${base}/add"]`);
    await page.fill('#f-serviceSearch', 'tax');
    await page.click('button[name="step"][value="services"]');
    assert.equal(await page.getByLabel('Parking permits').count(), 0, 'the search leaves other services out');
    await page.getByLabel('Tax returns').check();
    await axeScan(page, 'wizard: services');
    await page.click('button[name="step"][value="members"]');

    const lowBox = page.getByLabel(`Ana ${low.member.surname}`);
    assert.equal(await lowBox.isDisabled(), true);
    const reason = await page.locator(`#${await lowBox.getAttribute('aria-describedby')}`).innerText();
    assert.ok(reason.includes(en('refusal.level-too-low')), reason);
    await page.getByLabel(`Ana ${high.member.surname}`).check();
    await axeScan(page, 'wizard: members');
    await screenshot(page, 'admin-mandates-wizard-members');
    await page.click('button[name="step"][value="duration"]');

    await page.getByLabel(en('mandates.duration.date')).check();
    const tooLate = addYears(abw.world.day(), 5).replace(/^\d{4}/, (y) => String(Number(y) + 1));
    await page.fill('#f-endDate', tooLate);
    await page.click('button[name="step"][value="review"]');
    assert.equal((await page.locator('#f-endDate-error').innerText()).trim(), en('refusal.end-date-too-late'));
    assert.equal(await page.getAttribute('#f-endDate', 'aria-invalid'), 'true');
    await axeScan(page, 'wizard: end date refused');

    await page.getByLabel(en('mandates.duration.3')).check();
    await page.click('button[name="step"][value="review"]');
    const review = await main();
    assert.ok(review.includes('Tax returns') && review.includes(`Ana ${high.member.surname}`));
    await axeScan(page, 'wizard: review');
    await screenshot(page, 'admin-mandates-wizard-review');
    await page.click(`form[method="post"][action="${base}/add"] button[type="submit"]:not([formmethod])`);
    await page.waitForURL(url(base));
    assert.ok((await page.locator('.flash').innerText()).includes(en('mandates.done.granted', { n: '1' })));
    assert.ok((await main()).includes(en('mandates.count.one')));
    await axeScan(page, 'mandates overview');
    await screenshot(page, 'admin-mandates-overview');
    const held = await abw.world.m.getMember(admin.actor('3'), org.id, high.member.id);
    assert.deepEqual(held.mandates.map((m) => m.endDate), [addYears(abw.world.day(), 3)]);
  });

  it('a bulk grant with a refused pair: nothing granted, every refused member and service named', async () => {
    await page.goto(url(`${base}/add?step=review&scope=s:${tax.id}&scope=s:${parking.id}&member=${high.member.id}&member=${low.member.id}&duration=1`));
    await page.click(`form[method="post"][action="${base}/add"] button[type="submit"]:not([formmethod])`);
    const summary = await page.locator('.error-summary').innerText();
    assert.ok(summary.includes(en('mandates.refused')));
    assert.ok(summary.includes(`Ana ${low.member.surname} – Tax returns: ${en('refusal.level-too-low')}`), summary);
    await axeScan(page, 'wizard: bulk refusal');
    assert.equal((await abw.world.m.getMember(admin.actor('3'), org.id, low.member.id)).mandates.length, 0);
    const high3 = await abw.world.m.getMember(admin.actor('3'), org.id, high.member.id);
    assert.equal(high3.mandates.length, 1, 'parking was not granted to the member who could have had it');
  });

  it('revoke: "undo" within the countdown changes nothing; left to run out, the mandate is revoked', async () => {
    const mandate = (await abw.world.m.getMember(admin.actor('3'), org.id, high.member.id)).mandates[0]!;
    await page.clock.install();
    await page.goto(url(`${base}/scope/s:${tax.id}`));
    await axeScan(page, 'mandates of one service');
    await screenshot(page, 'admin-mandates-service');
    await page.click(`a[href="${base}/${mandate.id}/revoke"]`);
    await axeScan(page, 'revoke confirmation');
    await page.click('#revoke-form button[type="submit"]');
    assert.equal(await page.isVisible('#revoke-undo'), true);
    assert.ok((await page.locator('#revoke-pending').innerText()).includes(en('mandates.revoke.counting', { seconds: '3' })));
    await axeScan(page, 'revoke countdown');
    await screenshot(page, 'admin-mandates-revoke-countdown');
    await page.clock.runFor(1500);
    await page.click('#revoke-undo');
    await page.clock.runFor(5000);
    assert.equal(await page.isVisible('#revoke-undone'), true);
    assert.ok(page.url().endsWith('/revoke'), 'still on the confirmation page');
    assert.equal((await abw.world.m.getMember(admin.actor('3'), org.id, high.member.id)).mandates.length, 1, 'undo: nothing revoked');

    await page.click('#revoke-form button[type="submit"]');
    await Promise.all([page.waitForURL(url(`${base}/scope/s:${tax.id}`)), page.clock.runFor(3000)]);
    assert.ok((await page.locator('.flash').innerText()).includes(en('mandates.done.revoked', { member: `Ana ${high.member.surname}`, service: 'Tax returns' })));
    assert.equal((await abw.world.m.getMember(admin.actor('3'), org.id, high.member.id)).mandates.length, 0);
  });

  it('the end-date page and a member\'s own read-only "My mandates" pass axe', async () => {
    await abw.world.m.grantMandates(admin.actor('3'), org.id, { memberIds: [high.member.id], scopes: [{ kind: 'service', serviceId: parking.id }], duration: { endDate: abw.world.day(30) } });
    const mandate = (await abw.world.m.getMember(admin.actor('3'), org.id, high.member.id)).mandates[0]!;
    await page.goto(url(`${base}/${mandate.id}/extend`));
    assert.equal(await page.getByLabel(en('mandates.duration.5')).isChecked(), true, 'extend offers the quick choices, 5 years first');
    await axeScan(page, 'extend one mandate');
    // a phone's width: the tables scroll inside their region, the page does not widen
    const { page: userPage } = await abw.newPage({ locale: 'nl-NL', viewport: { width: 375, height: 800 } });
    await logInToAdmin(userPage, abw.world, { document: high.person.document, mobile: high.person.mobile }, paths.personSection('my-mandates'));
    const text = await userPage.locator('main').innerText();
    assert.ok(text.includes('Dienst') && text.includes('Browser Mandates B.V.'), text);
    assert.equal(await userPage.locator('main form').count(), 0, 'read-only');
    await axeScan(userPage, 'my mandates');
    assert.ok(await userPage.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no sideways scrolling of the page');
    await screenshot(userPage, 'admin-my-mandates');
  });

  it('without JavaScript the revoke confirmation button revokes at once (the page itself is the confirmation)', async () => {
    const w = abw.world;
    await w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [low.member.id], scopes: [{ kind: 'service', serviceId: parking.id }] });
    const mandate = (await w.m.getMember(admin.actor('3'), org.id, low.member.id)).mandates[0]!;
    const { page: plain } = await abw.newPage({ javaScriptEnabled: false });
    await logInToAdmin(plain, w, { document: admin.document, mobile: admin.mobile }, `${base}/${mandate.id}/revoke`);
    assert.equal(await plain.isVisible('#revoke-undo'), false, 'no undo button without the script');
    await plain.click('#revoke-form button[type="submit"]');
    await plain.waitForURL(url(`${base}/scope/s:${parking.id}`));
    assert.equal((await w.m.getMember(admin.actor('3'), org.id, low.member.id)).mandates.length, 0);
  });
});
