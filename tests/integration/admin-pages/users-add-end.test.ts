// Adding, linking and ending users through the pages over HTTP (supertest): the multipart form
// with the identity document copies (type by content, size, CSRF checked after parsing), the
// link to another organisation, and ending a means with its confirmation, the last-administrator
// refusals and ending the organisation with the last means.
import assert from 'node:assert/strict';
import { openWorld, type World, type WorldPerson } from '../../helpers/mandates-world.js';
import { loginAdmin, type AdminAgent } from '../../helpers/admin-session.js';
import { FAST_ARGON2 } from '../../helpers/permanente-login.js';
import type { Organisation } from '../../../broker/mandates/model.js';
import { paths } from '../../../broker/admin/pages/paths.js';
import { usersMessages } from '../../../broker/admin/pages/messages/users.js';
import { shellMessages } from '../../../broker/admin/pages/messages/shell.js';

const en = (key: string, vars: Record<string, string> = {}) => (usersMessages.en[key] ?? shellMessages.en[key]!).replace(/\{(\w+)\}/g, (_m, n: string) => vars[n] ?? '');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('front side of the card')]);
const PDF = Buffer.from('%PDF-1.4\n% back side\n');
const MAX = 5 * 1024 * 1024;

function textOfId(page: string, id: string): string {
  return new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(page)?.[1]?.trim() ?? '';
}

