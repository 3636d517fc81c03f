// Cl@ve Permanente login through HTTP and the real SAML flow (issue 3, seed 000 §5.2 and §1.4.2):
// normal mode at rung 2 for both registration levels, reinforced mode by SMS at rung 3 for an
// advanced registration only, nothing above it; the durable lockout at exactly 5 wrong passwords;
// the forced change of an expired password; and the audit trail, free of passwords and codes.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { forEachStores, startTestBroker, SP2, type TestBroker } from '../../helpers/test-broker.js';
import { assertionText, newAgent, sendAuthnRequest, statusOf } from '../../helpers/sp-requests.js';
import { CARMEN, JAN, csrfOf, readCodeFromOutbox, txOf } from '../../helpers/flow-driver.js';
import { activatePermanente, DEMO_PASSWORD, EIDAS_LOW, EIDAS_SUBSTANTIAL, openPermanenteLogin, passwordThenSmsCode, personId, submitCode, submitPassword } from '../../helpers/permanente.js';
import { capturingLogger, containsCode, errorText, es, FAST_ARGON2, loginHistoryOf } from '../../helpers/permanente-login.js';

const LOW = 'http://eidas.europa.eu/LoA/low';
const SUBSTANTIAL = 'http://eidas.europa.eu/LoA/substantial';
const EIDAS_HIGH = { comparison: 'minimum' as const, classRefs: ['http://eidas.europa.eu/LoA/high'] };
const DAY = 86_400_000;
const BASE = '/connectors/permanente';

/** Every message the outbox holds for `to` on `channel` (the file may not exist yet). */
async function outboxTo(b: TestBroker, channel: 'sms' | 'email', to: string): Promise<{ to: string; code?: string; text: string }[]> {
  const text = await readFile(path.join(b.varDir, 'outbox', `${channel}.jsonl`), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { to: string; code?: string; text: string })
    .filter((m) => m.to === to);
}

function assertSuccessAt(page: { status: number; text: string }, classRef: string): void {
  assert.equal(page.status, 200, page.text.slice(0, 1500));
  const s = statusOf(page.text);
  assert.equal(s.top, 'Success');
  assert.ok(s.hasAssertion);
  assert.equal(assertionText(page.text, 'AuthnContextClassRef'), classRef);
}

function assertNoResponse(page: { text: string }): void {
  assert.doesNotMatch(page.text, /SAMLResponse/);
}

