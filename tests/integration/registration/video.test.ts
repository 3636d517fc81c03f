// Registration by video identification (issue 9, seed 002) over HTTP: the request and its
// security code shown once, the slot proposed from the interviewer console and e-mailed with a
// link, the appointment opened with link and code, the copies of the identity document, the
// interview's checks and the approval with an activation code read out and an activation link
// e-mailed; the mobile stated on the request proved by a code sent to it by SMS; the keys chosen
// with both; the level granted (basic, advanced only after an
// official's review) seen in the LoA of the next Cl@ve Permanente login.
import assert from 'node:assert/strict';
import type { Agent } from 'supertest';
import { forEachStores, startTestBroker, type TestBroker } from '../../helpers/test-broker.js';
import { CARMEN, csrfOf, readCodeFromOutbox, type PinPerson } from '../../helpers/flow-driver.js';
import { assertionText, newAgent, statusOf } from '../../helpers/sp-requests.js';
import { grantStaffRole, loginStaff } from '../../helpers/staff-session.js';
import { EIDAS_LOW, EIDAS_SUBSTANTIAL, openPermanenteLogin, submitCode, submitPassword } from '../../helpers/permanente.js';
import { FAST_ARGON2, alignToTotpStep, otherCode, totpCode } from '../../helpers/permanente-login.js';
import { sql } from 'kysely';
import { JPEG, PDF, PNG, approvedRequest, proveMobile, askForAppointment, linkIn, mailMatching, mailsTo, officeSlot, openAppointment, requestFields, requestIdOf, viewedCopies } from '../../helpers/video-identification.js';

const LUCIA: PinPerson = { document: '87654321X', documentDate: '2031-06-30', mobile: '+34600000003' };
const PASSWORD = 'Vid3o-Registro-2026!';
const EVA = { email: 'eva@example.be', documentNumber: '11111111H', documentDate: '2034-05-01' };

