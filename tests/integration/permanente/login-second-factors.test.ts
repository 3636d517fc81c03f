// The reinforced mode's second factors through HTTP and the real SAML flow (issue 3; seed 003):
// the authenticator app (RFC 6238, ±1 step, each code once, 5 wrong codes void the step), e-mail
// codes, SMS codes (single use, codeValiditySeconds, 5 wrong tries), the per-person send limit,
// and a service that accepts only some factors ("each service decides which keys it accepts").
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Agent } from 'supertest';
import { forEachStores, startTestBroker, SP2, type TestBroker } from '../../helpers/test-broker.js';
import { assertionText, statusOf } from '../../helpers/sp-requests.js';
import { CARMEN, readCodeFromOutbox } from '../../helpers/flow-driver.js';
import { activatePermanente, DEMO_PASSWORD, EIDAS_LOW, EIDAS_SUBSTANTIAL, openPermanenteLogin, passwordThenSmsCode, submitCode, submitPassword } from '../../helpers/permanente.js';
import { alignToTotpStep, CARMEN_EMAIL, errorText, es, FAST_ARGON2, noticeTexts, otherCode, passwordToSecondFactor, totpCode } from '../../helpers/permanente-login.js';
import { newTotpSecret } from '../../../connectors/permanente/totp.js';

const SUBSTANTIAL = 'http://eidas.europa.eu/LoA/substantial';
const LOW = 'http://eidas.europa.eu/LoA/low';
const BASE = '/connectors/permanente';

