// Registration by invitation letter → basic level (issue 9, seed 000 §2.2.2): the request with
// its uniform answer, the PDF letter in the outbox read with pdftotext, completion with the CSV,
// and the level it grants seen in the LoA of a following PIN login; the CSV's single use, expiry,
// voiding after 5 wrong codes, the one-person-per-mobile rule, and the code by SMS that proves the
// typed mobile before it is registered.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { forEachStores, startTestBroker, SP2, type TestBroker } from '../../helpers/test-broker.js';
import { loginWithPin, parseXml, readPostForm, samlResponseXml, txOf } from '../../helpers/flow-driver.js';
import { sendAuthnRequest } from '../../helpers/sp-requests.js';
import { completeDetails, confirmMobile, enterCsv, giveContactDetails, letterLines, readLetter, requestLetter, type LetterResident } from '../../helpers/letter-driver.js';
import { csrfOf, readCodeFromOutbox } from '../../helpers/flow-driver.js';

const DAY = 86_400_000;
const ANTONIO: LetterResident = { document: '11111111H', documentDate: '2032-04-15' };
const MARIA_JOSE: LetterResident = { document: '22334455Y', documentDate: '2029-09-09' };
const INAKI: LetterResident = { document: '45678901G', documentDate: '2028-02-28' };
const SOPHIE: LetterResident = { document: 'Y2345678Z', supportNumber: 'E87654321' };
const PIOTR: LetterResident = { document: 'Z7654321H', supportNumber: 'E11223344' };
const CARMEN: LetterResident = { document: '12345678Z', documentDate: '2030-01-01' };
const CARMEN_MOBILE = '+34600000001';

function madridDay(d: Date): string {
  return new Intl.DateTimeFormat('es-ES', { timeZone: 'Europe/Madrid', day: '2-digit', month: '2-digit', year: 'numeric' }).format(d);
}

