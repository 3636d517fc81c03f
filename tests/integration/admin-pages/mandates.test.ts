// The Mandates and Chain mandates pages over HTTP (supertest): the wizard's steps (members below
// the needed level shown disabled with the reason), an end date beyond 5 years refused next to its
// field, a bulk refusal listing every refused pair with nothing granted, changing and revoking one
// mandate, chain mandates given by number and an intermediary removed; every POST refuses a missing
// or wrong CSRF token, and a member who is not an administrator gets 403 on these pages and sees
// their own mandates read-only.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { openWorld, type World, type WorldPerson } from '../../helpers/mandates-world.js';
import { loginAdmin, type AdminAgent } from '../../helpers/admin-session.js';
import { FAST_ARGON2 } from '../../helpers/permanente-login.js';
import type { Member, Organisation, Service } from '../../../broker/mandates/model.js';
import { addYears } from '../../../broker/mandates/dates.js';
import { paths } from '../../../broker/admin/pages/paths.js';
import { mandatesMessages } from '../../../broker/admin/pages/messages/mandates.js';
import { chainMessages } from '../../../broker/admin/pages/messages/chain.js';
import { shellMessages } from '../../../broker/admin/pages/messages/shell.js';

const en = (key: string) => mandatesMessages.en[key] ?? chainMessages.en[key] ?? shellMessages.en[key]!;
const nl = (key: string) => mandatesMessages.nl[key] ?? chainMessages.nl[key] ?? shellMessages.nl[key]!;
const escaped = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/</g, '&lt;');

/** the text of the element with this id ('' when absent) */
function textOfId(page: string, id: string): string {
  const m = new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(page);
  return m?.[1]?.trim() ?? '';
}

/** the checkbox input for `value` in a page */
function checkbox(page: string, value: string): string {
  const m = new RegExp(`<input type="checkbox"[^>]*value="${value.replace(/[+]/g, '\\+')}"[^>]*>`).exec(page);
  assert.ok(m, `a checkbox for ${value}`);
  return m[0];
}