describe('management pages over HTTP: add, link and end users', function () {
  this.timeout(60_000);
  let w: World;
  let org: Organisation;
  let second: Organisation;
  let admin: WorldPerson;
  let a: AdminAgent;
  let seq = 0;

  before(async () => {
    w = await openWorld('embedded', { connectors: { permanente: { argon2: FAST_ARGON2 } } });
    ({ org, admin } = await w.organisation({ level: '3', name: 'Add B.V.' }));
    a = await loginAdmin(w.tb, { document: admin.document, mobile: admin.mobile });
    // a second organisation the same administrator administers
    const s = await w.organisation({ level: '3', name: 'Second B.V.' });
    second = s.org;
    await w.member(second, s.admin.actor('3'), { role: 'administrator', level: '3', who: admin });
  });
  after(() => w?.close());

  function addForm(fields: Record<string, string | string[]>, files: Record<string, Buffer | undefined>, csrf: string | null = a.csrf) {
    let req = a.agent.post(paths.newUser(org.id)).set('Accept-Language', 'en');
    if (csrf !== null) req = req.field('csrf', csrf);
    for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) req = req.field(k, x);
    for (const [k, v] of Object.entries(files)) if (v) req = req.attach(k, v, { filename: `${k}.bin`, contentType: 'application/octet-stream' });
    return req;
  }

  async function newUserFields(organisations: string[] = [org.id]) {
    const p = await w.person();
    seq += 1;
    return {
      person: p,
      fields: { level: '2+', role: 'user', givenName: 'Katarina', surname: `Bulters ${seq}`, dateOfBirth: '1990-04-03', email: p.email, mobile: '+34600111222', identifierType: 'DNI', identifier: p.document, idType: 'DNI', idNumber: p.document, idExpiry: '2031-01-01', sides: 'two', organisations },
    };
  }

  const membersNamed = async (o: Organisation, surname: string) => (await w.m.listMembers(admin.actor('3'), o.id)).filter((m) => m.surname === surname);

  it('the multipart form without the CSRF token is refused (403) and requests nothing', async () => {
    const { fields } = await newUserFields();
    await addForm(fields, { document: PNG, documentBack: PDF }, null).expect(403);
    await addForm(fields, { document: PNG, documentBack: PDF }, 'wrong').expect(403);
    assert.deepEqual(await membersNamed(org, fields.surname), []);
  });

  it('a copy larger than 5 MB and one that is not pdf/png/jpg/tif/bmp are refused next to their fields; nothing is requested', async () => {
    const { fields } = await newUserFields();
    const tooLarge = Buffer.concat([PNG, Buffer.alloc(MAX)]);
    const page = await addForm(fields, { document: tooLarge, documentBack: Buffer.from('GIF89a not accepted') }).expect(422);
    assert.equal(textOfId(page.text, 'f-document-error'), en('refusal.document-too-large', { mb: '5' }));
    assert.equal(textOfId(page.text, 'f-documentBack-error'), en('refusal.document-type'));
    assert.deepEqual(await membersNamed(org, fields.surname), []);
  });

  it('an upload over the whole body\'s cap shows the form again with the error on the file field, not the generic 413 page', async () => {
    const { fields } = await newUserFields();
    const huge = Buffer.concat([PNG, Buffer.alloc(2 * MAX)]);
    const page = await addForm(fields, { document: huge, documentBack: huge }).expect(413);
    assert.equal(textOfId(page.text, 'f-document-error'), en('users.new.upload.tooLarge', { mb: '5' }));
    assert.match(page.text, /enctype="multipart\/form-data"/);
    assert.deepEqual(await membersNamed(org, fields.surname), []);
    const [requested] = await w.m.addMember(admin.actor('3'), [org.id], w.newMember(await w.person(), { level: '2+' }));
    const copy = await a.agent.post(paths.userAction(org.id, requested!.id, 'document')).set('Accept-Language', 'en').field('csrf', a.csrf)
      .attach('document', huge, { filename: 'a.png', contentType: 'image/png' }).attach('document', huge, { filename: 'b.png', contentType: 'image/png' }).expect(413);
    assert.equal(textOfId(copy.text, 'f-document-error'), en('users.new.upload.tooLarge', { mb: '5' }));
  });

  it('two sides asked but only the front sent: the back is asked for', async () => {
    const { fields } = await newUserFields();
    const page = await addForm(fields, { document: PNG }).expect(422);
    assert.equal(textOfId(page.text, 'f-documentBack-error'), en('users.new.documentBack.required'));
  });

  it('a level above one\'s own is not offered, and a forged one is refused next to the level field', async () => {
    const form = (await a.agent.get(paths.newUser(org.id)).expect(200)).text;
    assert.match(form, /value="4" disabled/);
    const { fields } = await newUserFields();
    const page = await addForm({ ...fields, level: '4' }, { document: PNG, documentBack: PDF }).expect(422);
    assert.equal(textOfId(page.text, 'f-level-error'), en('refusal.level-above-own'));
    assert.deepEqual(await membersNamed(org, fields.surname), []);
  });

  it('a valid request in two organisations: both await approval, each with both copies attached', async () => {
    const { fields } = await newUserFields([org.id, second.id]);
    await addForm(fields, { document: PNG, documentBack: PDF }).expect(303).expect('location', paths.users(org.id));
    const [here] = await membersNamed(org, fields.surname);
    const [there] = await membersNamed(second, fields.surname);
    assert.equal(here?.status, 'awaiting_approval');
    assert.equal(there?.status, 'awaiting_approval');
    const docs = await w.tb.broker.services.db.selectFrom('member_documents').select(['member_id', 'media_type']).where('member_id', 'in', [here!.id, there!.id]).execute();
    assert.deepEqual(docs.map((d) => d.media_type).sort(), ['application/pdf', 'application/pdf', 'image/png', 'image/png']);
  });

  it('another copy for a request awaiting approval: CSRF checked, wrong type refused beside the field, then attached', async () => {
    const p = await w.person();
    const [requested] = await w.m.addMember(admin.actor('3'), [org.id], w.newMember(p, { level: '2+' }));
    const action = paths.userAction(org.id, requested!.id, 'document');
    const send = (bytes: Buffer, csrf: string | null) => {
      let req = a.agent.post(action).set('Accept-Language', 'en');
      if (csrf !== null) req = req.field('csrf', csrf);
      return req.attach('document', bytes, { filename: 'scan.bin', contentType: 'application/octet-stream' });
    };
    await send(PNG, null).expect(403);
    const refused = await send(Buffer.from('GIF89a'), a.csrf).expect(422);
    assert.equal(textOfId(refused.text, 'f-document-error'), en('refusal.document-type'));
    await send(PNG, a.csrf).expect(303).expect('location', paths.user(org.id, requested!.id));
    const docs = await w.tb.broker.services.db.selectFrom('member_documents').select('media_type').where('member_id', '=', requested!.id).execute();
    assert.deepEqual(docs.map((d) => d.media_type), ['image/png']);
  });

  it('the copy form and the end form are not offered for a member the registry would refuse them for: the reason instead', async () => {
    const { member } = await w.member(org, admin.actor('3'), { role: 'user', level: '2+' });
    const copy = await a.agent.get(paths.userAction(org.id, member.id, 'document')).set('Accept-Language', 'en').expect(409);
    assert.doesNotMatch(copy.text, /type="file"/);
    assert.match(copy.text, /role="alert">A copy of the identity document can only be added while the request awaits approval\.</);
    await w.m.endMember(admin.actor('3'), org.id, member.id, { when: 'now' });
    const end = await a.agent.get(paths.userAction(org.id, member.id, 'end')).set('Accept-Language', 'en').expect(409);
    assert.doesNotMatch(end.text, /name="when"/);
    assert.match(end.text, /role="alert">This user&#39;s means has already ended\.</);
  });

  it('link an existing user to the other organisation: a request there with the same level and e-mail', async () => {
    const { member } = await w.member(org, admin.actor('3'), { role: 'user', level: '2+' });
    await a.agent.post(paths.userAction(org.id, member.id, 'link')).type('form').send({ organisations: second.id, role: 'user' }).expect(403);
    const form = (await a.agent.get(paths.userAction(org.id, member.id, 'link')).expect(200)).text;
    assert.match(form, new RegExp(`value="${second.id}"`));
    await a.agent.post(paths.userAction(org.id, member.id, 'link')).type('form').send({ csrf: a.csrf, organisations: second.id, role: 'administrator' }).expect(303);
    const [linked] = await membersNamed(second, member.surname);
    assert.equal(linked?.level, '2+');
    assert.equal(linked?.contactEmail, member.contactEmail);
    assert.equal(linked?.role, 'administrator');
    assert.equal(linked?.status, 'awaiting_approval');
  });

  it('ending a user: a confirmation first (CSRF on both posts), then ended here and in the other organisation ticked', async () => {
    const { person, member } = await w.member(org, admin.actor('3'), { role: 'user', level: '2+' });
    const { member: there } = await w.member(second, admin.actor('3'), { role: 'user', level: '2+', who: person });
    const end = paths.userAction(org.id, member.id, 'end');
    const form = (await a.agent.get(end).expect(200)).text;
    assert.match(form, new RegExp(`name="also" value="${second.id}"`));
    await a.agent.post(end).type('form').send({ when: 'now' }).expect(403);
    const confirm = await a.agent.post(end).set('Accept-Language', 'en').type('form').send({ csrf: a.csrf, when: 'now', also: second.id }).expect(200);
    assert.match(confirm.text, new RegExp(`action="${end}/confirm"`));
    assert.equal((await w.m.getMember(admin.actor('3'), org.id, member.id)).status, 'active', 'nothing ends before the confirmation');
    await a.agent.post(`${end}/confirm`).type('form').send({ when: 'now', also: second.id }).expect(403);
    await a.agent.post(`${end}/confirm`).type('form').send({ csrf: a.csrf, when: 'now', also: second.id }).expect(303).expect('location', paths.users(org.id));
    assert.equal((await membersNamed(org, member.surname)).length, 0, 'an ended means leaves the overview');
    assert.equal((await membersNamed(second, there.surname)).length, 0);
  });

  it('an end date of today is refused next to the date field', async () => {
    const { member } = await w.member(org, admin.actor('3'), { role: 'user', level: '2+' });
    const page = await a.agent.post(`${paths.userAction(org.id, member.id, 'end')}/confirm`).set('Accept-Language', 'en').type('form').send({ csrf: a.csrf, when: 'date', date: w.day(0) }).expect(409);
    assert.equal(textOfId(page.text, 'f-date-error'), en('refusal.end-date-too-early'));
  });

  it('the last administrator ending their own means while others remain: the seed\'s explanation; alone: the organisation ends after a second confirmation', async () => {
    const solo = await w.organisation({ level: '3', name: 'Solo B.V.' });
    const { member: colleague } = await w.member(solo.org, solo.admin.actor('3'), { role: 'user', level: '2+' });
    const s = await loginAdmin(w.tb, { document: solo.admin.document, mobile: solo.admin.mobile });
    const end = `${paths.userAction(solo.org.id, solo.adminMember.id, 'end')}/confirm`;
    const refused = await s.agent.post(end).set('Accept-Language', 'en').type('form').send({ csrf: s.csrf, when: 'now' }).expect(409);
    assert.match(refused.text, new RegExp(en('refusal.other-members-present').slice(0, 60).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    await w.m.endMember(solo.admin.actor('3'), solo.org.id, colleague.id, { when: 'now' });
    const own = await s.agent.post(end).set('Accept-Language', 'en').type('form').send({ csrf: s.csrf, when: 'now' }).expect(200);
    assert.match(own.text, /name="confirmEndOrganisation" value="yes"/);
    assert.match(own.text, new RegExp(en('users.end.own.question').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.equal((await w.m.getOrganisation(solo.admin.actor('3'), solo.org.id)).status, 'active', 'nothing ends before the second confirmation');
    await s.agent.post(end).type('form').send({ csrf: s.csrf, when: 'now', confirmEndOrganisation: 'yes' }).expect(303).expect('location', paths.home);
    const memberships = await w.m.myMemberships(solo.admin.actor('3'));
    assert.equal(memberships.find((x) => x.organisation.id === solo.org.id)?.organisation.status ?? 'ended', 'ended');
  });

  it('an administrator ending their own means now while another administrator remains lands on a page of their own, not a 403', async () => {
    const pair = await w.organisation({ level: '3', name: 'Pair B.V.' });
    await w.member(pair.org, pair.admin.actor('3'), { role: 'administrator', level: '3' });
    const p = await loginAdmin(w.tb, { document: pair.admin.document, mobile: pair.admin.mobile });
    const end = `${paths.userAction(pair.org.id, pair.adminMember.id, 'end')}/confirm`;
    await p.agent.post(end).type('form').send({ csrf: p.csrf, when: 'now' }).expect(303).expect('location', paths.home);
    assert.equal((await w.m.getMember(pair.admin.actor('3'), pair.org.id, pair.adminMember.id).catch(() => null))?.status ?? 'ended', 'ended');
    const home = await p.agent.get(paths.home).expect(303);
    await p.agent.get(home.headers.location!).expect(200);
  });

  it('ending the last counting administrator (the other has planned their own end) is refused with the seed\'s explanation at the top', async () => {
    const duo = await w.organisation({ level: '3', name: 'Duo B.V.' });
    const { member: other } = await w.member(duo.org, duo.admin.actor('3'), { role: 'administrator', level: '3' });
    await w.m.endMember(duo.admin.actor('3'), duo.org.id, duo.adminMember.id, { when: 'date', date: w.day(30) });
    const d = await loginAdmin(w.tb, { document: duo.admin.document, mobile: duo.admin.mobile });
    const page = await d.agent.post(`${paths.userAction(duo.org.id, other.id, 'end')}/confirm`).set('Accept-Language', 'en').type('form').send({ csrf: d.csrf, when: 'now' }).expect(409);
    assert.match(page.text, new RegExp(`<div class="error-summary" role="alert"[^>]*><h2>[^<]*</h2><ul><li>${en('refusal.last-administrator').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</li>`));
    assert.equal((await w.m.getMember(duo.admin.actor('3'), duo.org.id, other.id)).status, 'active');
  });
});