forEachStores('registration by invitation letter (seed 000 §2.2.2)', (stores) => {
  let b: TestBroker;
  before(async () => {
    b = await startTestBroker({ stores, overrides: { registration: { letter: { completionsPerPersonPerHour: 50, requestsPerPersonPerDay: 10, requestsPerIpPerHour: 1000 } } } });
  });
  after(async () => b.close());

  const agent = () => request.agent(b.server);

  /** the SMS lines to `to` in the outbox written at or after `since` (wall clock) */
  async function smsTo(to: string, since: number): Promise<unknown[]> {
    const text = await readFile(path.join(b.varDir, 'outbox', 'sms.jsonl'), 'utf8').catch(() => '');
    return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { to: string; at: string }).filter((l) => l.to === to && Date.parse(l.at) >= since);
  }

  async function letterFor(resident: LetterResident, addressPart: string) {
    const since = b.clock.now().getTime();
    const a = agent();
    assert.equal((await requestLetter(a, resident, 303)).headers.location, '/register/letter/requested');
    return readLetter(b.varDir, addressPart, since);
  }

  it('request → PDF letter in the outbox → CSV → mobile, e-mail, conditions → basic; a PIN login then reaches rung 2, not 3', async () => {
    const since = b.clock.now().getTime();
    const letter = await letterFor(ANTONIO, 'Plaza del Pilar');
    assert.match(letter.to, /^Antonio Pérez Núñez, Plaza del Pilar 3, 2\.º izda\., 50003 Zaragoza, España$/);
    assert.match(letter.pdf, /outbox\/letters\/[0-9a-f-]{36}\.pdf$/);
    for (const text of ['Antonio Pérez Núñez', 'Plaza del Pilar 3', '50003 Zaragoza', 'Código Seguro de Verificación', 'Secure Verification Code', `${b.url}/register/letter/complete`, '*****111H'])
      assert.ok(letter.text.includes(text), `the letter says "${text}"`);
    assert.ok(letter.text.includes(`Válido hasta el ${madridDay(new Date(since + 30 * DAY))}`), 'expiry date (30 days) in Spanish');
    assert.ok(letter.text.includes(`Valid until ${madridDay(new Date(since + 30 * DAY))}`), 'and in English');
    assert.equal(letter.csv.length, 16);

    const a = agent();
    assert.equal((await enterCsv(a, ANTONIO, letter.csv.toLowerCase().replace(/(.{4})/g, '$1 '), 303)).headers.location, '/register/letter/details', 'typed in lower case with spaces');
    const smsSince = Date.now();
    const asked = await giveContactDetails(a, { mobile: '0034 611 22 33 44', email: 'antonio@example.es' }, 200);
    assert.match(asked.text, /código de 6 cifras por SMS al \+34611223344/);
    const code = await readCodeFromOutbox(b.varDir, 'sms', '+34611223344', smsSince);
    assert.match(code, /^[0-9]{6}$/);
    assert.equal(await b.broker.services.identity.findByDocument(ANTONIO.document), undefined, 'nothing registered before the code');
    const wrong = await confirmMobile(a, csrfOf(asked.text), code === '000000' ? '111111' : '000000', 422);
    assert.match(wrong.text, /Le quedan 4 intentos/);
    assert.equal(await b.broker.services.identity.findByDocument(ANTONIO.document), undefined);
    const done = await confirmMobile(a, csrfOf(asked.text), code, 200);
    assert.match(done.text, /Registro completado/);

    const person = await b.broker.services.identity.findByDocument(ANTONIO.document);
    assert.ok(person);
    assert.equal(person.registrationLevel, 'basic');
    assert.equal(person.mobile, '+34611223344');
    assert.equal(person.email, 'antonio@example.es');
    assert.equal(person.givenName, 'Antonio');
    assert.equal(person.documentDate, ANTONIO.documentDate);
    const actions = (await b.broker.services.audit.forSubject(person.id)).map((e) => e.action);
    assert.ok(actions.includes('registration.letter.registered'));

    // the level it grants: PIN reaches rung 2 (eIDAS low) for a basic registration
    const login = agent();
    const start = await sendAuthnRequest(b, login, { sp: SP2 }).expect(303);
    const answer = await loginWithPin(login, b.varDir, txOf(start.headers.location!), { document: ANTONIO.document, documentDate: ANTONIO.documentDate!, mobile: '+34611223344' });
    assert.equal(answer.status, 200, answer.text.slice(0, 300));
    const doc = parseXml(samlResponseXml(readPostForm(answer.text)));
    const classRef = doc.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:assertion', 'AuthnContextClassRef')[0]?.textContent;
    assert.equal(classRef, 'http://eidas.europa.eu/LoA/low', 'basic registration: rung 2, not substantial');

    // single use: the same CSV again is refused
    const again = await enterCsv(agent(), ANTONIO, letter.csv, 422);
    assert.match(again.text, /ya no es válido/);
  });

  it('answers alike for a resident, an unknown DNI/NIE and wrong document data; only the resident gets a letter', async () => {
    const since = b.clock.now().getTime();
    const pages: string[] = [];
    for (const who of [PIOTR, { document: '00000001R', documentDate: '2030-01-01' }, { ...PIOTR, supportNumber: 'E99999999' }]) {
      const a = agent();
      const res = await requestLetter(a, who, 303);
      assert.equal(res.headers.location, '/register/letter/requested');
      pages.push((await a.get('/register/letter/requested').expect(200)).text);
    }
    assert.equal(new Set(pages).size, 1, 'the same page for all three');
    const letter = await readLetter(b.varDir, 'Sevilla', since);
    assert.ok(letter.text.includes('Piotr Lukasiewicz'), 'a name outside the PDF standard fonts is spelt in Latin letters');
    assert.equal((await letterLines(b.varDir, since)).length, 1, 'one letter for the three requests');
  });

  it('the CSV expires after 30 days (broker clock); a new letter works within its validity', async () => {
    const first = await letterFor(MARIA_JOSE, 'Rúa do Franco');
    b.clock.advance(30 * DAY + 60_000);
    await enterCsv(agent(), MARIA_JOSE, first.csv, 422);
    const second = await letterFor(MARIA_JOSE, 'Rúa do Franco');
    assert.notEqual(second.csv, first.csv);
    b.clock.advance(29 * DAY);
    const a = agent();
    await enterCsv(a, MARIA_JOSE, second.csv, 303);
    await completeDetails(a, b.varDir, { mobile: '+34622000111', email: 'mj@example.es' }, 200);
  });

  it('a newer letter voids the older one', async () => {
    const older = await letterFor(INAKI, 'Kale Nagusia');
    const newer = await letterFor(INAKI, 'Kale Nagusia');
    await enterCsv(agent(), INAKI, older.csv, 422);
    await enterCsv(agent(), INAKI, newer.csv, 303);
  });

  it('5 wrong codes void the letter: the 6th try is refused even when right; wrong codes typed with wrong document data do not count', async () => {
    const letter = await letterFor(INAKI, 'Kale Nagusia');
    const wrongCode = letter.csv.startsWith('A') ? `B${letter.csv.slice(1)}` : `A${letter.csv.slice(1)}`;
    const stranger = { ...INAKI, documentDate: '2028-02-27' };
    for (let i = 0; i < 5; i++) await enterCsv(agent(), stranger, wrongCode, 422);
    await enterCsv(agent(), INAKI, letter.csv, 303); // the stranger's tries did not count
    for (let i = 0; i < 5; i++) await enterCsv(agent(), INAKI, wrongCode, 422);
    const sixth = await enterCsv(agent(), INAKI, letter.csv, 422);
    assert.match(sixth.text, /5 intentos erróneos/);
    const letterId = path.basename(letter.pdf, '.pdf');
    const entries = await b.broker.services.db.selectFrom('audit_log').select(['action', 'detail']).where('action', 'like', 'registration.letter.%').execute();
    const actions = entries.filter((e) => (e.detail as { letter?: string } | null)?.letter === letterId).map((e) => e.action);
    assert.deepEqual(actions.sort(), ['registration.letter.sent', 'registration.letter.voided', ...Array(4).fill('registration.letter.wrong-code')].sort());
  });

  it('a checked CSV waiting for its details is refused once the letter is void', async () => {
    const letter = await letterFor(INAKI, 'Kale Nagusia');
    const waiting = agent();
    await enterCsv(waiting, INAKI, letter.csv, 303);
    for (let i = 0; i < 5; i++) await enterCsv(agent(), INAKI, 'ZZZZZZZZZZZZZZZZ', 422);
    const refused = await completeDetails(waiting, b.varDir, { mobile: '+34633000111', email: 'inaki@example.es' }, 409);
    assert.match(refused.text, /ya no es válido/);
    assert.equal(await b.broker.services.identity.findByDocument(INAKI.document), undefined);
  });

  it('one person per mobile: a number linked to another DNI/NIE is refused with the reason, and the letter stays usable', async () => {
    const letter = await letterFor(SOPHIE, 'Calle Colón');
    const a = agent();
    await enterCsv(a, SOPHIE, letter.csv, 303);
    const since = Date.now();
    // refused before any code: nothing is sent to a number that cannot become Sophie's
    const refused = await giveContactDetails(a, { mobile: CARMEN_MOBILE, email: 'sophie@example.fr' }, 409);
    assert.match(refused.text, /Solo se puede asociar un DNI\/NIE a cada número de móvil/);
    assert.match(refused.text, /segundo factor/);
    assert.equal(await b.broker.services.identity.findByDocument(SOPHIE.document), undefined);
    assert.deepEqual(await smsTo(CARMEN_MOBILE, since), []);
    const done = await completeDetails(a, b.varDir, { mobile: '+33612345678', email: 'sophie@example.fr' }, 200);
    assert.match(done.text, /nivel básico/);
    const sophie = await b.broker.services.identity.findByDocument(SOPHIE.document);
    assert.equal(sophie?.supportNumber, 'E87654321');
    assert.equal(sophie?.registrationLevel, 'basic');
  });

  it('the mobile is proved by a code sent to it: 5 wrong codes void it, an expired code is refused, and the letter stays usable until the right one', async () => {
    const letter = await letterFor(PIOTR, 'Avenida de la Constitución');
    const a = agent();
    await enterCsv(a, PIOTR, letter.csv, 303);
    const since = Date.now();
    const asked = await giveContactDetails(a, { mobile: '+48601234567', email: 'piotr@example.pl' }, 200);
    const code = await readCodeFromOutbox(b.varDir, 'sms', '+48601234567', since);
    const wrongCode = code === '000000' ? '111111' : '000000';
    for (let left = 4; left >= 1; left--) assert.match((await confirmMobile(a, csrfOf(asked.text), wrongCode, 422)).text, new RegExp(`Le quedan ${left} intentos`));
    const voided = await confirmMobile(a, csrfOf(asked.text), wrongCode, 422);
    assert.match(voided.text, /anuló tras 5 intentos/);
    // the right code after the voiding is refused too, and nothing was registered or spent
    await confirmMobile(a, csrfOf(voided.text), code, 409);
    assert.equal(await b.broker.services.identity.findByDocument(PIOTR.document), undefined);

    const resent = Date.now();
    const again = await giveContactDetails(a, { mobile: '+48601234567', email: 'piotr@example.pl' }, 200);
    const late = await readCodeFromOutbox(b.varDir, 'sms', '+48601234567', resent);
    b.clock.advance(10 * 60_000 + 1000);
    assert.match((await confirmMobile(a, csrfOf(again.text), late, 422)).text, /ya no es válido/);
    assert.equal(await b.broker.services.identity.findByDocument(PIOTR.document), undefined);

    // the letter was not spent: another browser still checks the CSV, and completes with a fresh code
    const other = agent();
    await enterCsv(other, PIOTR, letter.csv, 303);
    const done = await completeDetails(other, b.varDir, { mobile: '+48601234567', email: 'piotr@example.pl' }, 200);
    assert.match(done.text, /Registro completado/);
    assert.equal((await b.broker.services.identity.findByDocument(PIOTR.document))?.mobile, '+48601234567');
  });

  it('the contact details are checked: E.164 mobile, an e-mail address, the conditions accepted', async () => {
    const letter = await letterFor(CARMEN, 'Calle de Alcalá');
    const a = agent();
    await enterCsv(a, CARMEN, letter.csv, 303);
    assert.match((await giveContactDetails(a, { mobile: '611223344', email: 'c@example.es' }, 422)).text, /prefijo internacional/);
    assert.match((await giveContactDetails(a, { mobile: '+34699000000', email: 'not-an-address' }, 422)).text, /correo electrónico válida/);
    assert.match((await giveContactDetails(a, { mobile: '+34699000000', email: 'c@example.es', conditions: false }, 422)).text, /aceptar las condiciones/);
    // Carmen is registered already, with a mobile: the letter cannot change it
    const since = Date.now();
    const refused = await giveContactDetails(a, { mobile: '+34699000000', email: 'c@example.es' }, 409);
    assert.match(refused.text, /especialmente protegido/);
    assert.equal((await b.broker.services.identity.findByDocument(CARMEN.document))?.mobile, CARMEN_MOBILE);
    assert.deepEqual(await smsTo('+34699000000', since), [], 'no code sent for a registration refused anyway');
  });

  it('limits letter requests per DNI/NIE and day, counted whether or not it is in the register', async () => {
    const a = agent();
    const unknown = { document: '00000002W', documentDate: '2030-01-01' };
    for (let i = 0; i < b.broker.services.config.registration.letter.requestsPerPersonPerDay; i++) await requestLetter(a, unknown, 303);
    const limited = await requestLetter(a, unknown, 429);
    assert.match(limited.text, /demasiadas solicitudes/);
  });

  it('refuses forms without the visit\'s CSRF token and malformed identity data', async () => {
    await agent().post('/register/letter/request').type('form').send({ document: ANTONIO.document, documentDate: ANTONIO.documentDate }).expect(403);
    const a = agent();
    const bad = await requestLetter(a, { document: '11111111A', documentDate: '2032-04-15' }, 422);
    assert.match(bad.text, /DNI o NIE válido/);
    const details = await a.get('/register/letter/details').expect(409);
    assert.match(details.text, /Primero introduzca el código/);
  });
});