describe('management pages over HTTP: mandates and chain mandates', function () {
  this.timeout(60_000);
  let w: World;
  let org: Organisation;
  let admin: WorldPerson;
  let a: AdminAgent;
  let high: { person: WorldPerson; member: Member };
  let low: { person: WorldPerson; member: Member };
  let s3: Service;
  let s2: Service;
  let base: string;

  before(async () => {
    w = await openWorld('embedded', { connectors: { permanente: { argon2: FAST_ARGON2 } } });
    ({ org, admin } = await w.organisation({ level: '3', name: 'Mandates Pages B.V.' }));
    high = await w.member(org, admin.actor('3'), { role: 'user', level: '3' });
    low = await w.member(org, admin.actor('3'), { role: 'user', level: '2' });
    s3 = await w.service({ minRung: '3', name: 'Tax returns', acceptsChain: true });
    s2 = await w.service({ minRung: '2', name: 'Parking permits' });
    a = await loginAdmin(w.tb, { document: admin.document, mobile: admin.mobile });
    base = paths.section(org.id, 'mandates');
  });
  after(() => w?.close());

  it('the wizard: members below the highest chosen service\'s level are disabled with the seed\'s reason; the review lists the choices; the POST grants them all', async () => {
    const services = (await a.agent.get(`${base}/add`).set('Accept-Language', 'en').expect(200)).text;
    assert.doesNotMatch(checkbox(services, `s:${s3.id}`), /disabled/);
    assert.match(checkbox(services, 'g:4'), /disabled/, 'general authority 4 is above the administrator\'s own level 3');
    const members = (await a.agent.get(`${base}/add`).query({ step: 'members', scope: [`s:${s3.id}`, `s:${s2.id}`] }).set('Accept-Language', 'nl').expect(200)).text;
    assert.match(checkbox(members, low.member.id), /disabled/);
    assert.doesNotMatch(checkbox(members, high.member.id), /disabled/);
    assert.ok(members.includes(escaped(nl('refusal.level-too-low'))));
    const review = (await a.agent.get(`${base}/add`).query({ step: 'review', scope: [`s:${s3.id}`, `s:${s2.id}`], member: [high.member.id], duration: '3' }).set('Accept-Language', 'en').expect(200)).text;
    assert.match(review, /Tax returns/);
    assert.match(review, /Parking permits/);
    assert.match(review, new RegExp(`value="${a.csrf}"`));
    await a.agent.post(`${base}/add`).type('form').send({ csrf: a.csrf, scope: [`s:${s3.id}`, `s:${s2.id}`], member: [high.member.id], duration: '3' }).expect(303).expect('location', base);
    const held = await w.m.getMember(admin.actor('3'), org.id, high.member.id);
    assert.equal(held.mandates.length, 2);
    assert.ok(held.mandates.every((m) => m.endDate === addYears(w.day(), 3)));
    const overview = (await a.agent.get(base).set('Accept-Language', 'en').expect(200)).text;
    assert.match(overview, /Tax returns/);
    assert.match(overview, />1 user</);
    assert.match(overview, /exports\/mandates\?format=xlsx/);
    const searched = (await a.agent.get(base).query({ q: 'parking' }).set('Accept-Language', 'en').expect(200)).text;
    assert.match(searched, /Parking permits/);
    assert.doesNotMatch(searched, /Tax returns/);
  });

  it('an end date beyond 5 years is refused next to the end-date field, at the review and at the confirmation', async () => {
    const late = addYears(w.day(), 5).replace(/^(\d{4})/, (y) => String(Number(y) + 1));
    const step = await a.agent.get(`${base}/add`).query({ step: 'review', scope: `s:${s2.id}`, member: low.member.id, duration: 'date', endDate: late }).set('Accept-Language', 'en').expect(422);
    assert.equal(textOfId(step.text, 'f-endDate-error'), en('refusal.end-date-too-late'));
    assert.match(step.text, /aria-describedby="f-endDate-hint f-endDate-error"/);
    const post = await a.agent.post(`${base}/add`).set('Accept-Language', 'en').type('form').send({ csrf: a.csrf, scope: `s:${s2.id}`, member: low.member.id, duration: 'date', endDate: late }).expect(422);
    assert.equal(textOfId(post.text, 'f-endDate-error'), en('refusal.end-date-too-late'));
    assert.equal((await w.m.getMember(admin.actor('3'), org.id, low.member.id)).mandates.length, 0);
  });

  it('a bulk grant with one refused pair grants nothing and names every refused member and service', async () => {
    const page = await a.agent
      .post(`${base}/add`)
      .set('Accept-Language', 'en')
      .type('form')
      .send({ csrf: a.csrf, scope: [`s:${s3.id}`, `s:${s2.id}`], member: [high.member.id, low.member.id], duration: '1' })
      .expect(422);
    assert.match(page.text, new RegExp(escaped(en('mandates.refused'))));
    assert.ok(page.text.includes(`Ana ${low.member.surname} – Tax returns: ${escaped(en('refusal.level-too-low'))}`));
    assert.equal((await w.m.getMember(admin.actor('3'), org.id, low.member.id)).mandates.length, 0);
    const kept = await w.m.getMember(admin.actor('3'), org.id, high.member.id);
    assert.ok(kept.mandates.every((m) => m.endDate === addYears(w.day(), 3)), 'the high member\'s mandates were not shortened to 1 year');
  });

  it('one mandate: its end date changed, then revoked after the confirmation page (which carries the undo countdown)', async () => {
    const mandate = (await w.m.getMember(admin.actor('3'), org.id, high.member.id)).mandates.find((m) => m.scope.kind === 'service' && m.scope.serviceId === s2.id)!;
    const day = w.day(40);
    await a.agent.post(`${base}/${mandate.id}/end`).type('form').send({ csrf: a.csrf, duration: 'date', endDate: day }).expect(303).expect('location', `${base}/scope/s:${s2.id}`);
    const scope = (await a.agent.get(`${base}/scope/s:${s2.id}`).set('Accept-Language', 'en').expect(200)).text;
    assert.match(scope, new RegExp(`href="${base}/${mandate.id}/extend"`), 'ending within 2 months: "extend" offered');
    const confirm = (await a.agent.get(`${base}/${mandate.id}/revoke`).set('Accept-Language', 'en').expect(200)).text;
    assert.match(confirm, /data-undo-seconds="3"/);
    assert.match(confirm, /<script src="\/static\/admin-revoke-undo.js" defer><\/script>/);
    assert.equal((await w.m.getMember(admin.actor('3'), org.id, high.member.id)).mandates.length, 2, 'the confirmation page changes nothing');
    await a.agent.post(`${base}/${mandate.id}/revoke`).type('form').send({ csrf: a.csrf }).expect(303);
    assert.equal((await w.m.getMember(admin.actor('3'), org.id, high.member.id)).mandates.length, 1);
    await a.agent.get(`${base}/${mandate.id}/revoke`).expect(404);
  });

  it('chain mandates: given to an intermediary by its KvK number, an unknown number refused next to the field, the intermediary removed after a confirmation', async () => {
    const chain = paths.section(org.id, 'chain');
    const { org: intermediary } = await w.organisation({ name: 'Accountants Pages' });
    const unknown = await a.agent.post(`${chain}/add`).set('Accept-Language', 'en').type('form').send({ csrf: a.csrf, identifierType: 'kvk', identifier: '99999999', scope: 'g:3', duration: '5' }).expect(422);
    assert.equal(textOfId(unknown.text, 'f-identifier-error'), en('refusal.intermediary-not-found'));
    const form = (await a.agent.get(`${chain}/add`).expect(200)).text;
    assert.match(form, new RegExp(`value="s:${s3.id}"`), 'a service accepting chain mandates is offered');
    assert.doesNotMatch(form, new RegExp(`value="s:${s2.id}"`), 'one that does not is not');
    await a.agent.post(`${chain}/add`).type('form').send({ csrf: a.csrf, identifierType: 'kvk', identifier: intermediary.identifier.value, scope: ['g:3', `s:${s3.id}`], duration: '1' }).expect(303).expect('location', chain);
    const given = (await a.agent.get(chain).set('Accept-Language', 'en').expect(200)).text;
    assert.match(given, /Accountants Pages/);
    assert.match(given, /· 2 mandates</);
    const received = (await a.agent.get(`${chain}/received`).set('Accept-Language', 'en').expect(200)).text;
    assert.ok(received.includes(escaped(en('chain.received.none'))));
    const confirm = (await a.agent.get(`${chain}/intermediaries/${intermediary.id}/remove`).set('Accept-Language', 'nl').expect(200)).text;
    assert.ok(confirm.includes(escaped(nl('chain.remove.warning'))));
    assert.equal((await w.m.listChainMandatesGiven(admin.actor('3'), org.id)).length, 1, 'the confirmation page changes nothing');
    await a.agent.post(`${chain}/intermediaries/${intermediary.id}/remove`).type('form').send({ csrf: a.csrf }).expect(303).expect('location', chain);
    assert.equal((await w.m.listChainMandatesGiven(admin.actor('3'), org.id)).length, 0);
  });

  it('every POST without the session\'s CSRF token is refused with 403 and changes nothing', async () => {
    const mandate = (await w.m.getMember(admin.actor('3'), org.id, high.member.id)).mandates[0]!;
    const { org: other } = await w.organisation({ name: 'Other Intermediary' });
    await w.m.grantChainMandates(admin.actor('3'), org.id, { intermediary: other.identifier, scopes: [{ kind: 'general', rung: '2' }] });
    const chain = paths.section(org.id, 'chain');
    const posts: [string, Record<string, string | string[]>][] = [
      [`${base}/add`, { scope: `s:${s2.id}`, member: low.member.id, duration: '1' }],
      [`${base}/${mandate.id}/end`, { duration: '1' }],
      [`${base}/${mandate.id}/extend`, { duration: '1' }],
      [`${base}/${mandate.id}/revoke`, {}],
      [`${chain}/add`, { identifierType: 'kvk', identifier: other.identifier.value, scope: 'g:3' }],
      [`${chain}/intermediaries/${other.id}/remove`, {}],
    ];
    for (const [path, fields] of posts) {
      await a.agent.post(path).type('form').send(fields).expect(403);
      await a.agent.post(path).type('form').send({ ...fields, csrf: 'not-the-token' }).expect(403);
    }
    const after = await w.m.getMember(admin.actor('3'), org.id, high.member.id);
    assert.deepEqual(after.mandates.map((m) => [m.id, m.endDate]), [[mandate.id, mandate.endDate]]);
    assert.equal((await w.m.getMember(admin.actor('3'), org.id, low.member.id)).mandates.length, 0);
    const given = await w.m.listChainMandatesGiven(admin.actor('3'), org.id);
    assert.equal(given.length, 1);
    assert.equal(given[0]!.chainMandates.length, 1);
  });

  it('a member who is not an administrator gets 403 on the organisation\'s mandate pages and sees their own mandates read-only', async () => {
    const u = await loginAdmin(w.tb, { document: high.person.document, mobile: high.person.mobile });
    for (const path of [base, `${base}/add`, paths.section(org.id, 'chain'), `${paths.section(org.id, 'chain')}/add`]) await u.agent.get(path).expect(403);
    await u.agent.post(`${base}/add`).type('form').send({ csrf: u.csrf, scope: `s:${s2.id}`, member: low.member.id, duration: '1' }).expect(403);
    assert.equal((await w.m.getMember(admin.actor('3'), org.id, low.member.id)).mandates.length, 0);
    const mine = (await u.agent.get(paths.personSection('my-mandates')).set('Accept-Language', 'en').expect(200)).text;
    assert.match(mine, /Tax returns/);
    assert.match(mine, /Mandates Pages B\.V\./);
    assert.doesNotMatch(mine, /<form method="post" action="\/admin\/o\//, 'read-only: no form that changes anything');
    assert.doesNotMatch(mine, /type="checkbox"/);
  });

  it('a confirmation carrying more fields than the shell\'s form parser takes is read whole; a user who is not a member is answered at the users step', async () => {
    const strangers = Array.from({ length: 150 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const page = await a.agent.post(`${base}/add`).set('Accept-Language', 'en').type('form').send({ csrf: a.csrf, scope: `s:${s2.id}`, member: [low.member.id, ...strangers], duration: '1' }).expect(422);
    assert.equal(textOfId(page.text, 'f-member-error'), en('mandates.memberGone'));
    assert.equal((await w.m.getMember(admin.actor('3'), org.id, low.member.id)).mandates.length, 0);
  });

  it('the users detail\'s "extend" link (paths.extendMandate) opens the extend page with the quick choices', async () => {
    const mandate = (await w.m.getMember(admin.actor('3'), org.id, high.member.id)).mandates[0]!;
    const page = (await a.agent.get(paths.extendMandate(org.id, mandate.id)).set('Accept-Language', 'en').expect(200)).text;
    assert.match(page, /<input type="radio" id="f-duration-0" name="duration" value="5" checked>/);
    assert.match(page, new RegExp(`action="${base}/${mandate.id}/extend"`));
  });

  it('the wizard with 400 users: the steps POST their choices (CSRF checked), so selecting everyone fits, and all are granted', async () => {
    const big = await w.organisation({ level: '3', name: 'Big B.V.' });
    const { member: template } = await w.member(big.org, big.admin.actor('3'), { role: 'user', level: '3' });
    // 399 more active users, copied in the store: 400 through the registry would take minutes
    const db = w.tb.broker.services.db;
    const row = await db.selectFrom('members').selectAll().where('id', '=', template.id).executeTakeFirstOrThrow();
    const person = await db.selectFrom('persons').selectAll().where('id', '=', row.person_id!).executeTakeFirstOrThrow();
    const people = Array.from({ length: 399 }, (_, i) => ({ ...person, id: randomUUID(), document_type: null, document_number: null, eidas_person_identifier: `NL/ES/bulk-${randomUUID()}`, mobile: null, first_surname: `Bulk ${i}` }));
    const copies = people.map((p, i) => ({ ...row, id: randomUUID(), person_id: p.id, subject_kind: 'invitation' as const, document_type: null, document_number: null, eidas_person_identifier: null, invitation_email: `bulk${i}@example.org`, contact_email: `bulk${i}@example.org`, surname: `Bulk ${i}`, activation_token_hash: null }));
    for (let i = 0; i < copies.length; i += 100) {
      await db.insertInto('persons').values(people.slice(i, i + 100)).execute();
      await db.insertInto('members').values(copies.slice(i, i + 100)).execute();
    }
    const everyone = (await w.m.listMembers(big.admin.actor('3'), big.org.id)).filter((m) => m.role === 'user').map((m) => m.id);
    assert.equal(everyone.length, 400);
    const service = await w.service({ minRung: '2', name: 'Bulk permits' });
    const choices = { scope: `s:${service.id}`, member: everyone };
    assert.ok(new URLSearchParams([['step', 'duration'], ...everyone.map((id) => ['member', id])]).toString().length > 16 * 1024, 'as an address these choices exceed the header limit');
    const b = await loginAdmin(w.tb, { document: big.admin.document, mobile: big.admin.mobile });
    const bigBase = paths.section(big.org.id, 'mandates');

    const members = (await b.agent.get(`${bigBase}/add`).query({ step: 'members', scope: `s:${service.id}` }).expect(200)).text;
    assert.match(members, new RegExp(`<form method="post" action="${bigBase}/add/step" novalidate><input type="hidden" name="csrf"`));
    await b.agent.post(`${bigBase}/add/step`).type('form').send({ ...choices, step: 'duration' }).expect(403);
    const duration = (await b.agent.post(`${bigBase}/add/step`).type('form').send({ csrf: b.csrf, ...choices, step: 'duration' }).expect(200)).text;
    assert.equal([...duration.matchAll(/<input type="hidden" name="member" value="[0-9a-f-]{36}">/g)].length, 400);
    const review = (await b.agent.post(`${bigBase}/add/step`).type('form').send({ csrf: b.csrf, ...choices, duration: '1', step: 'review' }).expect(200)).text;
    assert.match(review, new RegExp(`formaction="${bigBase}/add/step"`));
    assert.equal([...review.matchAll(/<li>[^<]*Bulk \d+<\/li>/g)].length, 399);
    assert.equal((await w.m.listMandates(big.admin.actor('3'), big.org.id)).flatMap((g) => g.mandates).length, 0, 'the steps change nothing');
    await b.agent.post(`${bigBase}/add`).type('form').send({ csrf: b.csrf, ...choices, duration: '1' }).expect(303).expect('location', bigBase);
    const granted = await w.m.listMandates(big.admin.actor('3'), big.org.id);
    assert.equal(granted.flatMap((g) => g.mandates).length, 400);
  });
});
