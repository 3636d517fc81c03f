// The Cl@ve Permanente pages outside a login, through HTTP (seed 000 §5.3–§5.7, issue 3):
// activation with the registrar's activation code, the proof of work and an SMS code; activation
// code blocking and its renewal; forgotten password after a lockout; the management pages
// (change password, authenticator app, e-mail codes, preferred factor, cancellation), each change
// confirmed by a one-time code; CSRF and the flow's lifetime; and the audit log, which records
// every step and never a secret. Every person is registered afresh through the registrar API.
import assert from 'node:assert/strict';
import { createHash, randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import request, { type Agent, type Response } from 'supertest';
import { forEachStores, startTestBroker, type Overrides, type TestBroker } from '../../helpers/test-broker.js';
import { csrfOf, readCodeFromOutbox } from '../../helpers/flow-driver.js';
import { newAgent, statusOf } from '../../helpers/sp-requests.js';
import { EIDAS_SUBSTANTIAL, openPermanenteLogin, personId, submitCode, submitPassword } from '../../helpers/permanente.js';
import { leadingZeroBits, solveChallenge } from '../../../broker/web/anti-automation.js';
import { translate, type Language } from '../../../broker/web/i18n/catalogue.js';
import { escapeHtml } from '../../../broker/web/html.js';
import { normaliseActivationCode } from '../../../broker/identity/activation-code.js';
import { totpAt } from '../../../connectors/permanente/totp.js';
import type { AuditEntry } from '../../../broker/store/audit-log.js';

const TOKEN = 'registrar-token-for-account-tests-0123';
const ACCOUNT = '/connectors/permanente/account';
const POW_BITS = 8;
const SESSION_SECONDS = 600;
const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

function overrides(passwordHistory = 1): Overrides {
  return {
    api: { registrarToken: TOKEN },
    connectors: {
      permanente: {
        antiAutomationBits: POW_BITS,
        accountSessionSeconds: SESSION_SECONDS,
        passwordHistory,
        // one test IP drives every person of the suite: the per-IP limits would otherwise be the test
        codesPerIpPerHour: 10_000,
        passwordChecksPerIpPerHour: 10_000,
      },
    },
  };
}

interface Registered {
  readonly id: string;
  readonly document: string;
  readonly mobile: string;
  readonly email: string;
  activationCode: string;
}

/** The texts of a page's error alerts (role=alert), as they were escaped. */
function alertsOf(html: string): string[] {
  return [...html.matchAll(/<(?:p|div) class="error" role="alert"[^>]*>([\s\S]*?)<\/(?:p|div)>/g)].map((m) => m[1]!);
}

/** The violations listed under a new-password form, in order. */
function problemsOf(html: string): string[] {
  return [...html.matchAll(/<li data-problem="([^"]+)">/g)].map((m) => m[1]!);
}

/** the value of the password-management flow cookie a response sets */
function flowCookieOf(r: Response): string {
  const header = ([] as string[]).concat(r.headers['set-cookie'] ?? []).find((c) => c.startsWith('pasarela_account='));
  assert.ok(header, 'the response sets the flow cookie');
  return header.slice('pasarela_account='.length).split(';')[0]!;
}

function t(key: string, lang: Language = 'es', vars: Record<string, string> = {}): string {
  return escapeHtml(translate(lang, key, vars));
}

function powOf(html: string): { powChallenge: string; powNonce: string } {
  const id = /data-pow-challenge="([^"]+)"/.exec(html)?.[1];
  const bits = Number(/data-pow-bits="(\d+)"/.exec(html)?.[1]);
  assert.ok(id, 'the form carries a proof-of-work challenge');
  assert.equal(bits, POW_BITS);
  assert.match(html, /<input type="hidden" name="powChallenge" value="[^"]+"><input type="hidden" name="powNonce" value="">/);
  return { powChallenge: id, powNonce: solveChallenge(id, bits) };
}

/** a nonce (base-36 shaped) that does not solve the challenge */
function wrongNonce(id: string): string {
  for (let n = 0; ; n++) {
    const nonce = `w${n.toString(36)}`;
    if (leadingZeroBits(createHash('sha256').update(`${id}:${nonce}`, 'utf8').digest()) < POW_BITS) return nonce;
  }
}

/**
 * The messages on `channel` to `to` written at or after `since`, read once: a code is in the
 * outbox before the response that announces it, so an empty answer means none was sent.
 */
async function messagesTo(varDir: string, channel: 'sms' | 'email', to: string, since: number): Promise<unknown[]> {
  const text = await readFile(path.join(varDir, 'outbox', `${channel}.jsonl`), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { to: string; at: string })
    .filter((l) => l.to === to && Date.parse(l.at) >= since);
}

