// The management pages' users and profile sections in chromium (seed 004 §2.3, §3): an
// administrator logs in through the broker, sees the overview with its badges, searches, opens a
// user, changes role and level, meets the self-demotion, last-administrator and own-level refusals, adds a user
// with the copy of the identity document (refusing a file too large and one of a wrong type),
// links a user to another organisation, changes contact details, ends a means (and ends the
// organisation with the last one after a confirmation); a member who administers nothing sees only
// the profile. One form is filled in with the keyboard only; every page passes axe-core (no
// serious or critical finding); the main pages are saved as screenshots in test-artifacts/.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { axeScan, logInToAdmin, screenshot, startAdminBrowserWorld, type AdminBrowserWorld } from '../helpers/admin-browser.js';
import type { WorldPerson } from '../helpers/mandates-world.js';
import type { Member, Organisation } from '../../broker/mandates/model.js';
import { paths } from '../../broker/admin/pages/paths.js';
import { usersMessages } from '../../broker/admin/pages/messages/users.js';
import { shellMessages } from '../../broker/admin/pages/messages/shell.js';
import { profileMessages } from '../../broker/admin/pages/messages/profile.js';

const en = (key: string, vars: Record<string, string> = {}) =>
  (usersMessages.en[key] ?? shellMessages.en[key] ?? profileMessages.en[key]!).replace(/\{(\w+)\}/g, (_m, n: string) => vars[n] ?? '');