forEachStores('registration by video identification (issue 9, seed 002)', (stores) => {
  let b: TestBroker;
  let interviewer: Agent;
  let official: Agent;
  let interviewerCsrf: string;
  let officialCsrf: string;
  let evaBrowser: Agent;
  let securityCode: string;
  let appointmentLink: string;
  let requestId: string;
  let activationCode: string;
  let activationLink: string;
  /** the copies the console listed before the interviewer asked for new ones */
  let staleCopies: string;

  before(async () => {
    b = await startTestBroker({ stores, overrides: { connectors: { permanente: { argon2: FAST_ARGON2 } } } });
    await grantStaffRole(b, LUCIA.document, 'interviewer');
    await grantStaffRole(b, CARMEN.document, 'official');
    interviewer = await loginStaff(b, LUCIA, { startPath: '/staff/video/', landing: '/staff/video/' });
    official = await loginStaff(b, CARMEN, { startPath: '/staff/video/', landing: '/staff/video/' });
    interviewerCsrf = csrfOf((await interviewer.get('/staff/').expect(200)).text);
    officialCsrf = csrfOf((await official.get('/staff/').expect(200)).text);
    evaBrowser = newAgent(b);
  });
  after(async () => b.close());

  const decide = (fields: Record<string, string>) => interviewer.post(`/staff/video/requests/${requestId}/decide`).type('form').send({ csrf: interviewerCsrf, ...fields });
  const allChecks = { documentValid: 'yes', documentGenuine: 'yes', matchesPerson: 'yes', registersConsistent: 'yes' };

  describe('step 1: the request', () => {
    it('lists every problem of a bad form at once and stores nothing', async () => {
      const csrf = csrfOf((await evaBrowser.get('/register/video').expect(200)).text);
      const res = await evaBrowser
        .post('/register/video')
        .type('form')
        .send({ csrf, ...requestFields(b, { givenName: '', dateOfBirth: '2999-01-01', documentNumber: '12345678A', email: 'nope', slot1: '2020-01-01T10:00', slot2: '', language: 'de', consent: '' }) })
        .expect(422);
      const problems = [...res.text.matchAll(/data-problem="([a-zA-Z]+)"/g)].map((m) => m[1]);
      assert.deepEqual(problems.sort(), ['consent', 'dateOfBirth', 'documentNumber', 'email', 'givenName', 'language', 'slots']);
      assert.equal((await b.broker.services.db.selectFrom('video_requests').select('id').execute()).length, 0);
    });

    it('refuses the form without its CSRF token', async () => {
      await newAgent(b).post('/register/video').type('form').send(requestFields(b)).expect(403);
    });

    it('shows the personal security code once, keeping only its hash', async () => {
      securityCode = await askForAppointment(evaBrowser, requestFields(b, { mobile: '+32 470 12 34 56' }));
      requestId = await requestIdOf(b, EVA.email);
      const row = await b.broker.services.db.selectFrom('video_requests').selectAll().where('id', '=', requestId).executeTakeFirstOrThrow();
      assert.equal(row.state, 'requested');
      assert.equal(row.mobile, '+32470123456');
      assert.equal(row.language, 'nl');
      assert.ok(!JSON.stringify(row).includes(securityCode.replace(/-/g, '')) && !JSON.stringify(row).includes(securityCode), 'the code itself is not stored');
      const audit = JSON.stringify(await b.broker.services.db.selectFrom('audit_log').selectAll().execute());
      assert.ok(!audit.includes(securityCode.replace(/-/g, '')) && !audit.includes(securityCode));
    });
  });

  describe('step 2: the slot, the link and the security code', () => {
    it('shows the request to interviewers as waiting, with the day it lapses, and lets them propose a slot that is e-mailed with a link in the interview language (Dutch)', async () => {
      const list = await interviewer.get('/staff/video/').expect(200);
      assert.match(list.text, new RegExp(`data-request="${requestId}"`));
      assert.match(list.text, /lapses|caduca el \d{4}-\d{2}-\d{2}/);
      const since = Date.now();
      await interviewer.post(`/staff/video/requests/${requestId}/propose`).type('form').send({ csrf: interviewerCsrf, slot: '2020-01-01T10:00' }).expect(422);
      const proposed = await interviewer.post(`/staff/video/requests/${requestId}/propose`).type('form').send({ csrf: interviewerCsrf, slot: officeSlot(b, 8) }).expect(200);
      assert.match(proposed.text, /data-state="proposed"/);
      const mail = await mailMatching(b, EVA.email, /bevestig het tijdslot/, since);
      appointmentLink = linkIn(mail, 'appointment');
      assert.ok(!mail.text.includes(securityCode), 'the code never goes by e-mail');
    });

    it('opens nothing with the link alone, a wrong code or an unknown link (one answer for both)', async () => {
      const stranger = newAgent(b);
      await stranger.get('/register/video/appointment').expect(403);
      const wrong = await openAppointment(stranger, appointmentLink, 'AAAA-BBBB-CCCC-DDDD', 422);
      const unknown = await openAppointment(stranger, '/register/video/appointment/AAAAAAAAAAAAAAAAAAAAAA', securityCode, 422);
      const message = (t: string) => /<p class="error" role="alert">([^<]+)</.exec(t)?.[1];
      assert.equal(message(wrong.text), message(unknown.text));
      await stranger.get('/register/video/appointment').expect(403);
      // no copy is even read for a browser without an opened appointment
      const body = await stranger.post('/register/video/appointment/copies').attach('front', PNG, 'front.png').expect(403);
      assert.match(body.text, /caducado|expired/);
    });

    it('opens the appointment with link and code, and checks the copies by their content and size', async () => {
      const opened = await openAppointment(evaBrowser, appointmentLink, securityCode.toLowerCase(), 303);
      assert.equal(opened.headers.location, '/register/video/appointment');
      const page = await evaBrowser.get('/register/video/appointment').expect(200);
      assert.match(page.text, /id="appointment-state"/);
      const csrf = csrfOf(page.text);
      const gif = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(64)]);
      const badType = await evaBrowser.post('/register/video/appointment/copies').field('csrf', csrf).attach('front', gif, { filename: 'front.png', contentType: 'image/png' }).expect(422);
      assert.match(badType.text, /PDF, PNG (o|or) JPEG/);
      const tooLarge = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]);
      const large = await evaBrowser.post('/register/video/appointment/copies').field('csrf', csrf).attach('front', tooLarge, { filename: 'front.png', contentType: 'image/png' }).expect(422);
      assert.match(large.text, /5 MB/);
      await evaBrowser.post('/register/video/appointment/copies').attach('front', PNG, { filename: 'front.png', contentType: 'image/png' }).expect(403);
      const accept = await evaBrowser.post('/register/video/appointment/accept').type('form').send({ csrf }).expect(422);
      assert.match(accept.text, /dos caras|both sides/);
      // a PDF sent as "image/png" is a PDF: the bytes decide
      await evaBrowser.post('/register/video/appointment/copies').field('csrf', csrf).attach('front', PNG, { filename: 'a.png', contentType: 'image/png' }).attach('back', PDF, { filename: 'b.png', contentType: 'image/png' }).expect(200);
      const copies = await b.broker.services.db.selectFrom('video_documents').selectAll().where('request_id', '=', requestId).orderBy('side').execute();
      assert.deepEqual(copies.map((c) => [c.side, c.media_type, c.byte_size]), [['back', 'application/pdf', PDF.length], ['front', 'image/png', PNG.length]]);
      assert.ok(!copies.some((c) => c.sealed.includes(PNG.toString('base64').slice(0, 40))), 'sealed at rest');
    });

    it('accepts the slot: the confirmation e-mail carries the meeting link', async () => {
      const since = Date.now();
      const csrf = csrfOf((await evaBrowser.get('/register/video/appointment').expect(200)).text);
      const res = await evaBrowser.post('/register/video/appointment/accept').type('form').send({ csrf }).expect(200);
      assert.match(res.text, /meet\.example\.org/);
      const mail = await mailMatching(b, EVA.email, /is gereserveerd/, since);
      assert.match(mail.text, new RegExp(`https://meet\\.example\\.org/pasarela-${requestId}`));
    });
  });

  describe('step 3: the interview', () => {
    it('lists the interview on its day with the meeting link, and shows the copies to the interviewer (audited)', async () => {
      const day = officeSlot(b, 8).slice(0, 10);
      const list = await interviewer.get(`/staff/video/?day=${day}`).expect(200);
      assert.match(list.text, new RegExp(`<tr data-request="${requestId}">`));
      assert.match(list.text, /meet\.example\.org\/pasarela-/);
      const detail = await interviewer.get(`/staff/video/requests/${requestId}`).expect(200);
      const front = /href="(\/staff\/video\/requests\/[^"]+\/copies\/[^"]+)"[^>]*>[^<]*<\/a> \(image\/png/.exec(detail.text);
      assert.ok(front, detail.text);
      const copy = await interviewer.get(front[1]!).expect(200).expect('content-type', 'image/png');
      assert.deepEqual(copy.body, PNG);
      assert.match(copy.headers['content-security-policy'] ?? '', /sandbox/);
      const audit = await b.broker.services.db.selectFrom('audit_log').select(['action', 'actor']).where('action', '=', 'video.document.read').execute();
      assert.equal(audit.length, 1);
      await newAgent(b).get(front[1]!).expect(303);
    });

    it('approves only with every check, a form token and the interviewer role', async () => {
      const missing = await decide({ ...allChecks, matchesPerson: '', decision: 'approve', ...EVA }).expect(422);
      assert.match(missing.text, /comprobaciones|every check/);
      await interviewer.post(`/staff/video/requests/${requestId}/decide`).type('form').send({ ...allChecks, decision: 'approve', ...EVA }).expect(403);
      const byOfficial = await official.post(`/staff/video/requests/${requestId}/decide`).type('form').send({ csrf: officialCsrf, ...allChecks, decision: 'approve', ...EVA }).expect(403);
      assert.match(byOfficial.text, /entrevistadora|interviewer/);
      const refuseWithoutReason = await decide({ ...allChecks, decision: 'refuse' }).expect(422);
      assert.match(refuseWithoutReason.text, /motivo|reason/i);
    });

    it('asks for more: the person uploads again and sends the new copies back', async () => {
      staleCopies = await viewedCopies(interviewer, requestId);
      const since = Date.now();
      await decide({ ...allChecks, documentGenuine: '', decision: 'more', reason: 'de foto is wazig' }).expect(200);
      const mail = await mailMatching(b, EVA.email, /nieuwe kopieën/, since);
      assert.match(mail.text, /de foto is wazig/);
      const page = await evaBrowser.get('/register/video/appointment').expect(200);
      assert.match(page.text, /de foto is wazig/);
      const csrf = csrfOf(page.text);
      await evaBrowser.post('/register/video/appointment/copies').field('csrf', csrf).attach('front', JPEG, { filename: 'front.jpg', contentType: 'image/jpeg' }).expect(200);
      await evaBrowser.post('/register/video/appointment/accept').type('form').send({ csrf }).expect(200);
      const row = await b.broker.services.db.selectFrom('video_requests').select('state').where('id', '=', requestId).executeTakeFirstOrThrow();
      assert.equal(row.state, 'accepted');
    });

    it('refuses an approval from a page that listed copies the person has replaced since, and takes no copy once accepted', async () => {
      const stale = await decide({ ...allChecks, decision: 'approve', viewedCopies: staleCopies, ...EVA }).expect(422);
      assert.match(stale.text, /cambiado las copias|changed the copies/);
      const none = await decide({ ...allChecks, decision: 'approve', ...EVA }).expect(422);
      assert.match(none.text, /cambiado las copias|changed the copies/);
      assert.equal(await b.broker.services.identity.findByDocument(EVA.documentNumber), undefined);
      const row = await b.broker.services.db.selectFrom('video_requests').select(['state', 'decided_at', 'person_id']).where('id', '=', requestId).executeTakeFirstOrThrow();
      assert.deepEqual(row, { state: 'accepted', decided_at: null, person_id: null });
      // the interviewer decides on the copies seen: once accepted, the person cannot swap them
      const shown = await viewedCopies(interviewer, requestId);
      const page = await evaBrowser.get('/register/video/appointment').expect(200);
      assert.doesNotMatch(page.text, /appointment\/copies/, 'no upload form once accepted');
      const swap = await evaBrowser.post('/register/video/appointment/copies').field('csrf', csrfOf(page.text)).attach('front', PNG, { filename: 'f.png', contentType: 'image/png' }).expect(422);
      assert.match(swap.text, /ya no se pueden cambiar|can no longer be changed/);
      assert.equal(await viewedCopies(interviewer, requestId), shown);
    });

    it('writes nothing when the approval fails halfway: no person, no account, the request still accepted, no e-mail', async () => {
      const { db } = b.broker.services;
      // a failure after the person is added: the audit entry of the approval cannot be written
      await sql`create function fail_video_approval() returns trigger language plpgsql as $$ begin if new.action = 'video.approved' then raise exception 'injected failure'; end if; return new; end $$`.execute(db);
      await sql`create trigger fail_video_approval before insert on audit_log for each row execute function fail_video_approval()`.execute(db);
      const accounts = async () => (await db.selectFrom('permanente_accounts').select('person_id').execute()).length;
      const accountsBefore = await accounts();
      const since = Date.now();
      try {
        await decide({ ...allChecks, decision: 'approve', viewedCopies: await viewedCopies(interviewer, requestId), ...EVA }).expect(500);
      } finally {
        await sql`drop trigger fail_video_approval on audit_log`.execute(db);
        await sql`drop function fail_video_approval()`.execute(db);
      }
      assert.equal(await b.broker.services.identity.findByDocument(EVA.documentNumber), undefined);
      assert.equal(await accounts(), accountsBefore);
      const row = await db.selectFrom('video_requests').select(['state', 'decided_at', 'person_id', 'activation_link_hash']).where('id', '=', requestId).executeTakeFirstOrThrow();
      assert.deepEqual(row, { state: 'accepted', decided_at: null, person_id: null, activation_link_hash: null });
      assert.deepEqual((await mailsTo(b, EVA.email, since)).filter((m) => /activatie/.test(m.subject)), []);
    });

    it('approves: the person is registered at basic with an activation code read out once and an activation link e-mailed', async () => {
      const since = Date.now();
      const res = await decide({ ...allChecks, decision: 'approve', viewedCopies: await viewedCopies(interviewer, requestId), documentNumber: EVA.documentNumber, documentDate: EVA.documentDate }).expect(200);
      const m = /([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})/.exec(res.text);
      assert.ok(m, 'the activation code is on the page');
      activationCode = m[1]!;
      const eva = (await b.broker.services.identity.findByDocument(EVA.documentNumber))!;
      assert.equal(eva.registrationLevel, 'basic');
      assert.equal(eva.email, EVA.email);
      assert.equal(eva.mobile, '+32470123456');
      activationLink = linkIn(await mailMatching(b, EVA.email, /activatie/, since), 'activate');
      const again = await interviewer.get(`/staff/video/requests/${requestId}`).expect(200);
      assert.ok(!again.text.includes(activationCode), 'the code is shown once');
      const audit = JSON.stringify(await b.broker.services.db.selectFrom('audit_log').selectAll().execute());
      assert.ok(!audit.includes(activationCode) && !audit.includes(activationCode.replace(/-/g, '')));
      assert.match(audit, /video\.approved/);
      // the appointment link is spent: the decision is taken
      await openAppointment(newAgent(b), appointmentLink, securityCode, 422);
    });
  });

  describe('step 4: activation and the level it grants', () => {
    it('refuses the activation link without the right code, and the code without the link', async () => {
      const stranger = newAgent(b);
      const csrf = csrfOf((await stranger.get(activationLink).expect(200)).text);
      await stranger.post(activationLink).type('form').send({ csrf, code: 'AAAA-BBBB-CCCC-DDDD' }).expect(422);
      await stranger.post('/register/video/activate/AAAAAAAAAAAAAAAAAAAAAA').type('form').send({ csrf, code: activationCode }).expect(422);
      await stranger.get('/register/video/activate').expect(403);
    });

    it('offers the keys with the warning on the password alone, and activates Permanente with e-mail codes', async () => {
      const csrf = csrfOf((await evaBrowser.get(activationLink).expect(200)).text);
      await evaBrowser.post(activationLink).type('form').send({ csrf, code: activationCode }).expect(303).expect('location', '/register/video/activate');
      // the mobile stated on the request is proved first: no key is offered or taken before
      const ask = await evaBrowser.get('/register/video/activate').expect(200);
      assert.doesNotMatch(ask.text, /name="key"/);
      const askCsrf = csrfOf(ask.text);
      await evaBrowser.post('/register/video/activate').type('form').send({ csrf: askCsrf, key: 'email', newPassword: PASSWORD, repeatPassword: PASSWORD }).expect(409);
      const since = Date.now();
      const codePage = await evaBrowser.post('/register/video/activate/mobile').type('form').send({ csrf: askCsrf }).expect(200);
      const code = await readCodeFromOutbox(b.varDir, 'sms', '+32470123456', since);
      assert.match(code, /^[0-9]{6}$/);
      const wrongCode = code === '000000' ? '111111' : '000000';
      for (let left = 4; left >= 1; left--) {
        const wrong = await evaBrowser.post('/register/video/activate/mobile/code').type('form').send({ csrf: csrfOf(codePage.text), code: wrongCode }).expect(422);
        assert.match(wrong.text, new RegExp(`(quedan|have) ${left} `));
      }
      await evaBrowser.post('/register/video/activate/mobile/code').type('form').send({ csrf: askCsrf, code: wrongCode }).expect(422);
      // five wrong entries voided it: the right code no longer helps, a new one is needed
      const voided = await evaBrowser.post('/register/video/activate/mobile/code').type('form').send({ csrf: askCsrf, code }).expect(422);
      assert.match(voided.text, /ya no es válido|no longer valid/);
      assert.equal((await b.broker.services.credentials.accounts.find((await b.broker.services.identity.findByDocument(EVA.documentNumber))!.id))?.state, 'pending');
      await proveMobile(b, evaBrowser, '+32470123456');
      const choose = await evaBrowser.get('/register/video/activate').expect(200);
      for (const key of ['sms', 'totp', 'email', 'password']) assert.match(choose.text, new RegExp(`name="key" value="${key}"`));
      assert.match(choose.text, /mayoría de los servicios en línea no aceptan este nivel|most online services do not accept/);
      const next = csrfOf(choose.text);
      const weak = await evaBrowser.post('/register/video/activate').type('form').send({ csrf: next, key: 'email', newPassword: 'short', repeatPassword: 'short' }).expect(422);
      assert.match(weak.text, /data-problem=/);
      const done = await evaBrowser.post('/register/video/activate').type('form').send({ csrf: next, key: 'email', newPassword: PASSWORD, repeatPassword: PASSWORD }).expect(200);
      assert.match(done.text, /id="activated"/);
      const eva = (await b.broker.services.identity.findByDocument(EVA.documentNumber))!;
      const account = (await b.broker.services.credentials.accounts.find(eva.id))!;
      assert.deepEqual([account.state, account.secondFactor, account.emailCodes], ['active', 'email', true]);
      // once: the link and the code are spent
      const again = newAgent(b);
      const c2 = csrfOf((await again.get(activationLink).expect(200)).text);
      await again.post(activationLink).type('form').send({ csrf: c2, code: activationCode }).expect(422);
    });

    it('gives basic: the next Permanente login reaches eIDAS low, and substantial is out of reach', async () => {
      const low = await permanenteLogin(EIDAS_LOW);
      assert.equal(statusOf(low).top, 'Success');
      assert.equal(assertionText(low, 'AuthnContextClassRef'), 'http://eidas.europa.eu/LoA/low');
      const refused = await permanenteLogin(EIDAS_SUBSTANTIAL, 403);
      assert.match(refused, /registro básico/);
    });

    it('becomes advanced only when an official other than the approver reviews it: then the login reaches substantial', async () => {
      const notOfficial = await interviewer.post(`/staff/video/requests/${requestId}/review`).type('form').send({ csrf: interviewerCsrf }).expect(403);
      assert.match(notOfficial.text, /responsable|official/);
      const list = await official.get('/staff/video/').expect(200);
      assert.match(list.text, new RegExp(`id="review"[^]*data-request="${requestId}"`));
      await official.post(`/staff/video/requests/${requestId}/review`).type('form').send({ csrf: officialCsrf }).expect(200);
      const eva = (await b.broker.services.identity.findByDocument(EVA.documentNumber))!;
      assert.equal(eva.registrationLevel, 'advanced');
      await official.post(`/staff/video/requests/${requestId}/review`).type('form').send({ csrf: officialCsrf }).expect(409);
      const substantial = await permanenteLogin(EIDAS_SUBSTANTIAL);
      assert.equal(statusOf(substantial).top, 'Success');
      assert.equal(assertionText(substantial, 'AuthnContextClassRef'), 'http://eidas.europa.eu/LoA/substantial');
    });
  });

  describe('other keys', () => {
    it('activates with an authenticator app: the code it shows confirms the enrolment, and the next login asks for it', async () => {
      const fields = requestFields(b, { email: 'tom@example.be', language: 'en' });
      const tom = await approvedRequest(b, interviewer, interviewerCsrf, fields, { documentNumber: '33333333P', documentDate: '2035-01-01' });
      const browser = newAgent(b);
      const csrf = csrfOf((await browser.get(tom.activationLink).expect(200)).text);
      await browser.post(tom.activationLink).type('form').send({ csrf, code: tom.activationCode }).expect(303);
      const choose = await browser.get('/register/video/activate').expect(200);
      assert.doesNotMatch(choose.text, /value="sms"/, 'no SMS key without a mobile');
      await browser.post('/register/video/activate').type('form').send({ csrf: csrfOf(choose.text), key: 'totp', newPassword: PASSWORD, repeatPassword: PASSWORD }).expect(303).expect('location', '/register/video/activate/app');
      const app = await browser.get('/register/video/activate/app').expect(200);
      const secret = /id="totp-secret">([A-Z2-7 ]+)</.exec(app.text)![1]!.replace(/ /g, '');
      const wrong = await browser.post('/register/video/activate/app').type('form').send({ csrf: csrfOf(app.text), code: otherCode(await totpCode(b, secret), 7) }).expect(422);
      assert.match(wrong.text, /not right|no es correcto/);
      alignToTotpStep(b);
      await browser.post('/register/video/activate/app').type('form').send({ csrf: csrfOf(app.text), code: await totpCode(b, secret) }).expect(200);
      const person = (await b.broker.services.identity.findByDocument('33333333P'))!;
      const account = (await b.broker.services.credentials.accounts.find(person.id))!;
      assert.equal(account.secondFactor, 'totp');
      assert.ok(account.totpSecretSealed && !account.totpSecretSealed.includes(secret), 'the secret is sealed at rest');
      await browser.get('/register/video/activate/app').expect(403);
    });

    it('stops the activation link after 5 wrong activation codes, even for the right one', async () => {
      const fields = requestFields(b, { email: 'ines@example.be' });
      const ines = await approvedRequest(b, interviewer, interviewerCsrf, fields, { documentNumber: 'Y1234567X', supportNumber: 'E87654321' });
      const browser = newAgent(b);
      const csrf = csrfOf((await browser.get(ines.activationLink).expect(200)).text);
      for (let i = 0; i < 4; i++) await browser.post(ines.activationLink).type('form').send({ csrf, code: 'AAAA-BBBB-CCCC-DDDD' }).expect(422);
      await browser.post(ines.activationLink).type('form').send({ csrf, code: 'AAAA-BBBB-CCCC-DDDD' }).expect(403);
      const locked = await browser.post(ines.activationLink).type('form').send({ csrf, code: ines.activationCode }).expect(403);
      assert.match(locked.text, /demasiadas veces|too many times/);
      await browser.get('/register/video/activate').expect(403);
    });

    it('refuses an approval for a DNI/NIE already registered, and the approval stays open', async () => {
      const fields = requestFields(b, { email: 'dup@example.be' });
      const browser = newAgent(b);
      const code = await askForAppointment(browser, fields);
      const id = await requestIdOf(b, 'dup@example.be');
      const since = Date.now();
      await interviewer.post(`/staff/video/requests/${id}/propose`).type('form').send({ csrf: interviewerCsrf, slot: officeSlot(b, 8) }).expect(200);
      await openAppointment(browser, linkIn(await mailMatching(b, 'dup@example.be', /tijdslot/, since), 'appointment'), code, 303);
      const csrf = csrfOf((await browser.get('/register/video/appointment').expect(200)).text);
      await browser.post('/register/video/appointment/copies').field('csrf', csrf).attach('front', PNG, 'f.png').attach('back', PNG, 'b.png').expect(200);
      await browser.post('/register/video/appointment/accept').type('form').send({ csrf }).expect(200);
      const res = await interviewer
        .post(`/staff/video/requests/${id}/decide`)
        .type('form')
        .send({ csrf: interviewerCsrf, ...allChecks, decision: 'approve', viewedCopies: await viewedCopies(interviewer, id), documentNumber: CARMEN.document, documentDate: CARMEN.documentDate })
        .expect(422);
      assert.match(res.text, /Ya hay una persona registrada con este DNI\/NIE/);
      const row = await b.broker.services.db.selectFrom('video_requests').select(['state', 'person_id', 'decided_by']).where('id', '=', id).executeTakeFirstOrThrow();
      assert.deepEqual(row, { state: 'accepted', person_id: null, decided_by: null });
    });

    // last: it moves the clock past the staff sessions
    it('gives the app step a visit of its own once the password is set, and an expired one says the password is kept and where to add the app', async () => {
      const ana = await approvedRequest(b, interviewer, interviewerCsrf, requestFields(b, { email: 'ana@example.be', language: 'en' }), { documentNumber: '22222222J', documentDate: '2035-01-01' });
      const browser = newAgent(b);
      const csrf = csrfOf((await browser.get(ana.activationLink).expect(200)).text);
      await browser.post(ana.activationLink).type('form').send({ csrf, code: ana.activationCode }).expect(303);
      const choose = await browser.get('/register/video/activate').expect(200);
      b.clock.advance(29 * 60_000);
      await browser.post('/register/video/activate').type('form').send({ csrf: csrfOf(choose.text), key: 'totp', newPassword: PASSWORD, repeatPassword: PASSWORD }).expect(303);
      // past the lifetime of the visit that proved the activation code
      b.clock.advance(5 * 60_000);
      const app = await browser.get('/register/video/activate/app').expect(200);
      b.clock.advance(31 * 60_000);
      const expired = await browser.get('/register/video/activate/app').expect(403);
      assert.match(expired.text, /contraseña, está guardada|password, it is saved/);
      assert.match(expired.text, /href="\/connectors\/permanente\/account"/);
      const late = await browser.post('/register/video/activate/app').type('form').send({ csrf: csrfOf(app.text), code: '123456' }).expect(403);
      assert.match(late.text, /contraseña, está guardada|password, it is saved/);
      const person = (await b.broker.services.identity.findByDocument('22222222J'))!;
      const account = (await b.broker.services.credentials.accounts.find(person.id))!;
      assert.equal(account.state, 'active');
      assert.ok(account.passwordHash, 'the password chosen is kept');
      assert.equal(account.totpSecretSealed, null, 'no app was added');
    });
  });

  /**
   * A Permanente login of Eva from sp2 asking for `loa`: the password, and the e-mailed code when
   * the reinforced mode asks for one; the page the broker answers with at the end.
   */
  async function permanenteLogin(loa: typeof EIDAS_LOW, status = 200): Promise<string> {
    const { agent, tx, csrf } = await openPermanenteLogin(b, { requestedAuthnContext: loa });
    const since = Date.now();
    let page = await submitPassword(agent, tx, csrf, EVA.documentNumber, PASSWORD);
    if (page.headers.location === `/connectors/permanente/${tx}/second-factor`) {
      const code = await readCodeFromOutbox(b.varDir, 'email', EVA.email, since);
      page = await submitCode(agent, tx, csrf, code);
    }
    while (page.status === 303) page = await agent.get(page.headers.location!);
    assert.equal(page.status, status, page.text.slice(0, 1000));
    return page.text;
  }
});
