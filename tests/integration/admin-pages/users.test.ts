// The management pages over HTTP (supertest): every form POST refuses a missing or wrong CSRF
// token, a member who administers nothing gets 403 on an organisation's pages and sees only the
// person sections, and a registry refusal shows next to its field in the page language.
import assert from 'node:assert/strict';
import { openWorld, type World, type WorldPerson } from '../../helpers/mandates-world.js';
import { loginAdmin, type AdminAgent } from '../../helpers/admin-session.js';
import { FAST_ARGON2 } from '../../helpers/permanente-login.js';
import type { Member, Organisation } from '../../../broker/mandates/model.js';
import { paths } from '../../../broker/admin/pages/paths.js';
import { usersMessages } from '../../../broker/admin/pages/messages/users.js';
import { shellMessages } from '../../../broker/admin/pages/messages/shell.js';

const nl = (key: string) => usersMessages.nl[key] ?? shellMessages.nl[key]!;
const en = (key: string) => usersMessages.en[key] ?? shellMessages.en[key]!;

/** the value (dd) of the fact row whose term (dt) is `term` ('' when absent) */
function textOfRow(page: string, term: string): string {
  const m = new RegExp(`<dt>${term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</dt>\\s*<dd>([^<]*)`).exec(page);
  return m?.[1]?.trim() ?? '';
}

/** the text of the element with this id in a page ('' when absent) */
function textOfId(page: string, id: string): string {
  const m = new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(page);
  return m?.[1]?.trim() ?? '';
}