describe('browser: management pages — users and profile (chromium)', function () {
  this.timeout(120_000);
  let x: AdminBrowserWorld;
  let org: Organisation;
  let other: Organisation;
  let admin: WorldPerson;
  let adminMember: Member;
  let user: { person: WorldPerson; member: Member };
  let page: Page;
  let url: string;

  before(async () => {
    x = await startAdminBrowserWorld();
    const w = x.world;
    url = w.tb.url;
    ({ org, admin, adminMember } = await w.organisation({ level: '3', name: 'Santos B.V.' }));
    user = await w.member(org, admin.actor('3'), { role: 'user', level: '2+' });
    // the administrator administers a second organisation too: the switcher appears
    const second = await w.organisation({ level: '3', name: 'Vries Accountants' });
    other = second.org;
    await w.m.addMember(second.admin.actor('3'), [other.id], { ...w.newMember(admin, { role: 'administrator', level: '3' }) });
    const [pending] = (await w.m.listPendingMembers({ kind: 'operator', ip: null })).filter((m) => m.organisationId === other.id);
    await w.m.approveMember({ kind: 'operator', ip: null }, pending!.id);
    await w.m.activateMembership(admin.actor('3'), await w.activationToken(admin.email));
    ({ page } = await x.newPage());
    await logInToAdmin(page, w, admin);
  });
  after(() => x?.close());

  it('overview: role, status and level badges as text, "this is you", search, exports; the organisation switcher', async () => {
    assert.equal(new URL(page.url()).pathname, paths.users(org.id));
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    const row = page.locator(`tr[data-member="${adminMember.id}"]`);
    assert.match(await row.innerText(), new RegExp(`${en('role.administrator')}[\\s\\S]*${en('status.active')}[\\s\\S]*Level 3`));
    assert.match(await row.innerText(), new RegExp(en('shell.you')));
    assert.equal(await page.locator('a[href$="exports/members?format=xlsx"]').count(), 1);
    await axeScan(page, 'users overview');
    await screenshot(page, 'admin-users-overview');
    // search on the server (the form) and as one types (the script)
    await page.fill('#f-q', user.member.surname);
    assert.equal(await page.locator(`tr[data-member="${adminMember.id}"]`).isHidden(), true);
    await page.click('form[role="search"] button[type="submit"]');
    await page.waitForURL(/\?q=/);
    assert.equal(await page.locator('tbody tr').count(), 1);
    // the switcher
    await page.selectOption('#switch-organisation', other.id);
    await page.click('.switcher button[type="submit"]');
    await page.waitForURL(`${url}${paths.users(other.id)}`);
    await page.goto(`${url}${paths.users(org.id)}`);
  });

  const go = (path: string) => page.goto(`${url}${path}`);
  const flash = () => page.locator('.flash[role="status"]').innerText();

  it('detail: personal data, level, status with its date, role; "Extend mandate" only for a mandate ending within two months', async () => {
    const w = x.world;
    const [soon] = await w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [user.member.id], scopes: [{ kind: 'general', rung: '2' }], duration: { endDate: w.day(30) } });
    const later = await w.service({ minRung: '2+', name: 'Later service' });
    const [far] = await w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [user.member.id], scopes: [{ kind: 'service', serviceId: later.id }], duration: { years: 5 } });
    await go(paths.users(org.id));
    await page.click(`tr[data-member="${user.member.id}"] a`);
    await page.waitForURL(`${url}${paths.user(org.id, user.member.id)}`);
    const main = await page.locator('main').innerText();
    assert.match(main, new RegExp(en('users.status.activeSince', { date: '' }).trim()));
    assert.match(main, /eHerkenning level 2\+/);
    assert.equal(await page.locator(`li[data-mandate="${soon!.id}"] a[href="${paths.extendMandate(org.id, soon!.id)}"]`).count(), 1);
    assert.equal(await page.locator(`li[data-mandate="${far!.id}"] a`).count(), 0);
    assert.match(await page.locator(`li[data-mandate="${far!.id}"]`).innerText(), /Later service/);
    await axeScan(page, 'user detail');
    await screenshot(page, 'admin-user-detail');
  });

  it('keyboard only: the level form is reached, changed and sent without a mouse, with a visible focus', async () => {
    await go(paths.userAction(org.id, user.member.id, 'level'));
    await axeScan(page, 'level form');
    assert.equal(await page.locator('input[name="level"][value="4"]').isDisabled(), true, 'a level above one\'s own is not offered');
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)) === 'level') break;
    }
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLInputElement;
      return { value: el.value, outline: getComputedStyle(el).outlineStyle };
    });
    assert.equal(focused.value, '2+', 'focus lands on the checked level');
    assert.notEqual(focused.outline, 'none', 'the focus is visible');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement).getAttribute('type')), 'submit');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${url}${paths.user(org.id, user.member.id)}`);
    assert.equal(await flash(), en('users.level.done', { name: `${user.member.givenName} ${user.member.surname}`, level: '3' }));
    assert.equal((await x.world.m.getMember(admin.actor('3'), org.id, user.member.id)).level, '3');
  });

  it('role: a user becomes administrator; on one\'s own membership "user" is not offered, the seed\'s self-demotion explanation beside it', async () => {
    await go(paths.userAction(org.id, user.member.id, 'role'));
    await axeScan(page, 'role form');
    await page.check('input[name="role"][value="administrator"]');
    await page.click('main form button[type="submit"]');
    assert.equal(await flash(), en('users.role.done', { name: `${user.member.givenName} ${user.member.surname}`, role: en('role.administrator') }));
    await go(paths.userAction(org.id, user.member.id, 'role'));
    await page.check('input[name="role"][value="user"]');
    await page.click('main form button[type="submit"]');
    await page.waitForSelector('.flash');
    await go(paths.userAction(org.id, adminMember.id, 'role'));
    assert.equal(await page.isDisabled('input[name="role"][value="user"]'), true);
    const reason = await page.getAttribute('input[name="role"][value="user"]', 'aria-describedby');
    assert.equal((await page.locator(`#${reason!}`).innerText()).trim(), en('refusal.self-demote'));
    await axeScan(page, 'role form on one\'s own membership');
  });

  it('the last counting administrator (the other has planned their own end) can be neither demoted nor ended: the seed\'s last-administrator explanation', async () => {
    const w = x.world;
    const duo = await w.organisation({ level: '3', name: 'Duo Holding' });
    const { member: remaining } = await w.member(duo.org, duo.admin.actor('3'), { role: 'administrator', level: '3' });
    await w.m.endMember(duo.admin.actor('3'), duo.org.id, duo.adminMember.id, { when: 'date', date: w.day(30) });
    const { page: p4 } = await x.newPage();
    await logInToAdmin(p4, w, duo.admin);
    await p4.goto(`${url}${paths.userAction(duo.org.id, remaining.id, 'role')}`);
    await p4.check('input[name="role"][value="user"]');
    await p4.click('main form button[type="submit"]');
    assert.equal((await p4.locator('#f-role-error').innerText()).trim(), en('refusal.last-administrator'));
    assert.equal(await p4.getAttribute('fieldset:has(#f-role-error)', 'aria-describedby'), 'f-role-error');
    await axeScan(p4, 'role refusal');
    await screenshot(p4, 'admin-user-role-refused');
    await p4.goto(`${url}${paths.userAction(duo.org.id, remaining.id, 'end')}`);
    await p4.check('input[name="when"][value="now"]');
    await p4.click('main form button[type="submit"]');
    await p4.click('.confirmation button[type="submit"]');
    assert.equal((await p4.locator('.error-summary li').innerText()).trim(), en('refusal.last-administrator'));
    const after = await w.m.getMember(duo.admin.actor('3'), duo.org.id, remaining.id);
    assert.deepEqual([after.role, after.status], ['administrator', 'active']);
  });

  it('add user: a file over 5 MB and one of a wrong type are refused next to their fields; then the request is made', async () => {
    const w = x.world;
    const p = await w.person();
    await go(paths.newUser(org.id));
    await axeScan(page, 'add user form');
    await page.check('input[name="level"][value="2+"]');
    await page.fill('#f-givenName', 'Katarina');
    await page.fill('#f-surname', 'Bulters');
    await page.fill('#f-dateOfBirth', '1990-04-03');
    await page.fill('#f-email', p.email);
    await page.fill('#f-identifier', p.document);
    await page.fill('#f-idNumber', p.document);
    await page.fill('#f-idExpiry', '2031-01-01');
    await page.check('input[name="sides"][value="two"]');
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(5 * 1024 * 1024)]);
    await page.setInputFiles('#f-document', { name: 'front.png', mimeType: 'image/png', buffer: png });
    await page.setInputFiles('#f-documentBack', { name: 'back.gif', mimeType: 'image/gif', buffer: Buffer.from('GIF89a not accepted') });
    await page.click('form[enctype="multipart/form-data"] button[type="submit"]');
    assert.equal((await page.locator('#f-document-error').innerText()).trim(), en('refusal.document-too-large', { mb: '5' }));
    assert.equal((await page.locator('#f-documentBack-error').innerText()).trim(), en('refusal.document-type'));
    assert.equal(await page.locator('.error-summary').count(), 1);
    await axeScan(page, 'add user refused');
    await screenshot(page, 'admin-user-add-refused');
    // the form keeps what was typed; the files are chosen again
    assert.equal(await page.inputValue('#f-surname'), 'Bulters');
    await page.setInputFiles('#f-document', { name: 'front.png', mimeType: 'image/png', buffer: png.subarray(0, 64) });
    await page.setInputFiles('#f-documentBack', { name: 'back.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n') });
    await page.click('form[enctype="multipart/form-data"] button[type="submit"]');
    await page.waitForURL(`${url}${paths.users(org.id)}`);
    assert.equal(await flash(), en('users.new.done', { name: 'Katarina Bulters' }));
    assert.match(await page.locator('tbody').innerText(), new RegExp(`Katarina Bulters[\\s\\S]*${en('status.awaiting_approval')}`));
  });

  it('contact: the e-mail of a request awaiting approval and the mobile of an active user are changed', async () => {
    const [requested] = (await x.world.m.listMembers(admin.actor('3'), org.id)).filter((m) => m.surname === 'Bulters');
    await go(paths.userAction(org.id, requested!.id, 'contact'));
    assert.match(await page.locator('main').innerText(), new RegExp(en('users.contact.mobile.unavailable').slice(0, 40)));
    await page.fill('#f-email', 'k.bulters@example.es');
    await page.click('form:has(#f-email) button[type="submit"]');
    await page.waitForSelector('.flash');
    assert.equal((await x.world.m.getMember(admin.actor('3'), org.id, requested!.id)).contactEmail, 'k.bulters@example.es');
    await go(paths.userAction(org.id, user.member.id, 'contact'));
    await axeScan(page, 'contact form');
    await page.fill('#f-mobile', 'not a number');
    await page.click('form:has(#f-mobile) button[type="submit"]');
    assert.equal((await page.locator('#f-mobile-error').innerText()).trim(), en('refusal.invalid-mobile'));
    await page.fill('#f-mobile', '+34600123456');
    await page.click('form:has(#f-mobile) button[type="submit"]');
    await page.waitForSelector('.flash');
    assert.equal((await x.world.m.getMember(admin.actor('3'), org.id, user.member.id)).contactMobile, '+34600123456');
  });

  it('link to another organisation, then end the means in both after the confirmation', async () => {
    await go(paths.userAction(org.id, user.member.id, 'link'));
    await axeScan(page, 'link form');
    await page.check(`input[name="organisations"][value="${other.id}"]`);
    await page.click('main form button[type="submit"]');
    assert.equal(await flash(), en('users.link.done', { name: `${user.member.givenName} ${user.member.surname}` }));
    // the link awaits the operator's approval and the person's activation
    const w = x.world;
    const [pending] = (await w.m.listPendingMembers({ kind: 'operator', ip: null })).filter((m) => m.organisationId === other.id && m.surname === user.member.surname);
    await w.m.approveMember({ kind: 'operator', ip: null }, pending!.id);
    await w.m.activateMembership(user.person.actor('3'), await w.activationToken(user.member.contactEmail));

    await go(paths.userAction(org.id, user.member.id, 'end'));
    await axeScan(page, 'end form');
    await page.check('input[name="when"][value="now"]');
    await page.check(`input[name="also"][value="${other.id}"]`);
    await page.click('main form button[type="submit"]');
    await page.waitForSelector('.confirmation');
    assert.match(await page.locator('.confirmation').innerText(), new RegExp(`Santos B\\.V\\., Vries Accountants`));
    await axeScan(page, 'end confirmation');
    await screenshot(page, 'admin-user-end-confirmation');
    await page.click('.confirmation button[type="submit"]');
    await page.waitForURL(`${url}${paths.users(org.id)}`);
    assert.equal(await flash(), en('users.end.done', { name: `${user.member.givenName} ${user.member.surname}` }));
    assert.equal(await page.locator(`tr[data-member="${user.member.id}"]`).count(), 0);
    assert.equal((await w.m.listMembers(admin.actor('3'), other.id)).some((m) => m.surname === user.member.surname), false);
  });

  it('profile and login history; the language switch (nl, es) translates the whole page', async () => {
    await go(paths.profile);
    assert.match(await page.locator('main').innerText(), /Santos B\.V\./);
    await axeScan(page, 'profile');
    await screenshot(page, 'admin-profile');
    await page.click(`nav.tabs a[href="${paths.loginHistory}"]`);
    assert.ok((await page.locator('tbody tr').count()) >= 1, 'the login through the broker is in the history');
    // the service by its display name, the method and the outcome in words, never the raw codes
    const first = await page.locator('tbody tr').first().innerText();
    assert.match(first, /Pasarela management/);
    assert.doesNotMatch(first, /saml\/metadata|success|permanente\b/);
    assert.match(first, new RegExp(`${en('profile.history.method.permanente')}[\\s\\S]*${en('profile.history.outcome.success')}`));
    await axeScan(page, 'login history');
    await screenshot(page, 'admin-login-history');
    await page.click('nav.lang a[hreflang="nl"]');
    assert.equal(await page.getAttribute('html', 'lang'), 'nl');
    assert.equal((await page.locator('h1').innerText()).trim(), profileMessages.nl['profile.history.title']);
    assert.match(await page.locator('tbody tr').first().innerText(), new RegExp(profileMessages.nl['profile.history.outcome.success']!));
    assert.match(await page.locator('nav.sections').innerText(), new RegExp(usersMessages.nl['users.nav']!));
    await axeScan(page, 'login history (nl)');
    await page.click('nav.lang a[hreflang="es"]');
    assert.equal(await page.getAttribute('html', 'lang'), 'es');
    assert.match(await page.locator('nav.sections').innerText(), new RegExp(usersMessages.es['users.nav']!));
    await page.click('nav.lang a[hreflang="en"]');
  });

  it('narrow screens: the overview reflows without a horizontal scroll of the page', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await go(paths.users(org.id));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
    await screenshot(page, 'admin-users-overview-narrow');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('a member who administers nothing sees only their profile and mandates; an organisation page answers 403', async () => {
    const w = x.world;
    const { person } = await w.member(org, admin.actor('3'), { role: 'user', level: '2+' });
    const { page: p2 } = await x.newPage();
    await logInToAdmin(p2, w, person);
    assert.equal(new URL(p2.url()).pathname, paths.profile);
    const nav = await p2.$$eval('nav.sections a', (as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(nav.filter((h) => h?.startsWith('/admin/o/')), []);
    assert.ok(nav.includes(paths.profile));
    await axeScan(p2, 'profile of a member');
    const answer = await p2.goto(`${url}${paths.users(org.id)}`);
    assert.equal(answer?.status(), 403);
    assert.equal((await p2.locator('h1').innerText()).trim(), en('shell.forbidden.title'));
    await axeScan(p2, 'forbidden page');
  });

  it('an administrator alone ends their own last means: told it ends the organisation, confirms, and the organisation ends', async () => {
    const w = x.world;
    const solo = await w.organisation({ level: '3', name: 'Solo Trading' });
    const { page: p3 } = await x.newPage({ locale: 'nl-NL' });
    await logInToAdmin(p3, w, solo.admin);
    await p3.goto(`${url}${paths.userAction(solo.org.id, solo.adminMember.id, 'end')}`);
    assert.equal(await p3.getAttribute('html', 'lang'), 'nl');
    await p3.check('input[name="when"][value="now"]');
    await p3.click('main form button[type="submit"]');
    await p3.click('.confirmation button[type="submit"]');
    await p3.waitForSelector('input[name="confirmEndOrganisation"]', { state: 'attached' });
    assert.equal((await p3.locator('.confirmation .question').innerText()).trim(), usersMessages.nl['users.end.own.question']);
    await axeScan(p3, 'own last means confirmation');
    await screenshot(p3, 'admin-user-end-organisation');
    await p3.click('.confirmation button[type="submit"]');
    await p3.waitForURL(`${url}${paths.profile}`);
    assert.equal((await p3.locator('.flash').innerText()).trim(), usersMessages.nl['users.end.doneOrganisation']!.replace('{organisation}', 'Solo Trading'));
    const after = await w.m.myMemberships(solo.admin.actor('3'));
    assert.notEqual(after.find((m) => m.organisation.id === solo.org.id)?.organisation.status, 'active');
  });

  it('log out: the session ends and the pages invite to log in again', async () => {
    await go(paths.users(org.id));
    await page.click('nav.account form button[type="submit"]');
    await page.waitForURL(`${url}/admin/logged-out`);
    await axeScan(page, 'logged out');
    const again = await page.goto(`${url}${paths.users(org.id)}`);
    assert.equal(again?.status(), 401);
    await axeScan(page, 'login invitation');
  });
});