forEachStores('Cl@ve Permanente login (issue 3)', (stores) => {
  let b: TestBroker;
  let carmenId: string;
  let janId: string;
  const logged = capturingLogger();

  before(async () => {
    b = await startTestBroker({ stores, log: logged.log, overrides: { connectors: { permanente: { argon2: FAST_ARGON2 } } } });
    carmenId = await personId(b, CARMEN.document);
    janId = await personId(b, JAN.document);
  });
  after(async () => b.close());
  // every test starts from active accounts with the demo password, no failures, not expired
  beforeEach(async () => {
    await activatePermanente(b, CARMEN.document);
    await activatePermanente(b, JAN.document);
  });

  describe('normal mode: the password alone, rung 2', () => {
    for (const who of ['advanced', 'basic'] as const) {
      it(`${who} registration: eIDAS low and a request without RequestedAuthnContext both give Success at low, method permanente, no code sent`, async () => {
        const person = who === 'advanced' ? CARMEN : JAN;
        const id = who === 'advanced' ? carmenId : janId;
        const smsBefore = (await outboxTo(b, 'sms', person.mobile)).length;
        const historyBefore = (await loginHistoryOf(b, id)).length;
        for (const requestedAuthnContext of [EIDAS_LOW, undefined]) {
          const { agent, tx, csrf } = await openPermanenteLogin(b, requestedAuthnContext ? { requestedAuthnContext } : {});
          const done = await submitPassword(agent, tx, csrf, person.document, DEMO_PASSWORD);
          assertSuccessAt(done, LOW);
        }
        assert.equal((await outboxTo(b, 'sms', person.mobile)).length, smsBefore, 'the normal mode sends no one-time code');
        const added = (await loginHistoryOf(b, id)).slice(historyBefore);
        assert.deepEqual(
          added.map((h) => [h.method, h.loa, h.outcome, h.sp_entity_id]),
          [
            ['permanente', '2', 'success', SP2],
            ['permanente', '2', 'success', SP2],
          ],
        );
      });
    }
  });

  describe('reinforced mode: password and a one-time code, rung 3', () => {
    it('advanced registration, eIDAS substantial: SMS code → Success at substantial, method permanente-reinforced', async () => {
      const historyBefore = (await loginHistoryOf(b, carmenId)).length;
      const { agent, tx, csrf } = await openPermanenteLogin(b, { requestedAuthnContext: EIDAS_SUBSTANTIAL });
      const code = await passwordThenSmsCode(b, agent, tx, csrf, CARMEN.document, CARMEN.mobile);
      assert.match(code, /^[0-9]{6}$/);
      const page = await agent.get(`${BASE}/${tx}/second-factor`).expect(200);
      assert.match(page.text, new RegExp(es('permanente.code.label.sms')));
      const done = await submitCode(agent, tx, csrf, code);
      assertSuccessAt(done, SUBSTANTIAL);
      const added = (await loginHistoryOf(b, carmenId)).slice(historyBefore);
      assert.deepEqual(added.map((h) => [h.method, h.loa]), [['permanente-reinforced', '3']]);
    });

    it('the password alone never reaches substantial: without the code there is no Response', async () => {
      const { agent, tx, csrf } = await openPermanenteLogin(b, { requestedAuthnContext: EIDAS_SUBSTANTIAL });
      await passwordThenSmsCode(b, agent, tx, csrf, CARMEN.document, CARMEN.mobile);
      // leaving the step and coming back through the password restarts it: still a code to type
      const again = await submitPassword(agent, tx, csrf, CARMEN.document, DEMO_PASSWORD).expect(303);
      assert.equal(again.headers.location, `${BASE}/${tx}/second-factor`);
      const wrong = await submitCode(agent, tx, csrf, '').expect(422);
      assertNoResponse(wrong);
    });

    it('basic registration asking substantial: the "unreachable" page (403, basic registration), no code sent, no Response', async () => {
      const smsBefore = (await outboxTo(b, 'sms', JAN.mobile)).length;
      const emailBefore = (await outboxTo(b, 'email', 'jan@example.nl')).length;
      const { agent, tx, csrf } = await openPermanenteLogin(b, { requestedAuthnContext: EIDAS_SUBSTANTIAL });
      const page = await submitPassword(agent, tx, csrf, JAN.document, DEMO_PASSWORD);
      assert.equal(page.status, 403, page.text.slice(0, 1500));
      assert.equal(errorText(page.text), es('permanente.unreachable.basic'));
      assertNoResponse(page);
      assert.equal((await outboxTo(b, 'sms', JAN.mobile)).length, smsBefore, 'no SMS to the basic person');
      assert.equal((await outboxTo(b, 'email', 'jan@example.nl')).length, emailBefore, 'no e-mail to the basic person');
      // and no way round it: the second-factor step does not exist for this login
      const sf = await agent.get(`${BASE}/${tx}/second-factor`).expect(200);
      assert.match(sf.text, new RegExp(`action="${BASE}/${tx}/password"`), 'back to the password form');
      assert.doesNotMatch(sf.text, /name="code"/);
    });

    it('eIDAS high with only PIN and Permanente enabled: no method reaches it, the SP gets NoAuthnContext', async () => {
      const agent = newAgent(b);
      const r = await sendAuthnRequest(b, agent, { sp: SP2, requestedAuthnContext: EIDAS_HIGH }).expect(200);
      const s = statusOf(r.text);
      assert.equal(s.top, 'Responder');
      assert.equal(s.sub, 'NoAuthnContext');
      assert.equal(s.hasAssertion, false);
    });
  });

  describe('lockout: 5 consecutive wrong passwords block the password, durably', () => {
    it('exactly the 5th wrong password blocks; the 6th attempt with the right password is refused as blocked', async () => {
      const { agent, tx, csrf } = await openPermanenteLogin(b);
      const wrongMessage = es('permanente.error.wrong', { max: '5' });
      for (let i = 1; i <= 5; i++) {
        const r = await submitPassword(agent, tx, csrf, CARMEN.document, `Wrong-Password-${i}`);
        assert.equal(r.status, 422);
        assert.equal(errorText(r.text), wrongMessage, `attempt ${i}: the same message whether or not it blocks`);
        const account = await b.broker.services.credentials.accounts.find(carmenId);
        assert.equal(account?.failedAttempts, i);
        assert.equal(account?.passwordBlocked, i === 5, `blocked after attempt ${i}?`);
      }
      const sixth = await submitPassword(agent, tx, csrf, CARMEN.document, DEMO_PASSWORD);
      assert.equal(sixth.status, 403);
      assert.equal(errorText(sixth.text), es('permanente.error.blocked'));
      assertNoResponse(sixth);

      // durable: in the database (blocked_at), seen by a new login in another browser
      const row = await b.broker.services.db.selectFrom('permanente_accounts').select(['blocked_at', 'failed_attempts']).where('person_id', '=', carmenId).executeTakeFirstOrThrow();
      assert.ok(row.blocked_at instanceof Date, 'blocked_at is set');
      assert.equal((await b.broker.services.credentials.accounts.find(carmenId))?.passwordBlocked, true);
      const other = await openPermanenteLogin(b);
      const again = await submitPassword(other.agent, other.tx, other.csrf, CARMEN.document, DEMO_PASSWORD);
      assert.equal(again.status, 403);
      assert.equal(errorText(again.text), es('permanente.error.blocked'));
      // a wrong password on a blocked account tells nothing new
      const wrongOnBlocked = await submitPassword(other.agent, other.tx, other.csrf, CARMEN.document, 'Still-Wrong-1');
      assert.equal(wrongOnBlocked.status, 422);
      assert.equal(errorText(wrongOnBlocked.text), wrongMessage);
      // the reinforced mode is no way round it either
      const reinforced = await openPermanenteLogin(b, { requestedAuthnContext: EIDAS_SUBSTANTIAL });
      const refused = await submitPassword(reinforced.agent, reinforced.tx, reinforced.csrf, CARMEN.document, DEMO_PASSWORD);
      assert.equal(refused.status, 403);
      assertNoResponse(refused);
    });

    it('a right password after 4 wrong ones ends the run: 4 wrong, 1 right, 4 wrong → not blocked', async () => {
      const first = await openPermanenteLogin(b);
      for (let i = 1; i <= 4; i++) await submitPassword(first.agent, first.tx, first.csrf, CARMEN.document, `Wrong-Password-${i}`).expect(422);
      assert.equal((await b.broker.services.credentials.accounts.find(carmenId))?.failedAttempts, 4);
      assertSuccessAt(await submitPassword(first.agent, first.tx, first.csrf, CARMEN.document, DEMO_PASSWORD), LOW);
      assert.equal((await b.broker.services.credentials.accounts.find(carmenId))?.failedAttempts, 0);

      const second = await openPermanenteLogin(b);
      for (let i = 1; i <= 4; i++) await submitPassword(second.agent, second.tx, second.csrf, CARMEN.document, `Wrong-Password-${i}`).expect(422);
      const account = await b.broker.services.credentials.accounts.find(carmenId);
      assert.equal(account?.failedAttempts, 4);
      assert.equal(account?.passwordBlocked, false);
      assertSuccessAt(await submitPassword(second.agent, second.tx, second.csrf, CARMEN.document, DEMO_PASSWORD), LOW);
    });
  });

  describe('expiry: a password older than 730 days must be changed before the assertion', () => {
    const NEW_PASSWORD = 'Otra-Clave-2029!';

    it('forced change page; every broken rule shown; the previous password refused; a good one → Success; then only the new one works', async () => {
      b.clock.advance(730 * DAY + 60_000);
      const { agent, tx, csrf } = await openPermanenteLogin(b);
      const expired = await submitPassword(agent, tx, csrf, CARMEN.document, DEMO_PASSWORD);
      assert.equal(expired.status, 303, expired.text.slice(0, 1500));
      assert.equal(expired.headers.location, `${BASE}/${tx}/new-password`);
      const form = await agent.get(`${BASE}/${tx}/new-password`).expect(200);
      assert.match(form.text, /name="newPassword"/);
      assert.equal(csrfOf(form.text), csrf);

      const bad = await agent.post(`${BASE}/${tx}/new-password`).type('form').send({ csrf, newPassword: 'carmen', repeatPassword: 'carmen!' });
      assert.equal(bad.status, 422);
      assert.deepEqual(
        [...bad.text.matchAll(/data-problem="([^"]+)"/g)].map((m) => m[1]),
        ['too-short', 'needs-upper', 'needs-digit', 'needs-special', 'contains-name', 'mismatch'],
      );
      assertNoResponse(bad);

      const same = await agent.post(`${BASE}/${tx}/new-password`).type('form').send({ csrf, newPassword: DEMO_PASSWORD, repeatPassword: DEMO_PASSWORD });
      assert.equal(same.status, 422);
      assert.deepEqual([...same.text.matchAll(/data-problem="([^"]+)"/g)].map((m) => m[1]), ['same-as-previous']);

      // skipping the change is not possible: the password step starts over and lands here again
      const skip = await submitPassword(agent, tx, csrf, CARMEN.document, DEMO_PASSWORD).expect(303);
      assert.equal(skip.headers.location, `${BASE}/${tx}/new-password`);

      const done = await agent.post(`${BASE}/${tx}/new-password`).type('form').send({ csrf, newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD });
      assertSuccessAt(done, LOW);

      const old = await openPermanenteLogin(b);
      const refused = await submitPassword(old.agent, old.tx, old.csrf, CARMEN.document, DEMO_PASSWORD);
      assert.equal(refused.status, 422);
      assert.equal(errorText(refused.text), es('permanente.error.wrong', { max: '5' }));
      const fresh = await openPermanenteLogin(b);
      assertSuccessAt(await submitPassword(fresh.agent, fresh.tx, fresh.csrf, CARMEN.document, NEW_PASSWORD), LOW);
      const audit = await b.broker.services.audit.forSubject(carmenId, 20);
      assert.ok(audit.some((e) => e.action === 'permanente.password.changed' && e.detail?.reason === 'expired'));
    });

    it('an expired password in reinforced mode: the change first, then the one-time code, then Success at substantial', async () => {
      b.clock.advance(730 * DAY + 60_000);
      const { agent, tx, csrf } = await openPermanenteLogin(b, { requestedAuthnContext: EIDAS_SUBSTANTIAL });
      await submitPassword(agent, tx, csrf, CARMEN.document, DEMO_PASSWORD).expect(303).expect('location', `${BASE}/${tx}/new-password`);
      const since = Date.now();
      const changed = await agent.post(`${BASE}/${tx}/new-password`).type('form').send({ csrf, newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD });
      assert.equal(changed.status, 303, changed.text.slice(0, 1500));
      assert.equal(changed.headers.location, `${BASE}/${tx}/second-factor`);
      const code = await readCodeFromOutbox(b.varDir, 'sms', CARMEN.mobile, since);
      assertSuccessAt(await submitCode(agent, tx, csrf, code), SUBSTANTIAL);
    });

    it('a password one minute short of 730 days is not expired', async () => {
      b.clock.advance(730 * DAY - 60_000);
      const { agent, tx, csrf } = await openPermanenteLogin(b);
      assertSuccessAt(await submitPassword(agent, tx, csrf, CARMEN.document, DEMO_PASSWORD), LOW);
    });
  });

  describe('audit', () => {
    it('records failures, the block and the reinforced login with the IP; no entry and no log line holds a password or a code', async () => {
      const wrongPasswords = ['Audit-Wrong-Aa1!', 'Audit-Wrong-Bb2!', 'Audit-Wrong-Cc3!', 'Audit-Wrong-Dd4!', 'Audit-Wrong-Ee5!'];
      const codes: string[] = [];
      const t0 = b.clock.now();

      // a reinforced login with one wrong code first
      const reinforced = await openPermanenteLogin(b, { requestedAuthnContext: EIDAS_SUBSTANTIAL });
      const code = await passwordThenSmsCode(b, reinforced.agent, reinforced.tx, reinforced.csrf, CARMEN.document, CARMEN.mobile);
      codes.push(code);
      const wrongCode = String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');
      codes.push(wrongCode);
      await submitCode(reinforced.agent, reinforced.tx, reinforced.csrf, wrongCode).expect(422);
      assertSuccessAt(await submitCode(reinforced.agent, reinforced.tx, reinforced.csrf, code), SUBSTANTIAL);

      // five wrong passwords: failures, then the block
      const { agent, tx, csrf } = await openPermanenteLogin(b);
      for (const p of wrongPasswords) await submitPassword(agent, tx, csrf, CARMEN.document, p).expect(422);
      await submitPassword(agent, tx, csrf, CARMEN.document, DEMO_PASSWORD).expect(403);

      const entries = (await b.broker.services.audit.forSubject(carmenId, 100)).filter((e) => e.at >= t0);
      const actions = entries.map((e) => e.action);
      assert.ok(actions.includes('permanente.login.password-ok'), actions.join(' '));
      assert.ok(actions.includes('permanente.login.code-refused'), actions.join(' '));
      assert.ok(actions.includes('permanente.login.reinforced'), actions.join(' '));
      assert.ok(actions.includes('permanente.password.blocked'), actions.join(' '));
      assert.ok(actions.includes('permanente.login.refused-blocked'), actions.join(' '));
      assert.equal(entries.filter((e) => e.action === 'permanente.login.failed' && e.detail?.reason === 'wrong-password').length, 4, 'four failures, then the fifth blocks');
      const reinforcedEntry = entries.find((e) => e.action === 'permanente.login.reinforced')!;
      assert.equal(reinforcedEntry.actor, `person:${carmenId}`);
      assert.equal(reinforcedEntry.detail?.factor, 'sms');
      assert.equal(reinforcedEntry.detail?.sp, SP2);
      for (const e of entries) {
        assert.match(e.ip ?? '', /127\.0\.0\.1/, `${e.action} has the IP address`);
        assert.ok(e.at instanceof Date);
      }

      const audit = JSON.stringify(entries);
      const logs = logged.lines.join('');
      assert.ok(logs.length > 0, 'the broker logged something to search');
      for (const secret of [DEMO_PASSWORD, ...wrongPasswords]) {
        assert.ok(!audit.includes(secret), `audit holds a password: ${secret}`);
        assert.ok(!logs.includes(secret), `log holds a password: ${secret}`);
      }
      for (const c of codes) {
        assert.ok(!containsCode(audit, c), `audit holds a code: ${c}`);
        assert.ok(!containsCode(logs, c), `log holds a code: ${c}`);
      }
    });
  });
});

forEachStores('Cl@ve Permanente at eIDAS high (issue 3: reinforced mode stops at rung 3)', (stores) => {
  let b: TestBroker;
  before(async () => {
    // PIN made to reach rung 4 here, only so that an eIDAS high login has a selector to show
    b = await startTestBroker({ stores, overrides: { connectors: { permanente: { argon2: FAST_ARGON2 } }, loa: { methodRungs: { pin: { basic: '4', advanced: '4' } } } } });
    await activatePermanente(b, CARMEN.document);
  });
  after(async () => b.close());

  it('the selector shows Permanente greyed with the level-of-assurance reason; choosing it and its pages are refused', async () => {
    const agent = newAgent(b);
    const start = await sendAuthnRequest(b, agent, { sp: SP2, requestedAuthnContext: EIDAS_HIGH }).expect(303);
    const tx = txOf(start.headers.location!);
    const selector = await agent.get(`/login/${tx}`).expect(200);
    const card = /<li class="method greyed" data-method="permanente" data-state="greyed"[^>]*>[\s\S]*?<\/li>/.exec(selector.text)?.[0];
    assert.ok(card, 'a greyed Permanente card');
    assert.match(card, new RegExp(es('selector.reason.loa')));
    assert.match(card, /<button type="button" disabled/);
    assert.match(selector.text, /data-method="pin" data-state="offered"/, 'the stand-in method is offered');
    const csrf = csrfOf(selector.text);

    await agent.post(`/login/${tx}/choose`).type('form').send({ csrf, method: 'permanente' }).expect(303).expect('location', `/login/${tx}`);
    await agent.get(`${BASE}/${tx}`).expect(400);
    const posted = await submitPassword(agent, tx, csrf, CARMEN.document, DEMO_PASSWORD);
    assert.equal(posted.status, 400);
    assertNoResponse(posted);
    const audit = await b.broker.services.audit.forSubject(await personId(b, CARMEN.document));
    assert.equal(audit.length, 0, 'the password was not even checked');
  });
});