describe('management pages over HTTP: CSRF, administrators only, errors next to the field', function () {
  this.timeout(60_000);
  let w: World;
  let org: Organisation;
  let admin: WorldPerson;
  let adminMember: Member;
  let a: AdminAgent;
  let user: { person: WorldPerson; member: Member };

  before(async () => {
    w = await openWorld('embedded', { connectors: { permanente: { argon2: FAST_ARGON2 } } });
    ({ org, admin, adminMember } = await w.organisation({ level: '3', name: 'Pages B.V.' }));
    user = await w.member(org, admin.actor('3'), { role: 'user', level: '2+' });
    a = await loginAdmin(w.tb, { document: admin.document, mobile: admin.mobile });
  });
  after(() => w?.close());

  it('/admin/ takes an administrator to the users of their organisation; the overview lists role, status and level as text', async () => {
    await a.agent.get('/admin/').expect(303).expect('location', paths.users(org.id));
    const page = (await a.agent.get(paths.users(org.id)).set('Accept-Language', 'en').expect(200)).text;
    assert.match(page, /<html lang="en">/);
    assert.match(page, new RegExp(`data-member="${user.member.id}"`));
    assert.match(page, />Administrator</);
    assert.match(page, />Active</);
    assert.match(page, />Level 2\+</);
    assert.match(page, />this is you</);
  });

  it('a member\'s detail names their second factor (seed 004 "Tweede factor"), the kind only, and follows the person\'s choice', async () => {
    const factorOf = async (memberId: string) => textOfRow((await a.agent.get(paths.user(org.id, memberId)).set('Accept-Language', 'en').expect(200)).text, en('users.secondFactor'));
    assert.equal(await factorOf(adminMember.id), en('users.secondFactor.sms'), 'the administrator logged in with Permanente reinforced by SMS');
    assert.equal(await factorOf(user.member.id), en('users.secondFactor.none'), 'no Permanente account yet');
    const accounts = w.tb.broker.services.credentials.accounts;
    await accounts.setEmailCodes(admin.id, true);
    assert.equal(await accounts.setSecondFactor(admin.id, 'email'), true);
    assert.equal(await factorOf(adminMember.id), en('users.secondFactor.email'));
    await accounts.setSecondFactor(admin.id, 'sms');
    await accounts.setEmailCodes(admin.id, false);
  });

  it('the overview\'s export links download the members as CSV and XLSX with the session', async () => {
    const page = (await a.agent.get(paths.users(org.id)).expect(200)).text;
    for (const format of ['csv', 'xlsx'] as const) {
      const href = paths.exportMembers(org.id, format);
      assert.ok(page.includes(`href="${href.replace(/&/g, '&amp;')}"`), `the page links ${href}`);
      const file = await a.agent.get(href).buffer(true).expect(200);
      assert.match(String(file.headers['content-disposition']), new RegExp(`^attachment; filename="?members-[0-9]+-[0-9-]+\\.${format}"?$`));
    }
    const csv = (await a.agent.get(paths.exportMembers(org.id, 'csv')).expect(200)).text;
    assert.ok(csv.includes(user.member.contactEmail));
  });

  it('every POST without the session\'s CSRF token is refused with 403 and changes nothing', async () => {
    const posts: [string, Record<string, string>][] = [
      [paths.userAction(org.id, user.member.id, 'role'), { role: 'administrator' }],
      [paths.userAction(org.id, user.member.id, 'level'), { level: '2' }],
      [paths.userAction(org.id, user.member.id, 'contact'), { mobile: '+34600999999' }],
      [paths.userAction(org.id, user.member.id, 'activation'), {}],
      [`${paths.profile}/email/${adminMember.id}`, { email: 'new@example.es' }],
      [paths.logout, {}],
    ];
    for (const [path, fields] of posts) {
      await a.agent.post(path).type('form').send(fields).expect(403);
      await a.agent.post(path).type('form').send({ ...fields, csrf: 'not-the-token' }).expect(403);
    }
    await a.agent.get(paths.users(org.id)).expect(200);
    const after = await w.m.getMember(admin.actor('3'), org.id, user.member.id);
    assert.equal(after.role, 'user');
    assert.equal(after.level, '2+');
  });

  it('an administrator cannot demote themselves: "user" is not offered on their own membership, and a forged choice gets the seed\'s explanation next to the role field (Dutch)', async () => {
    const form = (await a.agent.get(paths.userAction(org.id, adminMember.id, 'role')).set('Accept-Language', 'nl').expect(200)).text;
    assert.match(form, /name="csrf"/);
    assert.match(form, /name="role" value="user" disabled/);
    assert.equal(textOfId(form, 'f-role-0-detail'), nl('refusal.self-demote'), 'the reason beside the choice');
    const page = await a.agent.post(paths.userAction(org.id, adminMember.id, 'role')).set('Accept-Language', 'nl').type('form').send({ csrf: a.csrf, role: 'user' }).expect(409);
    assert.equal(textOfId(page.text, 'f-role-error'), nl('refusal.self-demote'));
    assert.match(page.text, /aria-describedby="f-role-error"/);
    assert.equal((await w.m.getMember(admin.actor('3'), org.id, adminMember.id)).role, 'administrator');
  });

  it('a level above one\'s own is refused next to the level field; within it the change is made and flashed', async () => {
    const refused = await a.agent.post(paths.userAction(org.id, user.member.id, 'level')).set('Accept-Language', 'en').type('form').send({ csrf: a.csrf, level: '4' }).expect(422);
    assert.equal(textOfId(refused.text, 'f-level-error'), en('refusal.level-above-own'));
    await a.agent.post(paths.userAction(org.id, user.member.id, 'level')).type('form').send({ csrf: a.csrf, level: '3' }).expect(303).expect('location', paths.user(org.id, user.member.id));
    const detail = (await a.agent.get(paths.user(org.id, user.member.id)).set('Accept-Language', 'en').expect(200)).text;
    assert.match(detail, /role="status">The level of .* is now 3\.</);
    assert.equal((await w.m.getMember(admin.actor('3'), org.id, user.member.id)).level, '3');
  });

  it('lowering a level that ends mandates asks for a confirmation naming them first', async () => {
    const { member } = await w.member(org, admin.actor('3'), { role: 'user', level: '3' });
    const service = await w.service({ minRung: '3', name: 'Substantial service' });
    await w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [member.id], scopes: [{ kind: 'service', serviceId: service.id }] });
    const action = paths.userAction(org.id, member.id, 'level');
    const confirm = await a.agent.post(action).set('Accept-Language', 'en').type('form').send({ csrf: a.csrf, level: '2+' }).expect(200);
    assert.match(confirm.text, /<li>Substantial service<\/li>/);
    assert.match(confirm.text, /name="confirm" value="yes"/);
    assert.equal((await w.m.getMember(admin.actor('3'), org.id, member.id)).level, '3', 'nothing changes before the confirmation');
    await a.agent.post(action).type('form').send({ csrf: a.csrf, level: '2+', confirm: 'yes' }).expect(303);
    const after = await w.m.getMember(admin.actor('3'), org.id, member.id);
    assert.equal(after.level, '2+');
    assert.deepEqual(after.mandates, []);
  });

  it('a member who administers nothing: 403 on the organisation\'s pages, and only the person sections in the navigation', async () => {
    const u = await loginAdmin(w.tb, { document: user.person.document, mobile: user.person.mobile });
    await u.agent.get('/admin/').expect(303).expect('location', paths.profile);
    await u.agent.get(paths.users(org.id)).expect(403);
    await u.agent.get(paths.user(org.id, adminMember.id)).expect(403);
    await u.agent.post(paths.userAction(org.id, adminMember.id, 'role')).type('form').send({ csrf: u.csrf, role: 'user' }).expect(403);
    const profile = (await u.agent.get(paths.profile).expect(200)).text;
    assert.doesNotMatch(profile, new RegExp(paths.users(org.id)));
  });

  it('without a session a page invites to log in (401) and the login comes back to that page', async () => {
    const { newAgent } = await import('../../helpers/sp-requests.js');
    const anonymous = newAgent(w.tb);
    const page = await anonymous.get(paths.users(org.id)).expect(401);
    assert.match(page.text, new RegExp(`href="/admin/login\\?RelayState=${encodeURIComponent(paths.users(org.id)).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`));
    await anonymous.post(paths.userAction(org.id, user.member.id, 'role')).type('form').send({ role: 'administrator' }).expect(303);
  });
});
