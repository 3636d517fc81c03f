// The video identification channel's clock-driven rules (seed 002) with the test clock: the
// reminder e-mail 24 hours before the interview (once), the lapse of a request the office left
// unanswered for 3 working days (with the invitation to ask again), the copies deleted a while
// after the decision; and the misuse of links and codes: wrong security codes lock the link,
// another browser cannot ride on a visit, a cancelled request opens no more.
import assert from 'node:assert/strict';
import type { Agent } from 'supertest';
import { forEachStores, startTestBroker, type TestBroker } from '../../helpers/test-broker.js';
import { csrfOf, type PinPerson } from '../../helpers/flow-driver.js';
import { newAgent } from '../../helpers/sp-requests.js';
import { grantStaffRole, loginStaff } from '../../helpers/staff-session.js';
import { PDF, PNG, askForAppointment, linkIn, mailMatching, mailsTo, officeSlot, openAppointment, requestFields, requestIdOf, OFFICE_ZONE } from '../../helpers/video-identification.js';
import { instantOfLocal, lapseDay } from '../../../broker/identity/channels/video/office-calendar.js';
import { dayOf } from '../../../broker/mandates/dates.js';

const LUCIA: PinPerson = { document: '87654321X', documentDate: '2031-06-30', mobile: '+34600000003' };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