forEachStores('Cl@ve Permanente activation and account pages (seed 000 §5.3–§5.7)', (stores) => {
  let b: TestBroker;
  const logLines: string[] = [];
  /** every secret typed or received during the suite: none may reach the audit log or the logs */
  const secrets = new Set<string>();
  const people: Registered[] = [];

  before(async function () {
    this.timeout(60_000);
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    b = await startTestBroker({ stores, overrides: overrides(), log: pino({ level: 'debug' }, sink) });
  });
  after(async () => b.close());

  const keep = (...values: string[]) => {
    for (const v of values) secrets.add(v);
  };
  const accounts = () => b.broker.services.credentials.accounts;

  // --- the registrar -------------------------------------------------------------------------

  async function register(level: 'basic' | 'advanced' = 'advanced'): Promise<Registered> {
    const n = randomInt(10_000_000, 99_999_999);
    const document = `${n}${DNI_LETTERS[n % 23]}`;
    const mobile = `+3461${String(randomInt(10_000_000)).padStart(7, '0')}`;
    const email = `lucia.${n}@example.es`;
    const r = await request(b.server)
      .post('/api/registrar/persons')
      .set('Authorization', `Bearer ${TOKEN}`)
      .send({ documentNumber: document, documentDate: '2031-01-01', givenName: 'Lucía', firstSurname: 'Martínez', secondSurname: 'Ruiz', dateOfBirth: '1985-04-04', mobile, email, registrationLevel: level })
      .expect(201);
    const activationCode = r.body.activationCode as string;
    assert.match(activationCode, /^[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){3}$/);
    assert.equal(r.body.id, undefined);
    keep(activationCode, normaliseActivationCode(activationCode));
    const p: Registered = { id: await personId(b, document), document, mobile, email, activationCode };
    people.push(p);
    return p;
  }

  async function renewCode(p: Registered): Promise<string> {
    const r = await request(b.server).post(`/api/registrar/persons/${p.document}/activation-code`).set('Authorization', `Bearer ${TOKEN}`).expect(201);
    assert.equal(r.body.documentNumber, p.document);
    const code = r.body.activationCode as string;
    assert.notEqual(code, p.activationCode);
    keep(code, normaliseActivationCode(code));
    p.activationCode = code;
    return code;
  }

  // --- activation and forgotten password ------------------------------------------------------

  async function recoveryForm(agent: Agent, purpose: 'activate' | 'forgot'): Promise<{ csrf: string; html: string }> {
    const page = await agent.get(`${ACCOUNT}/${purpose}`).expect(200);
    return { csrf: csrfOf(page.text), html: page.text };
  }

  function postRecovery(agent: Agent, purpose: 'activate' | 'forgot', fields: Record<string, string>) {
    return agent.post(`${ACCOUNT}/${purpose}`).type('form').send(fields);
  }

  /** the first form of activation / forgot, with a solved proof of work; returns the answer */
  async function submitRecovery(agent: Agent, purpose: 'activate' | 'forgot', p: Pick<Registered, 'document' | 'email'>, activationCode: string): Promise<Response> {
    const { csrf, html } = await recoveryForm(agent, purpose);
    return postRecovery(agent, purpose, { csrf, document: p.document, email: p.email, activationCode, ...powOf(html) });
  }

  /** activation code (+ PoW) → SMS code → code page passed; returns the flow's CSRF token */
  async function reachPasswordStep(agent: Agent, purpose: 'activate' | 'forgot', p: Registered): Promise<string> {
    const since = Date.now();
    const r = await submitRecovery(agent, purpose, p, p.activationCode);
    assert.equal(r.status, 303, r.text);
    assert.equal(r.headers.location, `${ACCOUNT}/recovery/code`);
    const sms = await readCodeFromOutbox(b.varDir, 'sms', p.mobile, since);
    assert.match(sms, /^\d{6}$/);
    assert.equal((await messagesTo(b.varDir, 'sms', p.mobile, since)).length, 1, 'one SMS');
    keep(sms);
    const page = await agent.get(`${ACCOUNT}/recovery/code`).expect(200);
    const csrf = csrfOf(page.text);
    assert.ok(page.text.includes(t('permanente.code.sent.sms')));
    await agent.post(`${ACCOUNT}/recovery/code`).type('form').send({ csrf, code: sms }).expect(303).expect('location', `${ACCOUNT}/recovery/password`);
    // the confirmed code starts a new flow, with its own token
    const next = csrfOf((await agent.get(`${ACCOUNT}/recovery/password`).expect(200)).text);
    assert.notEqual(next, csrf);
    return next;
  }

  function postNewPassword(agent: Agent, csrf: string, newPassword: string, repeatPassword = newPassword, query = '') {
    if (newPassword) keep(newPassword);
    return agent.post(`${ACCOUNT}/recovery/password${query}`).type('form').send({ csrf, newPassword, repeatPassword });
  }

  async function activateThroughPages(p: Registered, password: string): Promise<void> {
    const agent = newAgent(b);
    const csrf = await reachPasswordStep(agent, 'activate', p);
    const done = await postNewPassword(agent, csrf, password).expect(200);
    assert.ok(done.text.includes(t('permanente.activate.done')), done.text);
    assert.equal((await accounts().find(p.id))!.state, 'active');
  }

  // --- SAML logins --------------------------------------------------------------------------

  async function samlLogin(p: Registered, password: string): Promise<Response> {
    keep(password);
    const { agent, tx, csrf } = await openPermanenteLogin(b);
    return submitPassword(agent, tx, csrf, p.document, password);
  }

  async function assertLoginWorks(p: Registered, password: string): Promise<void> {
    const r = await samlLogin(p, password);
    assert.equal(r.status, 200, r.text);
    const s = statusOf(r.text);
    assert.equal(s.top, 'Success');
    assert.equal(s.hasAssertion, true);
  }

  async function assertLoginRefused(p: Registered, password: string): Promise<void> {
    const r = await samlLogin(p, password);
    assert.equal(r.status, 422, r.text);
    assert.doesNotMatch(r.text, /SAMLResponse/);
    assert.ok(r.text.includes(t('permanente.error.wrong', 'es', { max: '5' })));
  }

  // --- management ---------------------------------------------------------------------------

  /** signs in on the management page; returns the agent and the flow's CSRF token */
  async function signIn(p: Registered, password: string): Promise<{ agent: Agent; csrf: string }> {
    keep(password);
    const agent = newAgent(b);
    const csrf = csrfOf((await agent.get(ACCOUNT).expect(200)).text);
    await agent.post(`${ACCOUNT}/login`).type('form').send({ csrf, document: p.document, password }).expect(303).expect('location', ACCOUNT);
    const menu = await agent.get(ACCOUNT).expect(200);
    assert.ok(menu.text.includes(`action="${ACCOUNT}/password"`), 'the menu is shown');
    // the sign-in starts a new flow, with its own token
    const signedIn = csrfOf(menu.text);
    assert.notEqual(signedIn, csrf);
    return { agent, csrf: signedIn };
  }

  /** after a change was asked for: the confirmation page, and the SMS code it sent */
  async function confirmationCode(agent: Agent, p: Registered, since: number, r: Response): Promise<string> {
    assert.equal(r.status, 303, r.text);
    assert.equal(r.headers.location, `${ACCOUNT}/confirm`);
    const page = await agent.get(`${ACCOUNT}/confirm`).expect(200);
    assert.ok(page.text.includes(t('permanente.code.sent.sms')));
    const code = await readCodeFromOutbox(b.varDir, 'sms', p.mobile, since);
    keep(code);
    return code;
  }

  /** posts a management form, confirms it with the SMS code; returns the final page */
  async function changeConfirmed(agent: Agent, csrf: string, p: Registered, path: string, fields: Record<string, string>): Promise<Response> {
    if (fields.newPassword) keep(fields.newPassword);
    const since = Date.now();
    const asked = await agent.post(`${ACCOUNT}/${path}`).type('form').send({ csrf, ...fields });
    const code = await confirmationCode(agent, p, since, asked);
    const done = await agent.post(`${ACCOUNT}/confirm`).type('form').send({ csrf, code });
    assert.equal(done.status, 200, done.text);
    return done;
  }

  // --- audit --------------------------------------------------------------------------------

  async function auditOf(p: Registered): Promise<(AuditEntry & { at: Date })[]> {
    return b.broker.services.audit.forSubject(p.id, 1000);
  }

  function assertNoSecrets(text: string, where: string): void {
    for (const s of secrets) {
      // a one-time code is six digits: as a word of its own, not inside a timestamp or a uuid
      const found = /^\d{6}$/.test(s) ? new RegExp(`(?<![0-9a-f])${s}(?![0-9a-f])`).test(text) : text.includes(s);
      assert.ok(!found, `${where} contains a secret (${s.slice(0, 2)}…)`);
    }
    assert.doesNotMatch(text, /\$argon2/, `${where} contains a password hash`);
  }

  /** the person's audit holds `actions` (each with actor, ip and time) and no secret */
  async function assertAudited(p: Registered, actions: readonly string[]): Promise<(AuditEntry & { at: Date })[]> {
    const entries = await auditOf(p);
    const seen = new Set(entries.map((e) => e.action));
    for (const a of actions) assert.ok(seen.has(a), `no audit entry ${a}; there are: ${[...seen].join(', ')}`);
    for (const e of entries) {
      assert.match(e.actor, /^(person:[0-9a-f-]{36}|registrar|anonymous)$/, e.action);
      if (e.actor.startsWith('person:')) assert.equal(e.actor, `person:${p.id}`);
      assert.equal(e.subject, p.id);
      assert.match(e.ip ?? '', /127\.0\.0\.1$/, `${e.action} records the IP address`);
      assert.ok(e.at instanceof Date && !Number.isNaN(e.at.getTime()));
    }
    assertNoSecrets(JSON.stringify(entries), `the audit log of ${p.document}`);
    return entries;
  }

  // =============================================================================================

  describe('activation (§5.3.1)', () => {
    it('registrar code + DNI + e-mail + proof of work → SMS code → a password that passes the policy → a SAML login', async () => {
      const p = await register();
      assert.equal((await accounts().find(p.id))!.state, 'pending');
      const agent = newAgent(b);
      const csrf = await reachPasswordStep(agent, 'activate', p);

      // every broken rule at once, in Spanish by default
      let r = await postNewPassword(agent, csrf, 'lucia12', 'lucia13').expect(422);
      assert.deepEqual(problemsOf(r.text), ['too-short', 'needs-upper', 'needs-special', 'contains-name', 'mismatch']);
      assert.ok(r.text.includes(t('permanente.newPassword.problems')));
      for (const key of ['too-short', 'needs-upper', 'needs-special', 'contains-name']) assert.ok(r.text.includes(t(`permanente.policy.${key}`, 'es', { min: '8', max: '128' })), key);
      assert.ok(r.text.includes(t('permanente.newPassword.mismatch')));
      assert.match(r.text, /<html lang="es">/);

      // in English with ?lang=en, and still in English from the cookie it sets
      r = await postNewPassword(agent, csrf, 'MARTINEZ-RUIZ', 'MARTINEZ-RUIZ', '?lang=en').expect(422);
      assert.deepEqual(problemsOf(r.text), ['needs-lower', 'needs-digit', 'contains-surname']);
      assert.match(r.text, /<html lang="en">/);
      for (const key of ['needs-lower', 'needs-digit', 'contains-surname']) assert.ok(r.text.includes(t(`permanente.policy.${key}`, 'en')), key);
      assert.ok(r.text.includes(t('permanente.newPassword.problems', 'en')));
      r = await postNewPassword(agent, csrf, `Clave-${p.document}`).expect(422);
      assert.deepEqual(problemsOf(r.text), ['contains-document']);
      assert.ok(r.text.includes(t('permanente.policy.contains-document', 'en')));
      // and back to Spanish
      r = await postNewPassword(agent, csrf, 'corta', 'corta', '?lang=es').expect(422);
      assert.ok(r.text.includes(t('permanente.policy.too-short', 'es', { min: '8' })));
      assert.equal((await accounts().find(p.id))!.state, 'pending', 'no refused password activates anything');

      const password = 'Zarzamora-77!';
      const done = await postNewPassword(agent, csrf, password).expect(200);
      assert.ok(done.text.includes(t('permanente.activate.done')));
      const account = (await accounts().find(p.id))!;
      assert.equal(account.state, 'active');
      assert.match(account.passwordHash ?? '', /^\$argon2id\$/);
      // the flow ended with the activation: its pages lead back to the start
      await agent.get(`${ACCOUNT}/recovery/password`).expect(303).expect('location', `${ACCOUNT}/activate`);

      await assertLoginWorks(p, password);
      await assertLoginRefused(p, 'Zarzamora-78!');
      await assertAudited(p, ['person.registered', 'permanente.activation-code.issued', 'permanente.activate.code-sent', 'permanente.activated', 'permanente.login.password-ok', 'permanente.login.failed']);
    });

    it('a one-time code that is wrong keeps the password step closed', async () => {
      const p = await register();
      const agent = newAgent(b);
      const since = Date.now();
      await submitRecovery(agent, 'activate', p, p.activationCode).then((r) => assert.equal(r.status, 303, r.text));
      const sms = await readCodeFromOutbox(b.varDir, 'sms', p.mobile, since);
      keep(sms);
      const csrf = csrfOf((await agent.get(`${ACCOUNT}/recovery/code`).expect(200)).text);
      const wrong = sms === '000000' ? '111111' : '000000';
      const r = await agent.post(`${ACCOUNT}/recovery/code`).type('form').send({ csrf, code: wrong }).expect(422);
      assert.ok(r.text.includes(t('permanente.code.wrong')));
      await agent.get(`${ACCOUNT}/recovery/password`).expect(303).expect('location', `${ACCOUNT}/activate`);
      await agent.post(`${ACCOUNT}/recovery/password`).type('form').send({ csrf, newPassword: 'Zarzamora-77!', repeatPassword: 'Zarzamora-77!' }).expect(303);
      assert.equal((await accounts().find(p.id))!.state, 'pending');
    });

    it('an active user cannot activate again', async () => {
      const p = await register();
      await activateThroughPages(p, 'Zarzamora-77!');
      const r = await submitRecovery(newAgent(b), 'activate', p, p.activationCode);
      assert.equal(r.status, 422);
      assert.ok(r.text.includes(t('permanente.recovery.alreadyActive')));
    });
  });

  describe('proof of work (§5.7.9)', () => {
    it('a missing or wrong nonce, or no challenge at all, is refused with the anti-automation message; nothing is sent', async () => {
      const p = await register();
      const agent = newAgent(b);
      const message = t('permanente.antiAutomation.failed');
      const cases: Record<string, (c: { powChallenge: string; powNonce: string }) => Record<string, string>> = {
        'no nonce': (c) => ({ powChallenge: c.powChallenge, powNonce: '' }),
        'wrong nonce': (c) => ({ powChallenge: c.powChallenge, powNonce: wrongNonce(c.powChallenge) }),
        'no challenge': (c) => ({ powNonce: c.powNonce }),
        'unknown challenge': (c) => ({ powChallenge: `${c.powChallenge.slice(0, -1)}${c.powChallenge.endsWith('A') ? 'B' : 'A'}`, powNonce: c.powNonce }),
      };
      const since = Date.now();
      for (const [name, pow] of Object.entries(cases)) {
        const { csrf, html } = await recoveryForm(agent, 'activate');
        const r = await postRecovery(agent, 'activate', { csrf, document: p.document, email: p.email, activationCode: p.activationCode, ...pow(powOf(html)) });
        assert.equal(r.status, 422, name);
        assert.deepEqual(alertsOf(r.text), [message], name);
        // the refused page offers a new challenge
        powOf(r.text);
      }
      // the right data never got past the check: no SMS, no counting, still pending
      assert.deepEqual(await messagesTo(b.varDir, 'sms', p.mobile, since), []);
      const account = (await accounts().find(p.id))!;
      assert.equal(account.state, 'pending');
      assert.equal(account.activationBlocked, false);
    });

    it('a solved challenge works once: the same challenge and nonce are refused the second time', async () => {
      const p = await register();
      const agent = newAgent(b);
      const { csrf, html } = await recoveryForm(agent, 'activate');
      const pow = powOf(html);
      const fields = { csrf, document: p.document, email: p.email, activationCode: p.activationCode, ...pow };
      await postRecovery(agent, 'activate', fields).expect(303).expect('location', `${ACCOUNT}/recovery/code`);
      const again = await postRecovery(agent, 'activate', fields).expect(422);
      assert.deepEqual(alertsOf(again.text), [t('permanente.antiAutomation.failed')]);
      // …from another browser too: the challenge is spent, whoever brings it
      const other = newAgent(b);
      const otherCsrf = (await recoveryForm(other, 'activate')).csrf;
      const r = await postRecovery(other, 'activate', { ...fields, csrf: otherCsrf }).expect(422);
      assert.deepEqual(alertsOf(r.text), [t('permanente.antiAutomation.failed')]);
    });

    it('a challenge spent on a refused attempt cannot be replayed with other data', async () => {
      const p = await register();
      const agent = newAgent(b);
      const { csrf, html } = await recoveryForm(agent, 'activate');
      const pow = powOf(html);
      const refused = await postRecovery(agent, 'activate', { csrf, document: p.document, email: 'someone@example.es', activationCode: p.activationCode, ...pow }).expect(422);
      assert.deepEqual(alertsOf(refused.text), [t('permanente.recovery.mismatch')]);
      const replay = await postRecovery(agent, 'activate', { csrf, document: p.document, email: p.email, activationCode: p.activationCode, ...pow }).expect(422);
      assert.deepEqual(alertsOf(replay.text), [t('permanente.antiAutomation.failed')]);
    });
  });

  describe('wrong activation codes (§5.3.1)', () => {
    it('5 wrong codes get the generic message, the 6th blocks, then even the right code is refused until the registrar renews it; wrong e-mail or unknown DNI do not count', async () => {
      const p = await register();
      const agent = newAgent(b);
      const mismatch = [t('permanente.recovery.mismatch')];
      const blocked = [t('permanente.recovery.blocked', 'es', { max: '5' })];
      const wrongCode = 'ABCD-EFGH-JKMN-PQRS';
      assert.notEqual(normaliseActivationCode(wrongCode), normaliseActivationCode(p.activationCode));

      // wrong e-mail (with the right code) and an unknown DNI: the same message, not counted
      for (let i = 0; i < 3; i++) {
        const r = await submitRecovery(agent, 'activate', { document: p.document, email: `other${i}@example.es` }, p.activationCode);
        assert.equal(r.status, 422);
        assert.deepEqual(alertsOf(r.text), mismatch);
      }
      const unknownDni = await submitRecovery(agent, 'activate', { document: '00000001R', email: p.email }, p.activationCode);
      assert.equal(unknownDni.status, 422);
      assert.deepEqual(alertsOf(unknownDni.text), mismatch);
      const invalidDni = await submitRecovery(agent, 'activate', { document: 'nonsense', email: p.email }, p.activationCode);
      assert.deepEqual(alertsOf(invalidDni.text), mismatch);
      const strip = (html: string) => html.replace(/[A-Za-z0-9_-]{22,}/g, 'X').replace(/value="[^"]*"/g, '');
      const wrong1 = await submitRecovery(agent, 'activate', p, wrongCode);
      assert.equal(strip(wrong1.text), strip(unknownDni.text), 'a wrong code and an unknown DNI look alike');

      for (let i = 2; i <= 5; i++) {
        const r = await submitRecovery(agent, 'activate', p, wrongCode);
        assert.equal(r.status, 422, `wrong code ${i}`);
        assert.deepEqual(alertsOf(r.text), mismatch, `wrong code ${i}`);
      }
      assert.equal((await accounts().find(p.id))!.activationBlocked, false, 'wrong e-mails and unknown DNIs did not count');

      const sixth = await submitRecovery(agent, 'activate', p, wrongCode);
      assert.equal(sixth.status, 403);
      assert.deepEqual(alertsOf(sixth.text), blocked);
      assert.equal((await accounts().find(p.id))!.activationBlocked, true);

      const since = Date.now();
      const right = await submitRecovery(agent, 'activate', p, p.activationCode);
      assert.equal(right.status, 403);
      assert.deepEqual(alertsOf(right.text), blocked);
      // the blocking shows only to someone who typed the DNI and the e-mail
      const wrongEmail = await submitRecovery(agent, 'activate', { document: p.document, email: 'other@example.es' }, p.activationCode);
      assert.deepEqual(alertsOf(wrongEmail.text), mismatch);
      assert.deepEqual(await messagesTo(b.varDir, 'sms', p.mobile, since), []);

      const oldCode = p.activationCode;
      await renewCode(p);
      assert.equal((await accounts().find(p.id))!.activationBlocked, false);
      const old = await submitRecovery(agent, 'activate', p, oldCode);
      assert.deepEqual(alertsOf(old.text), mismatch, 'the replaced code is just wrong');
      await activateThroughPages(p, 'Zarzamora-77!');
      await assertLoginWorks(p, 'Zarzamora-77!');
      const entries = await assertAudited(p, ['permanente.activate.refused', 'permanente.activation-code.blocked', 'permanente.activation-code.issued', 'permanente.activated']);
      assert.equal(entries.filter((e) => e.action === 'permanente.activation-code.issued').length, 2);
      assert.ok(entries.filter((e) => e.action === 'permanente.activate.refused').length >= 3 + 4);
    });
  });

  describe('forgotten password (§5.4.2)', () => {
    it('after 5 wrong logins block the password: DNI + activation code + proof of work → SMS code → new password; the old one is gone', async () => {
      const p = await register();
      const oldPassword = 'Zarzamora-77!';
      await activateThroughPages(p, oldPassword);

      const { agent, tx, csrf } = await openPermanenteLogin(b);
      for (let i = 1; i <= 5; i++) {
        keep(`Zarzamora-0${i}!`);
        const r = await submitPassword(agent, tx, csrf, p.document, `Zarzamora-0${i}!`);
        assert.equal(r.status, 422, `attempt ${i}`);
      }
      assert.equal((await accounts().find(p.id))!.passwordBlocked, true);
      const refused = await submitPassword(agent, tx, csrf, p.document, oldPassword);
      assert.equal(refused.status, 403);
      assert.ok(refused.text.includes(t('permanente.error.blocked')));
      assert.doesNotMatch(refused.text, /SAMLResponse/);

      // forgot with a wrong code: the generic message
      const wrong = await submitRecovery(newAgent(b), 'forgot', p, 'ABCD-EFGH-JKMN-PQRS');
      assert.deepEqual(alertsOf(wrong.text), [t('permanente.recovery.mismatch')]);

      const recovery = newAgent(b);
      const rcsrf = await reachPasswordStep(recovery, 'forgot', p);
      // the new password must differ from the blocked one
      const same = await postNewPassword(recovery, rcsrf, oldPassword).expect(422);
      assert.deepEqual(problemsOf(same.text), ['same-as-previous']);
      const newPassword = 'Frambuesa-88?';
      const done = await postNewPassword(recovery, rcsrf, newPassword).expect(200);
      assert.ok(done.text.includes(t('permanente.forgot.done')));

      const account = (await accounts().find(p.id))!;
      assert.equal(account.passwordBlocked, false);
      assert.equal(account.failedAttempts, 0);
      await assertLoginWorks(p, newPassword);
      await assertLoginRefused(p, oldPassword);
      await assertAudited(p, ['permanente.login.failed', 'permanente.password.blocked', 'permanente.login.refused-blocked', 'permanente.forgot.refused', 'permanente.forgot.code-sent', 'permanente.password.reset', 'permanente.login.password-ok']);
    });

    it('a pending (never activated) user cannot use forgot', async () => {
      const p = await register();
      const r = await submitRecovery(newAgent(b), 'forgot', p, p.activationCode);
      assert.equal(r.status, 422);
      assert.deepEqual(alertsOf(r.text), [t('permanente.recovery.notActive')]);
    });

    it('asks for the e-mail too: wrong codes with a wrong e-mail neither pass nor count toward the block', async () => {
      const p = await register();
      await activateThroughPages(p, 'Zarzamora-77!');
      for (let i = 0; i < 8; i++) {
        const r = await submitRecovery(newAgent(b), 'forgot', { document: p.document, email: 'someone.else@example.es' }, 'ABCD-EFGH-JKMN-PQRS');
        assert.deepEqual(alertsOf(r.text), [t('permanente.recovery.mismatch')]);
      }
      const right = await submitRecovery(newAgent(b), 'forgot', { document: p.document, email: 'someone.else@example.es' }, p.activationCode);
      assert.deepEqual(alertsOf(right.text), [t('permanente.recovery.mismatch')], 'the right code with a wrong e-mail does not pass');
      assert.equal((await b.broker.services.credentials.accounts.find(p.id))?.activationBlocked, false);
      await reachPasswordStep(newAgent(b), 'forgot', p);
    });
  });

  describe('registration without a mobile or an e-mail', () => {
    it('gets no activation code (activation needs both), and the registrar cannot renew one', async () => {
      const n = randomInt(10_000_000, 99_999_999);
      const document = `${n}${DNI_LETTERS[n % 23]}`;
      const r = await request(b.server)
        .post('/api/registrar/persons')
        .set('Authorization', `Bearer ${TOKEN}`)
        .send({ documentNumber: document, documentDate: '2031-01-01', givenName: 'Pilar', firstSurname: 'Sanz', mobile: `+3462${String(randomInt(10_000_000)).padStart(7, '0')}`, registrationLevel: 'basic' })
        .expect(201);
      assert.equal(r.body.activationCode, undefined);
      assert.equal(await b.broker.services.credentials.accounts.find(await personId(b, document)), undefined);
      const renew = await request(b.server).post(`/api/registrar/persons/${document}/activation-code`).set('Authorization', `Bearer ${TOKEN}`).expect(400);
      assert.match(renew.body.message, /mobile number and an e-mail address/);
    });
  });

  describe('management (§5.4.1, §5.7.5, §5.7.8)', () => {
    it('changes the password only with a policy-compliant password and the right one-time code; the previous one is refused', async () => {
      const p = await register();
      const first = 'Zarzamora-77!';
      await activateThroughPages(p, first);
      const { agent, csrf } = await signIn(p, first);
      const hashBefore = (await accounts().find(p.id))!.passwordHash;

      // a policy-breaking password: every rule listed, nothing asked for
      const bad = await agent.post(`${ACCOUNT}/password`).type('form').send({ csrf, newPassword: 'lucia', repeatPassword: 'lucia' }).expect(422);
      assert.deepEqual(problemsOf(bad.text), ['too-short', 'needs-upper', 'needs-digit', 'needs-special', 'contains-name']);
      await agent.get(`${ACCOUNT}/confirm`).expect(303).expect('location', ACCOUNT);
      // the current password is "the previous one" of the new
      const same = await agent.post(`${ACCOUNT}/password`).type('form').send({ csrf, newPassword: first, repeatPassword: first }).expect(422);
      assert.deepEqual(problemsOf(same.text), ['same-as-previous']);
      assert.ok(same.text.includes(t('permanente.policy.same-as-previous')));
      // every problem at once: a mistyped repetition does not hide the history rule
      const both = await agent.post(`${ACCOUNT}/password`).type('form').send({ csrf, newPassword: first, repeatPassword: `${first}x` }).expect(422);
      assert.deepEqual(problemsOf(both.text), ['mismatch', 'same-as-previous']);

      const second = 'Frambuesa-88?';
      keep(second);
      const since = Date.now();
      const asked = await agent.post(`${ACCOUNT}/password`).type('form').send({ csrf, newPassword: second, repeatPassword: second });
      const code = await confirmationCode(agent, p, since, asked);
      assert.ok((await agent.get(`${ACCOUNT}/confirm`)).text.includes(t('permanente.confirm.change-password')));

      const wrong = await agent.post(`${ACCOUNT}/confirm`).type('form').send({ csrf, code: code === '000000' ? '111111' : '000000' }).expect(422);
      assert.ok(wrong.text.includes(t('permanente.code.wrong')));
      assert.equal((await accounts().find(p.id))!.passwordHash, hashBefore, 'a wrong code changes nothing');
      await assertLoginWorks(p, first);

      const done = await agent.post(`${ACCOUNT}/confirm`).type('form').send({ csrf, code }).expect(200);
      assert.ok(done.text.includes(t('permanente.done.change-password')));
      assert.notEqual((await accounts().find(p.id))!.passwordHash, hashBefore);
      // the code was single use
      const replay = await agent.post(`${ACCOUNT}/confirm`).type('form').send({ csrf, code }).expect(303);
      assert.equal(replay.headers.location, ACCOUNT);

      await assertLoginWorks(p, second);
      await assertLoginRefused(p, first);
      // and the management sign-in follows the new password too
      await signIn(p, second);
      const oldSignIn = newAgent(b);
      const c2 = csrfOf((await oldSignIn.get(ACCOUNT).expect(200)).text);
      const r = await oldSignIn.post(`${ACCOUNT}/login`).type('form').send({ csrf: c2, document: p.document, password: first }).expect(422);
      assert.ok(r.text.includes(t('permanente.error.wrong', 'es', { max: '5' })));

      // changing back to the password just replaced: the same-as-previous rule
      const back = await agent.post(`${ACCOUNT}/password`).type('form').send({ csrf, newPassword: second, repeatPassword: second }).expect(422);
      assert.deepEqual(problemsOf(back.text), ['same-as-previous']);
      await assertAudited(p, ['permanente.account.signed-in', 'permanente.password.changed']);
      const changed = (await auditOf(p)).find((e) => e.action === 'permanente.password.changed')!;
      assert.deepEqual(changed.detail, { reason: 'person' });
    });

    it('a wrong password on the management sign-in counts toward the lockout like a login', async () => {
      const p = await register();
      await activateThroughPages(p, 'Zarzamora-77!');
      const agent = newAgent(b);
      const csrf = csrfOf((await agent.get(ACCOUNT).expect(200)).text);
      keep('Nope-Nope-1!');
      for (let i = 0; i < 5; i++) await agent.post(`${ACCOUNT}/login`).type('form').send({ csrf, document: p.document, password: 'Nope-Nope-1!' }).expect(422);
      const r = await agent.post(`${ACCOUNT}/login`).type('form').send({ csrf, document: p.document, password: 'Zarzamora-77!' }).expect(403);
      assert.ok(r.text.includes(t('permanente.error.blocked')));
      assert.equal((await accounts().find(p.id))!.passwordBlocked, true);
    });
  });

  describe('authenticator app (seed 003)', () => {
    it('enrols with the QR/secret page, an app code and an SMS confirmation; then a reinforced login by app; removal through the page', async () => {
      const p = await register('advanced');
      const password = 'Zarzamora-77!';
      await activateThroughPages(p, password);
      const { agent, csrf } = await signIn(p, password);

      const page = await agent.get(`${ACCOUNT}/totp`).expect(200);
      assert.match(page.text, /<figure class="qr"><svg[^>]*viewBox="[^"]+"[\s\S]*?<\/svg>/);
      assert.doesNotMatch(page.text, /<img[^>]+qr/i);
      const shown = /<code id="totp-secret">([^<]+)<\/code>/.exec(page.text)?.[1];
      assert.ok(shown, 'the secret is shown for manual entry');
      const secret = shown.replace(/\s+/g, '');
      assert.match(secret, /^[A-Z2-7]{32}$/);
      keep(secret);
      // the same draft on a reload
      assert.ok((await agent.get(`${ACCOUNT}/totp`).expect(200)).text.includes(shown));

      const appCode = await totpAt(secret, b.clock.now());
      const wrongApp = appCode === '000000' ? '111111' : '000000';
      const refused = await agent.post(`${ACCOUNT}/totp`).type('form').send({ csrf, code: wrongApp }).expect(422);
      assert.ok(refused.text.includes(t('permanente.code.wrong')));
      assert.equal((await accounts().find(p.id))!.totpSecretSealed, null);

      keep(appCode);
      const since = Date.now();
      const asked = await agent.post(`${ACCOUNT}/totp`).type('form').send({ csrf, code: appCode });
      const sms = await confirmationCode(agent, p, since, asked);
      assert.equal((await accounts().find(p.id))!.totpSecretSealed, null, 'not enrolled before the SMS confirmation');
      const done = await agent.post(`${ACCOUNT}/confirm`).type('form').send({ csrf, code: sms }).expect(200);
      assert.ok(done.text.includes(t('permanente.done.enrol-totp')));
      const enrolled = (await accounts().find(p.id))!;
      assert.ok(enrolled.totpSecretSealed);
      assert.ok(!enrolled.totpSecretSealed.includes(secret), 'sealed at rest');
      assert.equal(b.broker.services.credentials.secrets.open(enrolled.totpSecretSealed), secret);
      assert.equal(enrolled.totpLastStep, Math.floor(b.clock.now().getTime() / 30_000), 'the enrolment code is spent');
      assert.match(done.text, /<select id="factor" name="factor">[\s\S]*value="totp"/);

      // the preferred factor through the page, confirmed by SMS
      const chosen = await changeConfirmed(agent, csrf, p, 'second-factor', { factor: 'totp' });
      assert.ok(chosen.text.includes(t('permanente.done.second-factor')));
      assert.equal((await accounts().find(p.id))!.secondFactor, 'totp');

      // a reinforced login (eIDAS substantial) asks for the app's code, not an SMS
      b.clock.advance(30_000);
      const login = await openPermanenteLogin(b, { requestedAuthnContext: EIDAS_SUBSTANTIAL });
      const smsBefore = Date.now();
      await submitPassword(login.agent, login.tx, login.csrf, p.document, password).expect(303).expect('location', `/connectors/permanente/${login.tx}/second-factor`);
      const factorPage = await login.agent.get(`/connectors/permanente/${login.tx}/second-factor`).expect(200);
      assert.ok(factorPage.text.includes(t('permanente.code.label.totp')));
      assert.deepEqual(await messagesTo(b.varDir, 'sms', p.mobile, smsBefore), []);
      const loginCode = await totpAt(secret, b.clock.now());
      keep(loginCode);
      const ok = await submitCode(login.agent, login.tx, login.csrf, loginCode);
      assert.equal(ok.status, 200, ok.text);
      const status = statusOf(ok.text);
      assert.equal(status.top, 'Success');
      assert.equal(status.hasAssertion, true);
      // that code is spent: a second login in the same step is refused
      const again = await openPermanenteLogin(b, { requestedAuthnContext: EIDAS_SUBSTANTIAL });
      await submitPassword(again.agent, again.tx, again.csrf, p.document, password).expect(303);
      const reused = await submitCode(again.agent, again.tx, again.csrf, loginCode);
      assert.equal(reused.status, 422);
      assert.doesNotMatch(reused.text, /SAMLResponse/);

      // removal through the page, confirmed by SMS: back to SMS
      const removed = await changeConfirmed(agent, csrf, p, 'totp/remove', {});
      assert.ok(removed.text.includes(t('permanente.done.remove-totp')));
      const after = (await accounts().find(p.id))!;
      assert.equal(after.totpSecretSealed, null);
      assert.equal(after.secondFactor, 'sms');
      await assertAudited(p, ['permanente.totp.enrolled', 'permanente.second-factor.chosen', 'permanente.login.reinforced', 'permanente.login.code-refused', 'permanente.totp.removed']);
      const reinforced = (await auditOf(p)).find((e) => e.action === 'permanente.login.reinforced')!;
      assert.equal(reinforced.detail?.factor, 'totp');
    });
  });

  describe('e-mail codes and the preferred factor (seed 003)', () => {
    it('switches e-mail codes on, prefers them, logs in with an e-mail code, switches them off — each confirmed by code', async () => {
      const p = await register('advanced');
      const password = 'Zarzamora-77!';
      await activateThroughPages(p, password);
      const { agent, csrf } = await signIn(p, password);

      // not enrolled: refused, and nothing waits for a code
      const notYet = await agent.post(`${ACCOUNT}/second-factor`).type('form').send({ csrf, factor: 'email' }).expect(422);
      assert.ok(notYet.text.includes(t('permanente.done.factor-unavailable')));
      await agent.get(`${ACCOUNT}/confirm`).expect(303).expect('location', ACCOUNT);

      const on = await changeConfirmed(agent, csrf, p, 'email-codes', { enabled: '1' });
      assert.ok(on.text.includes(t('permanente.done.email-on')));
      assert.equal((await accounts().find(p.id))!.emailCodes, true);
      const preferred = await changeConfirmed(agent, csrf, p, 'second-factor', { factor: 'email' });
      assert.ok(preferred.text.includes(t('permanente.done.second-factor')));
      assert.equal((await accounts().find(p.id))!.secondFactor, 'email');

      const login = await openPermanenteLogin(b, { requestedAuthnContext: EIDAS_SUBSTANTIAL });
      const since = Date.now();
      await submitPassword(login.agent, login.tx, login.csrf, p.document, password).expect(303);
      const mailed = await readCodeFromOutbox(b.varDir, 'email', p.email, since);
      keep(mailed);
      const ok = await submitCode(login.agent, login.tx, login.csrf, mailed);
      assert.equal(ok.status, 200, ok.text);
      assert.equal(statusOf(ok.text).top, 'Success');

      const back = await changeConfirmed(agent, csrf, p, 'second-factor', { factor: 'sms' });
      assert.ok(back.text.includes(t('permanente.done.second-factor')));
      assert.equal((await accounts().find(p.id))!.secondFactor, 'sms');
      await changeConfirmed(agent, csrf, p, 'second-factor', { factor: 'email' });
      const off = await changeConfirmed(agent, csrf, p, 'email-codes', { enabled: '0' });
      assert.ok(off.text.includes(t('permanente.done.email-off')));
      const account = (await accounts().find(p.id))!;
      assert.equal(account.emailCodes, false);
      assert.equal(account.secondFactor, 'sms', 'switching e-mail off falls back to SMS');

      const entries = await assertAudited(p, ['permanente.email-codes', 'permanente.second-factor.chosen', 'permanente.login.reinforced']);
      assert.deepEqual(entries.filter((e) => e.action === 'permanente.email-codes').map((e) => e.detail?.enabled).reverse(), [true, false]);
      assert.deepEqual(entries.filter((e) => e.action === 'permanente.second-factor.chosen').map((e) => e.detail?.factor).reverse(), ['email', 'sms', 'email']);
    });

    it('an abandoned change does not happen', async () => {
      const p = await register('advanced');
      await activateThroughPages(p, 'Zarzamora-77!');
      const { agent, csrf } = await signIn(p, 'Zarzamora-77!');
      const since = Date.now();
      const asked = await agent.post(`${ACCOUNT}/email-codes`).type('form').send({ csrf, enabled: '1' });
      const code = await confirmationCode(agent, p, since, asked);
      await agent.post(`${ACCOUNT}/confirm/abandon`).type('form').send({ csrf }).expect(303).expect('location', ACCOUNT);
      await agent.post(`${ACCOUNT}/confirm`).type('form').send({ csrf, code }).expect(303).expect('location', ACCOUNT);
      assert.equal((await accounts().find(p.id))!.emailCodes, false);
    });
  });

  describe('cancellation (§5.4.4)', () => {
    it('needs the checkbox and the code; then nothing works until the registrar renews the code and the person activates again', async () => {
      const p = await register();
      const password = 'Zarzamora-77!';
      await activateThroughPages(p, password);
      const { agent, csrf } = await signIn(p, password);

      const unticked = await agent.post(`${ACCOUNT}/cancel`).type('form').send({ csrf }).expect(422);
      assert.ok(unticked.text.includes(t('permanente.account.cancel.tick')));
      await agent.get(`${ACCOUNT}/confirm`).expect(303).expect('location', ACCOUNT);

      const since = Date.now();
      const asked = await agent.post(`${ACCOUNT}/cancel`).type('form').send({ csrf, understood: '1' });
      const code = await confirmationCode(agent, p, since, asked);
      assert.ok((await agent.get(`${ACCOUNT}/confirm`)).text.includes(t('permanente.confirm.cancel')));
      await agent.post(`${ACCOUNT}/confirm`).type('form').send({ csrf, code: code === '000000' ? '111111' : '000000' }).expect(422);
      assert.equal((await accounts().find(p.id))!.state, 'active', 'not without the right code');
      const done = await agent.post(`${ACCOUNT}/confirm`).type('form').send({ csrf, code }).expect(200);
      assert.ok(done.text.includes(t('permanente.done.cancel')));

      const account = (await accounts().find(p.id))!;
      assert.equal(account.state, 'cancelled');
      assert.equal(account.passwordHash, null);
      assert.equal(account.activationCodeHash, null);
      // the management flow ended with it
      const menu = await agent.get(ACCOUNT).expect(200);
      assert.doesNotMatch(menu.text, new RegExp(`action="${ACCOUNT}/password"`));

      await assertLoginRefused(p, password);
      const other = newAgent(b);
      const c2 = csrfOf((await other.get(ACCOUNT).expect(200)).text);
      const signInRefused = await other.post(`${ACCOUNT}/login`).type('form').send({ csrf: c2, document: p.document, password }).expect(422);
      assert.ok(signInRefused.text.includes(t('permanente.error.wrong', 'es', { max: '5' })));
      // neither activation nor forgot work with the old code
      for (const purpose of ['activate', 'forgot'] as const) {
        const r = await submitRecovery(newAgent(b), purpose, p, p.activationCode);
        assert.deepEqual(alertsOf(r.text), [t('permanente.recovery.mismatch')], purpose);
      }

      await renewCode(p);
      assert.equal((await accounts().find(p.id))!.state, 'pending');
      const again = 'Frambuesa-88?';
      await activateThroughPages(p, again);
      await assertLoginWorks(p, again);
      await assertAudited(p, ['permanente.cancelled', 'permanente.activation-code.issued', 'permanente.activated']);
    });
    it('a forgotten-password flow started before the cancellation cannot reactivate the account', async () => {
      const p = await register();
      const password = 'Zarzamora-77!';
      await activateThroughPages(p, password);
      const recovery = newAgent(b);
      const rcsrf = await reachPasswordStep(recovery, 'forgot', p);

      const { agent, csrf } = await signIn(p, password);
      const done = await changeConfirmed(agent, csrf, p, 'cancel', { understood: '1' });
      assert.ok(done.text.includes(t('permanente.done.cancel')));

      const r = await postNewPassword(recovery, rcsrf, 'Frambuesa-88?');
      assert.equal(r.status, 303, r.text);
      assert.equal(r.headers.location, `${ACCOUNT}/forgot`);
      const account = (await accounts().find(p.id))!;
      assert.equal(account.state, 'cancelled', 'only the registrar reopens a cancelled user (§5.4.4)');
      assert.equal(account.passwordHash, null);
      await assertLoginRefused(p, 'Frambuesa-88?');
    });

    it('an activation flow cannot set a password once the user was activated in another one', async () => {
      const p = await register();
      const first = newAgent(b);
      const second = newAgent(b);
      const c1 = await reachPasswordStep(first, 'activate', p);
      const c2 = await reachPasswordStep(second, 'activate', p);
      await postNewPassword(first, c1, 'Zarzamora-77!').expect(200);
      const late = await postNewPassword(second, c2, 'Frambuesa-88?');
      assert.equal(late.status, 303, late.text);
      await assertLoginWorks(p, 'Zarzamora-77!');
      await assertLoginRefused(p, 'Frambuesa-88?');
    });
  });

  describe('CSRF and the flow lifetime', () => {
    it('management and activation POSTs without a token, with a wrong one or without the flow cookie are refused with 403', async () => {
      const p = await register();
      const password = 'Zarzamora-77!';
      await activateThroughPages(p, password);

      const signInAgent = newAgent(b);
      const csrf = csrfOf((await signInAgent.get(ACCOUNT).expect(200)).text);
      await signInAgent.post(`${ACCOUNT}/login`).type('form').send({ document: p.document, password }).expect(403);
      await signInAgent.post(`${ACCOUNT}/login`).type('form').send({ csrf: `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}`, document: p.document, password }).expect(403);
      await newAgent(b).post(`${ACCOUNT}/login`).type('form').send({ csrf, document: p.document, password }).expect(403);
      // none of these checked the password: nothing was counted
      assert.equal((await accounts().find(p.id))!.failedAttempts, 0);

      const { agent, csrf: signedCsrf } = await signIn(p, password);
      const hash = (await accounts().find(p.id))!.passwordHash;
      for (const path of ['password', 'cancel', 'email-codes', 'second-factor', 'totp/remove', 'confirm', 'logout']) {
        await agent.post(`${ACCOUNT}/${path}`).type('form').send({ newPassword: 'Frambuesa-88?', repeatPassword: 'Frambuesa-88?', understood: '1', enabled: '1', factor: 'sms' }).expect(403);
        await agent.post(`${ACCOUNT}/${path}`).type('form').send({ csrf: 'x'.repeat(22), newPassword: 'Frambuesa-88?', repeatPassword: 'Frambuesa-88?', understood: '1', enabled: '1' }).expect(403);
      }
      // another person's token is no good either
      const intruder = newAgent(b);
      const intruderCsrf = csrfOf((await intruder.get(ACCOUNT).expect(200)).text);
      await agent.post(`${ACCOUNT}/password`).type('form').send({ csrf: intruderCsrf, newPassword: 'Frambuesa-88?', repeatPassword: 'Frambuesa-88?' }).expect(403);
      assert.equal((await accounts().find(p.id))!.passwordHash, hash);
      await agent.get(`${ACCOUNT}/confirm`).expect(303).expect('location', ACCOUNT);
      // the signed-in flow survived the refusals
      await agent.post(`${ACCOUNT}/cancel`).type('form').send({ csrf: signedCsrf }).expect(422);

      const fresh = await register();
      const activation = newAgent(b);
      const form = await recoveryForm(activation, 'activate');
      const data = { document: fresh.document, email: fresh.email, activationCode: fresh.activationCode };
      await postRecovery(activation, 'activate', { ...data, ...powOf(form.html) }).expect(403);
      await postRecovery(activation, 'activate', { csrf: 'y'.repeat(22), ...data, ...powOf(form.html) }).expect(403);
      await postRecovery(newAgent(b), 'activate', { csrf: form.csrf, ...data, ...powOf(form.html) }).expect(403);
      for (const path of ['recovery/code', 'recovery/password', 'recovery/resend']) {
        await activation.post(`${ACCOUNT}/${path}`).type('form').send({ code: '123456', newPassword: 'Frambuesa-88?', repeatPassword: 'Frambuesa-88?' }).expect(403);
      }
      const forgot = newAgent(b);
      const forgotForm = await recoveryForm(forgot, 'forgot');
      await postRecovery(forgot, 'forgot', { document: p.document, activationCode: p.activationCode, ...powOf(forgotForm.html) }).expect(403);
      assert.equal((await accounts().find(fresh.id))!.state, 'pending');
    });

    it('signing in starts a new flow: a cookie and token from before the sign-in are worth nothing (session fixation)', async () => {
      const p = await register();
      const password = 'Zarzamora-77!';
      await activateThroughPages(p, password);
      const victim = newAgent(b);
      const before = await victim.get(ACCOUNT).expect(200);
      const planted = flowCookieOf(before);
      const oldCsrf = csrfOf(before.text);
      await victim.post(`${ACCOUNT}/login`).type('form').send({ csrf: oldCsrf, document: p.document, password }).expect(303);
      const menu = await victim.get(ACCOUNT).expect(200);
      assert.ok(menu.text.includes(`action="${ACCOUNT}/password"`));
      assert.notEqual(csrfOf(menu.text), oldCsrf);

      // someone who planted or copied the cookie before the sign-in is not signed in
      const cookie = `pasarela_account=${planted}`;
      const page = await request(b.server).get(ACCOUNT).set('Cookie', cookie).expect(200);
      assert.doesNotMatch(page.text, new RegExp(`action="${ACCOUNT}/password"`));
      const totp = await request(b.server).get(`${ACCOUNT}/totp`).set('Cookie', cookie).expect(200);
      assert.doesNotMatch(totp.text, /totp-secret/);
      await request(b.server).post(`${ACCOUNT}/cancel`).set('Cookie', cookie).type('form').send({ csrf: oldCsrf, understood: '1' }).expect(403);
      // and the victim's own old token is spent too
      await victim.post(`${ACCOUNT}/cancel`).type('form').send({ csrf: oldCsrf, understood: '1' }).expect(403);
    });

    it('confirming the SMS code of a forgotten-password flow starts a new flow: the cookie from before cannot choose the password', async () => {
      const p = await register();
      await activateThroughPages(p, 'Zarzamora-77!');
      const victim = newAgent(b);
      const form = await victim.get(`${ACCOUNT}/forgot`).expect(200);
      const planted = flowCookieOf(form);
      const oldCsrf = csrfOf(form.text);
      const since = Date.now();
      await postRecovery(victim, 'forgot', { csrf: oldCsrf, document: p.document, email: p.email, activationCode: p.activationCode, ...powOf(form.text) }).expect(303);
      const sms = await readCodeFromOutbox(b.varDir, 'sms', p.mobile, since);
      keep(sms);
      await victim.post(`${ACCOUNT}/recovery/code`).type('form').send({ csrf: oldCsrf, code: sms }).expect(303).expect('location', `${ACCOUNT}/recovery/password`);
      const hash = (await accounts().find(p.id))!.passwordHash;

      keep('Grosella-99=');
      await request(b.server).post(`${ACCOUNT}/recovery/password`).set('Cookie', `pasarela_account=${planted}`).type('form').send({ csrf: oldCsrf, newPassword: 'Grosella-99=', repeatPassword: 'Grosella-99=' }).expect(403);
      assert.equal((await accounts().find(p.id))!.passwordHash, hash);
      // the victim goes on with the new flow's token
      const page = await victim.get(`${ACCOUNT}/recovery/password`).expect(200);
      const csrf = csrfOf(page.text);
      assert.notEqual(csrf, oldCsrf);
      await postNewPassword(victim, csrf, 'Frambuesa-88?').expect(200);
      await assertLoginWorks(p, 'Frambuesa-88?');
    });

    it(`a flow ends ${SESSION_SECONDS} s after it started, signed in or half-way through an activation`, async () => {
      const p = await register();
      const password = 'Zarzamora-77!';
      await activateThroughPages(p, password);
      const { agent, csrf } = await signIn(p, password);
      const fresh = await register();
      const activation = newAgent(b);
      const form = await recoveryForm(activation, 'activate');
      const pow = powOf(form.html);

      b.clock.advance(SESSION_SECONDS * 1000 - 5_000);
      // still alive just before the end, whatever the activity
      await agent.post(`${ACCOUNT}/cancel`).type('form').send({ csrf }).expect(422);
      b.clock.advance(5_000);

      await agent.post(`${ACCOUNT}/password`).type('form').send({ csrf, newPassword: 'Frambuesa-88?', repeatPassword: 'Frambuesa-88?' }).expect(403);
      const restart = await agent.get(ACCOUNT).expect(200);
      assert.doesNotMatch(restart.text, new RegExp(`action="${ACCOUNT}/password"`), 'signed out');
      assert.notEqual(csrfOf(restart.text), csrf, 'a new flow');
      await postRecovery(activation, 'activate', { csrf: form.csrf, document: fresh.document, email: fresh.email, activationCode: fresh.activationCode, ...pow }).expect(403);
      assert.equal((await accounts().find(fresh.id))!.state, 'pending');
    });
  });

  describe('with a history of two passwords (passwordHistory: 2)', () => {
    // the helpers above drive `b`: here a second broker, configured to remember two passwords
    let main: TestBroker;
    let tracked: number;
    before(async function () {
      this.timeout(60_000);
      main = b;
      tracked = people.length;
      b = await startTestBroker({ stores, overrides: overrides(2) });
    });
    after(async () => {
      await b.close();
      b = main;
      people.splice(tracked); // persons of the other broker: the suite-wide audit check is about `main`
    });

    it('refuses changing back to the password before the current one, through the management page and the forgotten-password page', async () => {
      const p = await register();
      const first = 'Zarzamora-77!';
      const second = 'Frambuesa-88?';
      await activateThroughPages(p, first);
      const { agent, csrf } = await signIn(p, first);
      const done = await changeConfirmed(agent, csrf, p, 'password', { newPassword: second, repeatPassword: second });
      assert.ok(done.text.includes(t('permanente.done.change-password')));
      for (const pw of [first, second]) {
        const r = await agent.post(`${ACCOUNT}/password`).type('form').send({ csrf, newPassword: pw, repeatPassword: pw }).expect(422);
        assert.deepEqual(problemsOf(r.text), ['same-as-previous'], pw === first ? 'the one before' : 'the current one');
      }
      const recovery = newAgent(b);
      const rcsrf = await reachPasswordStep(recovery, 'forgot', p);
      const back = await postNewPassword(recovery, rcsrf, first).expect(422);
      assert.deepEqual(problemsOf(back.text), ['same-as-previous']);
      // a third one is fine, and then the first is old enough again
      const third = 'Grosella-99=';
      await postNewPassword(recovery, rcsrf, third).expect(200);
      await assertLoginWorks(p, third);
      const again = await signIn(p, third);
      const r = await changeConfirmed(again.agent, again.csrf, p, 'password', { newPassword: first, repeatPassword: first });
      assert.ok(r.text.includes(t('permanente.done.change-password')));
      await assertLoginWorks(p, first);
    });
  });

  describe('audit (issue 3: who, what, when, from which IP; no secrets)', () => {
    it('every person of this suite has entries with actor, action and IP, and no password, code or secret in them or in the logs', async function () {
      if (!people.length) this.skip(); // run alone: the tests above audit their own person
      for (const p of people) {
        const entries = await assertAudited(p, ['person.registered', 'permanente.activation-code.issued']);
        assert.ok(entries.length >= 2);
      }
      assert.ok(secrets.size > people.length * 2, 'the suite collected its secrets');
      // the whole table, every person, against every secret of the suite
      const all = await b.broker.services.db.selectFrom('audit_log').selectAll().execute();
      assertNoSecrets(JSON.stringify(all), 'the audit log');
      assert.ok(logLines.length > 0, 'the broker logged something');
      assertNoSecrets(logLines.join(''), 'the broker log');
    });
  });
});