async function outboxCount(b: TestBroker, channel: 'sms' | 'email', to: string): Promise<number> {
  const text = await readFile(path.join(b.varDir, 'outbox', `${channel}.jsonl`), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .filter((l) => (JSON.parse(l) as { to: string }).to === to).length;
}

function assertSuccessAt(page: { status: number; text: string }, classRef: string): void {
  assert.equal(page.status, 200, page.text.slice(0, 1500));
  assert.equal(statusOf(page.text).top, 'Success');
  assert.equal(assertionText(page.text, 'AuthnContextClassRef'), classRef);
}

function assertNoResponse(page: { text: string }): void {
  assert.doesNotMatch(page.text, /SAMLResponse/);
}

/** The password page of this login (the person starts again), not the code form. */
function assertPasswordPage(page: { text: string }, tx: string): void {
  assert.match(page.text, new RegExp(`<form method="post" action="${BASE}/${tx}/password">`));
  assert.doesNotMatch(page.text, /name="code"/);
}

function sendFactor(agent: Agent, tx: string, csrf: string, factor: string) {
  return agent.post(`${BASE}/${tx}/second-factor/send`).type('form').send({ csrf, factor });
}

/** Carmen's account with a freshly enrolled authenticator app (its last used step cleared). */
async function enrolTotp(b: TestBroker, id: string, preferred = true): Promise<string> {
  const { accounts, secrets } = b.broker.services.credentials;
  const secret = newTotpSecret();
  await accounts.enrolTotp(id, secrets.seal(secret));
  if (preferred) assert.equal(await accounts.setSecondFactor(id, 'totp'), true);
  return secret;
}

forEachStores('Cl@ve Permanente reinforced mode: second factors', (stores) => {
  let b: TestBroker;
  let carmenId: string;

  before(async () => {
    b = await startTestBroker({ stores, overrides: { connectors: { permanente: { argon2: FAST_ARGON2, codesPerPersonPerHour: 1000, codesPerIpPerHour: 1000 } } } });
    carmenId = await activatePermanente(b, CARMEN.document);
  });
  after(async () => b.close());
  // every test starts with SMS only: no app, no e-mail codes, SMS preferred
  beforeEach(async () => {
    const { accounts } = b.broker.services.credentials;
    await activatePermanente(b, CARMEN.document);
    await accounts.removeTotp(carmenId);
    await accounts.setEmailCodes(carmenId, false);
    const a = await accounts.find(carmenId);
    assert.equal(a?.secondFactor, 'sms');
  });

  describe('authenticator app (TOTP)', () => {
    it('the app as preferred factor: no code is sent, the current code → Success at substantial; the same code in a new login is refused', async () => {
      const secret = await enrolTotp(b, carmenId);
      alignToTotpStep(b);
      const smsBefore = await outboxCount(b, 'sms', CARMEN.mobile);
      const first = await openPermanenteLogin(b, { requestedAuthnContext: EIDAS_SUBSTANTIAL });
      await passwordToSecondFactor(first.agent, first.tx, first.csrf, CARMEN.document);
      const page = await first.agent.get(`${BASE}/${first.tx}/second-factor`).expect(200);
      assert.match(page.text, new RegExp(es('permanente.code.label.totp')));
      assert.match(page.text, /name="code"/);
      assert.equal(await outboxCount(b, 'sms', CARMEN.mobile), smsBefore, 'no SMS for an app login');

      const code = await totpCode(b, secret);
      assertSuccessAt(await submitCode(first.agent, first.tx, first.csrf, code), SUBSTANTIAL);
      const entry = (await b.broker.services.audit.forSubject(carmenId, 5)).find((e) => e.action === 'permanente.login.reinforced');
      assert.equal(entry?.detail?.factor, 'totp');

      const second = await openPermanenteLogin(b, { requestedAuthnContext: EIDAS_SUBSTANTIAL });
      await passwordToSecondFactor(second.agent, second.tx, second.csrf, CARMEN.document);
      const replay = await submitCode(second.agent, second.tx, second.csrf, code);
      assert.equal(replay.status, 422);
      assert.equal(errorText(replay.text), es('permanente.code.wrong'));
      assertNoResponse(replay);
      // the next step's code is within the window and newer: it works
      assertSuccessAt(await submitCode(second.agent, second.tx, second.csrf, await totpCode(b, secret, 1)), SUBSTANTIAL);
    });

    it('±1 step: the previous step works, two steps either side do not, and no code older than or equal to the last used one works', async () => {
      const secret = await enrolTotp(b, carmenId);
      alignToTotpStep(b);
      const login = async () => {
        const l = await openPermanenteLogin(b, { requestedAuthnContext: EIDAS_SUBSTANTIAL });
        await passwordToSecondFactor(l.agent, l.tx, l.csrf, CARMEN.document);
        return l;
      };
      const refused = async (l: { agent: Agent; tx: string; csrf: string }, code: string, why: string) => {
        const r = await submitCode(l.agent, l.tx, l.csrf, code);
        assert.equal(r.status, 422, why);
        assert.equal(errorText(r.text), es('permanente.code.wrong'), why);
      };

      // nothing used yet: S±2 are outside the window, S-1 (the previous step) is accepted
      const l1 = await login();
      await refused(l1, await totpCode(b, secret, 2), 'two steps ahead is outside the window');
      await refused(l1, await totpCode(b, secret, -2), 'two steps back is outside the window');
      assertSuccessAt(await submitCode(l1.agent, l1.tx, l1.csrf, await totpCode(b, secret, -1)), SUBSTANTIAL);

      const l2 = await login();
      await refused(l2, await totpCode(b, secret, -1), 'the step just used');
      assertSuccessAt(await submitCode(l2.agent, l2.tx, l2.csrf, await totpCode(b, secret, 0)), SUBSTANTIAL);

      // now S was used: S-1 is inside the window but older, S is the same step
      const l3 = await login();
      await refused(l3, await totpCode(b, secret, -1), 'inside the window but older than the last used step');
      await refused(l3, await totpCode(b, secret, 0), 'the last used step again');
      b.clock.advance(30_000); // now S+1: S is the previous step, and still used
      await refused(l3, await totpCode(b, secret, -1), 'the previous step, already used');
      assertSuccessAt(await submitCode(l3.agent, l3.tx, l3.csrf, await totpCode(b, secret, 0)), SUBSTANTIAL);
    });

    it('5 wrong app codes void the step: back to the password page with the voided message; after the password again the app code works', async () => {
      const secret = await enrolTotp(b, carmenId);
      alignToTotpStep(b);
      const { agent, tx, csrf } = await openPermanenteLogin(b, { requestedAuthnContext: EIDAS_SUBSTANTIAL });
      await passwordToSecondFactor(agent, tx, csrf, CARMEN.document);
      const right = await totpCode(b, secret);
      for (let i = 1; i <= 4; i++) {
        const r = await submitCode(agent, tx, csrf, otherCode(right, i * 100_000));
        assert.equal(r.status, 422);
        assert.equal(errorText(r.text), es('permanente.code.wrong'), `wrong code ${i}`);
      }
      const fifth = await submitCode(agent, tx, csrf, otherCode(right, 500_000));
      assert.equal(fifth.status, 422);
      assert.equal(errorText(fifth.text), es('permanente.code.voided'));
      assertPasswordPage(fifth, tx);
      assertNoResponse(fifth);
      // the step is gone: the right code now reaches no second-factor step
      const late = await submitCode(agent, tx, csrf, right);
      assertPasswordPage(late, tx);
      assertNoResponse(late);
      // as the message says, the person enters the password again and goes on
      await passwordToSecondFactor(agent, tx, csrf, CARMEN.document);
      assertSuccessAt(await submitCode(agent, tx, csrf, right), SUBSTANTIAL);
    });
  });

  describe('e-mail codes', () => {
    it('switched on, chosen on the second-factor page: the code goes to the e-mail address → Success; the SMS code of the step no longer counts', async () => {
      await b.broker.services.credentials.accounts.setEmailCodes(carmenId, true);
      const { agent, tx, csrf } = await openPermanenteLogin(b, { requestedAuthnContext: EIDAS_SUBSTANTIAL });
      const smsCode = await passwordThenSmsCode(b, agent, tx, csrf, CARMEN.document, CARMEN.mobile);
      const page = await agent.get(`${BASE}/${tx}/second-factor`).expect(200);
      assert.match(page.text, new RegExp(es('permanente.factor.use.email')));

      const since = Date.now();
      const switched = await sendFactor(agent, tx, csrf, 'email');
      assert.equal(switched.status, 200, switched.text.slice(0, 1500));
      assert.deepEqual(noticeTexts(switched.text), [es('permanente.code.sent.email')]);
      assert.match(switched.text, new RegExp(es('permanente.code.label.email')));
      const emailCode = await readCodeFromOutbox(b.varDir, 'email', CARMEN_EMAIL, since);
      assert.match(emailCode, /^[0-9]{6}$/);

      if (smsCode !== emailCode) {
        const sms = await submitCode(agent, tx, csrf, smsCode);
        assert.equal(sms.status, 422);
        assert.equal(errorText(sms.text), es('permanente.code.wrong'));
      }
      assertSuccessAt(await submitCode(agent, tx, csrf, emailCode), SUBSTANTIAL);
      const entry = (await b.broker.services.audit.forSubject(carmenId, 5)).find((e) => e.action === 'permanente.login.reinforced');
      assert.equal(entry?.detail?.factor, 'email');
    });

    it('e-mail as the preferred factor: the first code goes by e-mail, not by SMS', async () => {
      const { accounts } = b.broker.services.credentials;
      await accounts.setEmailCodes(carmenId, true);
      assert.equal(await accounts.setSecondFactor(carmenId, 'email'), true);
      const smsBefore = await outboxCount(b, 'sms', CARMEN.mobile);
      const { agent, tx, csrf } = await openPermanenteLogin(b, { requestedAuthnContext: EIDAS_SUBSTANTIAL });
      const since = Date.now();
      await passwordToSecondFactor(agent, tx, csrf, CARMEN.document);
      const code = await readCodeFromOutbox(b.varDir, 'email', CARMEN_EMAIL, since);
      assert.equal(await outboxCount(b, 'sms', CARMEN.mobile), smsBefore);
      assertSuccessAt(await submitCode(agent, tx, csrf, code), SUBSTANTIAL);
    });

    it('not switched on: shown greyed as not enrolled, and asking for it sends nothing', async () => {
      const { agent, tx, csrf } = await openPermanenteLogin(b, { requestedAuthnContext: EIDAS_SUBSTANTIAL });
      await passwordThenSmsCode(b, agent, tx, csrf, CARMEN.document, CARMEN.mobile);
      const page = await agent.get(`${BASE}/${tx}/second-factor`).expect(200);
      assert.match(page.text, new RegExp(`<li class="method greyed" aria-disabled="true"><p>${es('permanente.factor.email')}</p><p class="reason">${es('permanente.factor.notEnrolled')}</p></li>`));
      const emailsBefore = await outboxCount(b, 'email', CARMEN_EMAIL);
      await sendFactor(agent, tx, csrf, 'email').expect(303).expect('location', `${BASE}/${tx}/second-factor`);
      assert.equal(await outboxCount(b, 'email', CARMEN_EMAIL), emailsBefore);
    });
  });

  for (const channel of ['sms', 'email'] as const) {
    describe(`${channel === 'sms' ? 'SMS' : 'e-mail'} codes: single use, validity, 5 wrong tries`, () => {
      const to = channel === 'sms' ? CARMEN.mobile : CARMEN_EMAIL;
      beforeEach(async () => {
        if (channel === 'email') {
          const { accounts } = b.broker.services.credentials;
          await accounts.setEmailCodes(carmenId, true);
          assert.equal(await accounts.setSecondFactor(carmenId, 'email'), true);
        }
      });
      /** posts the right password and reads the code sent on this channel */
      const passwordThenCode = async (agent: Agent, tx: string, csrf: string): Promise<string> => {
        const since = Date.now();
        await passwordToSecondFactor(agent, tx, csrf, CARMEN.document);
        return readCodeFromOutbox(b.varDir, channel, to, since);
      };
      const reinforcedLogin = () => openPermanenteLogin(b, { requestedAuthnContext: EIDAS_SUBSTANTIAL });

      it('single use: the right code is consumed by the login it finishes; posting it again gives no second Response', async () => {
        const { agent, tx, csrf } = await reinforcedLogin();
        const code = await passwordThenCode(agent, tx, csrf);
        const stored = `permanente-code:login:${tx}:${channel}`;
        assert.ok(await b.broker.services.ephemeral.get(stored), 'the code is held (hashed) while the step waits');
        assertSuccessAt(await submitCode(agent, tx, csrf, code), SUBSTANTIAL);
        assert.equal(await b.broker.services.ephemeral.get(stored), null, 'the code is gone once used');
        const replay = await submitCode(agent, tx, csrf, code);
        assert.notEqual(replay.status, 200);
        assertNoResponse(replay);
      });

      it("single use per login: one login's code is refused in the next login", async () => {
        const first = await reinforcedLogin();
        const code = await passwordThenCode(first.agent, first.tx, first.csrf);
        assertSuccessAt(await submitCode(first.agent, first.tx, first.csrf, code), SUBSTANTIAL);
        const second = await reinforcedLogin();
        const fresh = await passwordThenCode(second.agent, second.tx, second.csrf);
        if (fresh !== code) {
          const r = await submitCode(second.agent, second.tx, second.csrf, code);
          assert.equal(r.status, 422);
          assert.equal(errorText(r.text), es('permanente.code.wrong'));
        }
        assertSuccessAt(await submitCode(second.agent, second.tx, second.csrf, fresh), SUBSTANTIAL);
      });

      it('a code is valid for codeValiditySeconds: at 299 s it works, at 301 s it is refused', async () => {
        const early = await reinforcedLogin();
        const earlyCode = await passwordThenCode(early.agent, early.tx, early.csrf);
        b.clock.advance(299_000);
        assertSuccessAt(await submitCode(early.agent, early.tx, early.csrf, earlyCode), SUBSTANTIAL);

        const late = await reinforcedLogin();
        const lateCode = await passwordThenCode(late.agent, late.tx, late.csrf);
        b.clock.advance(301_000);
        const r = await submitCode(late.agent, late.tx, late.csrf, lateCode);
        assert.equal(r.status, 422);
        assertNoResponse(r);
        // told it expired (not "too many wrong codes"), with no code form until a new code is sent
        assert.equal(errorText(r.text), es('permanente.code.expired'));
        assert.doesNotMatch(r.text, /name="code"/);
        assert.doesNotMatch((await late.agent.get(`${BASE}/${late.tx}/second-factor`).expect(200)).text, /name="code"/);
        // the expired code stays refused, and a new one works
        b.clock.advance(-301_000);
        assertNoResponse(await submitCode(late.agent, late.tx, late.csrf, lateCode));
        b.clock.advance(301_000);
      });

      it('4 wrong codes leave the code usable; the 5th wrong one voids it, and the right code is refused after that', async () => {
        const ok = await reinforcedLogin();
        const okCode = await passwordThenCode(ok.agent, ok.tx, ok.csrf);
        for (let i = 1; i <= 4; i++) {
          const r = await submitCode(ok.agent, ok.tx, ok.csrf, otherCode(okCode, i * 100_000));
          assert.equal(r.status, 422);
          assert.equal(errorText(r.text), es('permanente.code.wrong'));
        }
        assertSuccessAt(await submitCode(ok.agent, ok.tx, ok.csrf, okCode), SUBSTANTIAL);

        const { agent, tx, csrf } = await reinforcedLogin();
        const code = await passwordThenCode(agent, tx, csrf);
        for (let i = 1; i <= 4; i++) await submitCode(agent, tx, csrf, otherCode(code, i * 100_000)).expect(422);
        const fifth = await submitCode(agent, tx, csrf, otherCode(code, 500_000));
        assert.equal(fifth.status, 422);
        assert.equal(errorText(fifth.text), es('permanente.code.voided'));
        assertPasswordPage(fifth, tx);
        const late = await submitCode(agent, tx, csrf, code);
        assertPasswordPage(late, tx);
        assertNoResponse(late);
        // the password again sends a new code, which works
        const again = await passwordThenCode(agent, tx, csrf);
        assertSuccessAt(await submitCode(agent, tx, csrf, again), SUBSTANTIAL);
      });

      it('asking for a new code replaces the old one', async () => {
        const { agent, tx, csrf } = await reinforcedLogin();
        const old = await passwordThenCode(agent, tx, csrf);
        const since = Date.now();
        const resent = await sendFactor(agent, tx, csrf, channel).expect(200);
        assert.deepEqual(noticeTexts(resent.text), [es(`permanente.code.sent.${channel}`)]);
        const fresh = await readCodeFromOutbox(b.varDir, channel, to, since);
        if (fresh !== old) await submitCode(agent, tx, csrf, old).expect(422);
        assertSuccessAt(await submitCode(agent, tx, csrf, fresh), SUBSTANTIAL);
      });
    });
  }
});

forEachStores('Cl@ve Permanente: codes sent per person per hour', (stores) => {
  let b: TestBroker;
  before(async () => {
    b = await startTestBroker({ stores, overrides: { connectors: { permanente: { argon2: FAST_ARGON2, codesPerPersonPerHour: 2 } } } });
    await activatePermanente(b, CARMEN.document);
  });
  after(async () => b.close());

  it('the third code within the hour is refused with 429 and the rate-limited message, and nothing is sent; a new login is refused too', async () => {
    const { agent, tx, csrf } = await openPermanenteLogin(b, { requestedAuthnContext: EIDAS_SUBSTANTIAL });
    await passwordThenSmsCode(b, agent, tx, csrf, CARMEN.document, CARMEN.mobile); // 1st
    const second = await sendFactor(agent, tx, csrf, 'sms'); // 2nd
    assert.equal(second.status, 200);
    assert.deepEqual(noticeTexts(second.text), [es('permanente.code.sent.sms')]);
    const sent = await outboxCount(b, 'sms', CARMEN.mobile);
    assert.equal(sent, 2);

    const third = await sendFactor(agent, tx, csrf, 'sms');
    assert.equal(third.status, 429);
    assert.equal(errorText(third.text), es('permanente.code.rate-limited'));
    assert.equal(await outboxCount(b, 'sms', CARMEN.mobile), sent, 'no third SMS');

    // the limit is the person's, not the login's
    const other = await openPermanenteLogin(b, { requestedAuthnContext: EIDAS_SUBSTANTIAL });
    const r = await submitPassword(other.agent, other.tx, other.csrf, CARMEN.document, DEMO_PASSWORD);
    assert.equal(r.status, 303);
    const page = await other.agent.get(r.headers.location!);
    assert.equal(page.status, 429);
    assert.equal(errorText(page.text), es('permanente.code.rate-limited'));
    assert.doesNotMatch(page.text, /name="code"/, 'no code form: no code was sent');
    assert.equal(await outboxCount(b, 'sms', CARMEN.mobile), sent);
  });
});

forEachStores('Cl@ve Permanente: a service that accepts only the authenticator app', (stores) => {
  let b: TestBroker;
  let carmenId: string;
  before(async () => {
    b = await startTestBroker({ stores, overrides: { connectors: { permanente: { argon2: FAST_ARGON2 } }, sps: { policies: { [SP2]: { secondFactors: ['totp'] } } } } });
    carmenId = await activatePermanente(b, CARMEN.document);
  });
  after(async () => b.close());

  it('without an app: the "unreachable.factors" page naming the accepted factor, and no SMS', async () => {
    await b.broker.services.credentials.accounts.removeTotp(carmenId);
    const smsBefore = await outboxCount(b, 'sms', CARMEN.mobile);
    const { agent, tx, csrf } = await openPermanenteLogin(b, { requestedAuthnContext: EIDAS_SUBSTANTIAL });
    const r = await submitPassword(agent, tx, csrf, CARMEN.document, DEMO_PASSWORD);
    assert.equal(r.status, 403, r.text.slice(0, 1500));
    assert.equal(errorText(r.text), es('permanente.unreachable.factors', { factors: es('permanente.factor.totp') }));
    assertNoResponse(r);
    assert.equal(await outboxCount(b, 'sms', CARMEN.mobile), smsBefore);
  });

  it('with an app (SMS still preferred): the app is asked, SMS and e-mail are greyed as not accepted and cannot be chosen; the app code → Success', async () => {
    const { accounts } = b.broker.services.credentials;
    const secret = await enrolTotp(b, carmenId, false);
    await accounts.setEmailCodes(carmenId, true);
    assert.equal((await accounts.find(carmenId))?.secondFactor, 'sms');
    alignToTotpStep(b);
    const smsBefore = await outboxCount(b, 'sms', CARMEN.mobile);
    const { agent, tx, csrf } = await openPermanenteLogin(b, { requestedAuthnContext: EIDAS_SUBSTANTIAL });
    await passwordToSecondFactor(agent, tx, csrf, CARMEN.document);
    const page = await agent.get(`${BASE}/${tx}/second-factor`).expect(200);
    assert.match(page.text, new RegExp(es('permanente.code.label.totp')));
    for (const f of ['sms', 'email']) {
      assert.match(page.text, new RegExp(`<li class="method greyed" aria-disabled="true"><p>${es(`permanente.factor.${f}`)}</p><p class="reason">${es('permanente.factor.notAccepted')}</p></li>`), f);
      assert.doesNotMatch(page.text, new RegExp(`name="factor" value="${f}"`), `${f} cannot be chosen`);
    }
    await sendFactor(agent, tx, csrf, 'sms').expect(303).expect('location', `${BASE}/${tx}/second-factor`);
    assert.equal(await outboxCount(b, 'sms', CARMEN.mobile), smsBefore, 'no SMS for this service');
    assertSuccessAt(await submitCode(agent, tx, csrf, await totpCode(b, secret)), SUBSTANTIAL);
  });

  it('the normal mode is not affected by the second-factor restriction', async () => {
    const { agent, tx, csrf } = await openPermanenteLogin(b, { requestedAuthnContext: EIDAS_LOW });
    assertSuccessAt(await submitPassword(agent, tx, csrf, CARMEN.document, DEMO_PASSWORD), LOW);
  });
});

forEachStores('Cl@ve Permanente: authenticator-app guesses per person per hour', (stores) => {
  let b: TestBroker;
  let carmenId: string;
  before(async () => {
    // codeMaxAttempts (5) × codesPerPersonPerHour (1): five app codes per person and hour, over all logins
    b = await startTestBroker({ stores, overrides: { connectors: { permanente: { argon2: FAST_ARGON2, codesPerPersonPerHour: 1 } } } });
    carmenId = await activatePermanente(b, CARMEN.document);
  });
  after(async () => b.close());

  it('new logins give no fresh guesses at one person’s app: past the hourly budget even the right code is refused', async () => {
    const secret = await enrolTotp(b, carmenId);
    alignToTotpStep(b);
    const right = await totpCode(b, secret);
    const first = await openPermanenteLogin(b, { requestedAuthnContext: EIDAS_SUBSTANTIAL });
    await passwordToSecondFactor(first.agent, first.tx, first.csrf, CARMEN.document);
    for (let i = 1; i <= 4; i++) assert.equal(errorText((await submitCode(first.agent, first.tx, first.csrf, otherCode(right, i * 100_000))).text), es('permanente.code.wrong'));
    // a second login: its own per-login budget is fresh, the person's is not
    const second = await openPermanenteLogin(b, { requestedAuthnContext: EIDAS_SUBSTANTIAL });
    await passwordToSecondFactor(second.agent, second.tx, second.csrf, CARMEN.document);
    assert.equal(errorText((await submitCode(second.agent, second.tx, second.csrf, otherCode(right, 500_000))).text), es('permanente.code.wrong'));
    const refused = await submitCode(second.agent, second.tx, second.csrf, right);
    assertNoResponse(refused);
    assert.equal(errorText(refused.text), es('permanente.code.voided'));
    // and a third login fares no better (the window is the store's hour, which tests cannot move)
    const third = await openPermanenteLogin(b, { requestedAuthnContext: EIDAS_SUBSTANTIAL });
    await passwordToSecondFactor(third.agent, third.tx, third.csrf, CARMEN.document);
    assertNoResponse(await submitCode(third.agent, third.tx, third.csrf, await totpCode(b, secret)));
  });
});