forEachStores('video identification: reminders, lapses, retention and misuse (seed 002)', (stores) => {
  let b: TestBroker;
  let interviewer: Agent;
  let csrf: string;

  before(async () => {
    b = await startTestBroker({ stores });
    await grantStaffRole(b, LUCIA.document, 'interviewer');
    interviewer = await loginStaff(b, LUCIA, { startPath: '/staff/video/', landing: '/staff/video/' });
    csrf = csrfOf((await interviewer.get('/staff/').expect(200)).text);
  });
  after(async () => b.close());

  /** a request of `email`, proposed at `slot` by the interviewer; its security code and appointment link */
  async function proposed(email: string, slot: string): Promise<{ id: string; code: string; link: string }> {
    const code = await askForAppointment(newAgent(b), requestFields(b, { email, slot1: officeSlot(b, 8) }));
    const id = await requestIdOf(b, email);
    const since = Date.now();
    await interviewer.post(`/staff/video/requests/${id}/propose`).type('form').send({ csrf, slot }).expect(200);
    return { id, code, link: linkIn(await mailMatching(b, email, /bevestig het tijdslot/, since), 'appointment') };
  }

  /** opens the appointment in a new browser, uploads both sides and accepts */
  async function accepted(p: { code: string; link: string }): Promise<Agent> {
    const browser = newAgent(b);
    await openAppointment(browser, p.link, p.code, 303);
    const token = csrfOf((await browser.get('/register/video/appointment').expect(200)).text);
    await browser.post('/register/video/appointment/copies').field('csrf', token).attach('front', PNG, 'front.png').attach('back', PDF, 'back.pdf').expect(200);
    await browser.post('/register/video/appointment/accept').type('form').send({ csrf: token }).expect(200);
    return browser;
  }

  it('counts working days: a request on a Friday has until Wednesday', () => {
    assert.equal(lapseDay(new Date('2026-11-27T09:00:00Z'), 3, OFFICE_ZONE), '2026-12-03');
    assert.equal(lapseDay(new Date('2026-11-23T09:00:00Z'), 3, OFFICE_ZONE), '2026-11-27');
  });

  it('reads slots as office wall-clock times across summer time, and refuses the hour that does not exist', () => {
    assert.equal(instantOfLocal('2026-07-30T10:00', OFFICE_ZONE)?.toISOString(), '2026-07-30T08:00:00.000Z');
    assert.equal(instantOfLocal('2026-11-30T10:00', OFFICE_ZONE)?.toISOString(), '2026-11-30T09:00:00.000Z');
    assert.equal(instantOfLocal('2026-03-29T02:30', OFFICE_ZONE), undefined);
    assert.equal(instantOfLocal('2026-02-30T10:00', OFFICE_ZONE), undefined);
    assert.equal(instantOfLocal('2026-11-30 10:00', OFFICE_ZONE), undefined);
  });

  it('locks the link after 5 wrong security codes, even for the right one', async () => {
    const p = await proposed('lock@example.be', officeSlot(b, 4));
    const browser = newAgent(b);
    for (let i = 0; i < 4; i++) await openAppointment(browser, p.link, 'AAAA-BBBB-CCCC-DDDD', 422);
    const fifth = await openAppointment(browser, p.link, 'AAAA-BBBB-CCCC-DDDD', 403);
    assert.match(fifth.text, /demasiadas veces|too many times/);
    await openAppointment(newAgent(b), p.link, p.code, 403);
  });

  it('keeps the opened appointment to the browser that gave the code, and a cancelled one opens no more', async () => {
    const p = await proposed('cancel@example.be', officeSlot(b, 5));
    const browser = await accepted(p);
    await newAgent(b).get('/register/video/appointment').expect(403);
    const token = csrfOf((await browser.get('/register/video/appointment').expect(200)).text);
    await browser.post('/register/video/appointment/cancel').type('form').send({ csrf: token }).expect(200);
    const row = await b.broker.services.db.selectFrom('video_requests').select(['state']).where('id', '=', p.id).executeTakeFirstOrThrow();
    assert.equal(row.state, 'cancelled');
    assert.equal((await b.broker.services.db.selectFrom('video_documents').select('id').where('request_id', '=', p.id).execute()).length, 0, 'copies deleted at once');
    await browser.get('/register/video/appointment').expect(403);
    await openAppointment(newAgent(b), p.link, p.code, 422);
    assert.ok((await mailsTo(b, 'cancel@example.be')).some((m) => /geannuleerd/.test(m.subject)));
  });

  it('sends a request asking another slot back to the office, with its working days again', async () => {
    const p = await proposed('another@example.be', officeSlot(b, 6));
    const browser = newAgent(b);
    await openAppointment(browser, p.link, p.code, 303);
    const token = csrfOf((await browser.get('/register/video/appointment').expect(200)).text);
    await browser.post('/register/video/appointment/another').type('form').send({ csrf: token }).expect(200);
    const row = await b.broker.services.db.selectFrom('video_requests').select(['state', 'slot_at', 'waiting_since']).where('id', '=', p.id).executeTakeFirstOrThrow();
    assert.equal(row.state, 'requested');
    assert.equal(row.slot_at, null);
    assert.ok(Math.abs(row.waiting_since.getTime() - b.clock.now().getTime()) < 5000);
    const list = await interviewer.get('/staff/video/').expect(200);
    assert.match(list.text, new RegExp(`<li data-request="${p.id}">`));
  });

  describe('with the test clock (all staff actions first: the clock then moves by days)', () => {
    let reminder: { id: string; code: string; link: string };
    let reminderSlot: string;
    let kept: { id: string; code: string; link: string };

    before(async () => {
      reminderSlot = officeSlot(b, 3);
      reminder = await proposed('rem@example.be', reminderSlot);
      await accepted(reminder);
      kept = await proposed('keep@example.be', officeSlot(b, 2));
      await accepted(kept);
      await interviewer
        .post(`/staff/video/requests/${kept.id}/decide`)
        .type('form')
        .send({ csrf, documentValid: 'yes', documentGenuine: '', matchesPerson: 'yes', registersConsistent: 'yes', decision: 'refuse', reason: 'documento falsificado' })
        .expect(200);
    });

    it('sends the reminder with the meeting link 24 hours before the interview, once (on PostgreSQL, once for two nodes running the job together)', async () => {
      const slotAt = instantOfLocal(reminderSlot, OFFICE_ZONE)!;
      assert.equal((await b.broker.videoJob.runNow()).reminded, 0, 'not yet: more than 24 hours to go');
      b.clock.advance(slotAt.getTime() - b.clock.now().getTime() - 23 * HOUR);
      const since = Date.now();
      if (stores === 'real') {
        const second = await startTestBroker({ nodeOf: b });
        try {
          second.clock.advance(b.clock.now().getTime() - second.clock.now().getTime());
          const both = await Promise.all([b.broker.videoJob.runNow(), second.broker.videoJob.runNow()]);
          assert.equal(both[0].reminded + both[1].reminded, 1, JSON.stringify(both));
        } finally {
          await second.close();
        }
      } else assert.equal((await b.broker.videoJob.runNow()).reminded, 1);
      assert.equal((await mailsTo(b, 'rem@example.be', since)).filter((m) => /Herinnering/.test(m.subject)).length, 1);
      const mail = await mailMatching(b, 'rem@example.be', /Herinnering/, since);
      assert.match(mail.text, new RegExp(`pasarela-${reminder.id}`));
      assert.equal((await b.broker.videoJob.runNow()).reminded, 0, 'one reminder per interview');
    });

    it('lapses a request the office did not answer within 3 working days, and invites a new request', async () => {
      const code = await askForAppointment(newAgent(b), requestFields(b, { email: 'lapse@example.be', slot1: officeSlot(b, 8) }));
      const id = await requestIdOf(b, 'lapse@example.be');
      const lapsesOn = lapseDay(b.clock.now(), 3, OFFICE_ZONE);
      // the last moment of the third working day: still waiting
      const lastDay = instantOfLocal(`${lapsesOn}T00:00`, OFFICE_ZONE)!.getTime() - 60_000;
      const state = async () => (await b.broker.services.db.selectFrom('video_requests').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;
      b.clock.advance(lastDay - b.clock.now().getTime());
      await b.broker.videoJob.runNow();
      assert.equal(await state(), 'requested');
      b.clock.advance(2 * 60_000);
      assert.equal(dayOf(b.clock.now(), OFFICE_ZONE), lapsesOn);
      const since = Date.now();
      assert.ok((await b.broker.videoJob.runNow()).lapsed >= 1);
      assert.equal(await state(), 'lapsed');
      const mail = await mailMatching(b, 'lapse@example.be', /vervallen/, since);
      assert.match(mail.text, new RegExp(`${b.url}/register/video`));
      const row = await b.broker.services.db.selectFrom('video_requests').select(['state', 'link_hash']).where('id', '=', id).executeTakeFirstOrThrow();
      assert.deepEqual(row, { state: 'lapsed', link_hash: null });
      await openAppointment(newAgent(b), '/register/video/appointment/AAAAAAAAAAAAAAAAAAAAAA', code, 422);
      assert.equal((await b.broker.videoJob.runNow()).lapsed, 0, 'once');
    });

    it('deletes the copies documentRetentionDays after the decision, and the request after its retention', async () => {
      const copies = () => b.broker.services.db.selectFrom('video_documents').select('id').where('request_id', '=', kept.id).execute();
      assert.equal((await copies()).length, 2);
      const decidedAt = (await b.broker.services.db.selectFrom('video_requests').select('decided_at').where('id', '=', kept.id).executeTakeFirstOrThrow()).decided_at!;
      b.clock.advance(decidedAt.getTime() + 29 * DAY - b.clock.now().getTime());
      await b.broker.videoJob.runNow();
      assert.equal((await copies()).length, 2, 'kept for 30 days');
      b.clock.advance(2 * DAY);
      assert.ok((await b.broker.videoJob.runNow()).copiesDeleted >= 2);
      assert.equal((await copies()).length, 0);
      b.clock.advance(90 * DAY);
      await b.broker.videoJob.runNow();
      assert.equal(await b.broker.services.db.selectFrom('video_requests').select('id').where('id', '=', kept.id).executeTakeFirst(), undefined);
    });
  });
});
