// The registration office console (issue 9): a registrar logged in through the broker finds or
// registers persons at the advanced level from the document shown, records mobile and e-mail
// (one person per mobile, with the seed's reason), registers minors with their guardian and the
// proof of parental authority, raises a basic person to advanced, and prints the Cl@ve Permanente
// activation code once (only its hash stored). The level granted shows in the LoA of the person's
// next login; every action is audited with the registrar as actor. On the embedded stores and
// PostgreSQL + Redis (one transaction per action, the unique indexes of the real server).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Agent } from 'supertest';
import { SP2, forEachStores, startTestBroker, type TestBroker } from '../../helpers/test-broker.js';
import { CARMEN, JAN, csrfOf, loginWithPin, txOf, type PinPerson } from '../../helpers/flow-driver.js';
import { assertionText, newAgent, sendAuthnRequest } from '../../helpers/sp-requests.js';
import { grantStaffRole, loginStaff } from '../../helpers/staff-session.js';
import { EIDAS_SUBSTANTIAL, personId } from '../../helpers/permanente.js';
import { hashActivationCode } from '../../../broker/identity/activation-code.js';
import { dayOf } from '../../../broker/mandates/dates.js';

const LUCIA: PinPerson = { document: '87654321X', documentDate: '2031-06-30', mobile: '+34600000003' };
const ANA = { documentType: 'DNI', documentNumber: '11111111H', documentDate: '2033-05-01', givenName: 'Ana', firstSurname: 'Ruiz', secondSurname: 'Gil', dateOfBirth: '1990-02-03', nationality: 'ES', mobile: '+34 611 000 111', email: 'ana@example.es', documentChecked: 'yes' };

function yearsAgo(b: TestBroker, years: number): string {
  const today = dayOf(b.clock.now(), 'Europe/Madrid');
  return `${Number(today.slice(0, 4)) - years}${today.slice(4)}`;
}

/** The activation code on the printable page (groups of four). */
function codeOf(page: string): string {
  const m = /<code>([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})<\/code>/.exec(page);
  assert.ok(m, 'the page shows the activation code');
  return m[1]!;
}

/** A PIN login from sp2 asking for at least eIDAS substantial; returns the AuthnContextClassRef reached. */
async function pinLoaAtSubstantial(b: TestBroker, person: PinPerson): Promise<{ status: number; classRef: string | undefined }> {
  const agent = newAgent(b);
  const start = await sendAuthnRequest(b, agent, { sp: SP2, ...EIDAS_SUBSTANTIAL }).expect(303);
  const done = await loginWithPin(agent, b.varDir, txOf(start.headers.location!), person);
  return { status: done.status, classRef: done.status === 200 ? assertionText(done.text, 'AuthnContextClassRef') : undefined };
}

forEachStores('registration office console (issue 9)', (stores) => {
  let b: TestBroker;
  let registrar: Agent;
  let csrf: string;
  let registrarId: string;
  before(async () => {
    b = await startTestBroker({ stores });
    await grantStaffRole(b, CARMEN.document, 'registrar');
    await grantStaffRole(b, LUCIA.document, 'interviewer');
    registrar = await loginStaff(b, CARMEN, { startPath: '/staff/office/', landing: '/staff/office/' });
    csrf = csrfOf((await registrar.get('/staff/office/new').expect(200)).text);
    registrarId = await personId(b, CARMEN.document);
  });
  after(async () => b.close());

  const post = (path: string, form: Record<string, string>) => registrar.post(path).type('form').send({ csrf, ...form });

  it('is for registrars: a login starts from it and comes back, other staff get a refusal', async () => {
    const fresh = await newAgent(b).get('/staff/office/').expect(303);
    assert.equal(fresh.headers.location, '/staff/login?RelayState=%2Fstaff%2Foffice%2F');
    const interviewer = await loginStaff(b, LUCIA);
    const refused = await interviewer.get('/staff/office/').expect(403);
    assert.match(refused.text, /registrador/);
    const page = await registrar.get('/staff/office/').expect(200).expect('cache-control', 'no-store');
    assert.match(page.text, /Oficina de registro/);
  });

  it('registers a new adult at the advanced level and prints the activation code once, storing its hash only', async () => {
    const res = await post('/staff/office/new', ANA).expect(201);
    assert.equal(res.headers['cache-control'], 'no-store');
    const code = codeOf(res.text);
    const ana = (await b.broker.services.identity.findByDocument(ANA.documentNumber))!;
    assert.equal(ana.registrationLevel, 'advanced');
    assert.equal(ana.mobile, '+34611000111');
    const account = await b.broker.services.credentials.accounts.find(ana.id);
    assert.equal(account?.activationCodeHash, hashActivationCode(code));
    const stored = JSON.stringify(await b.broker.services.db.selectFrom('audit_log').selectAll().execute());
    assert.ok(!stored.includes(code) && !stored.includes(code.replace(/-/g, '')), 'the code is in no audit entry');
    const audit = await b.broker.services.audit.forSubject(ana.id);
    for (const action of ['person.registered', 'permanente.activation-code.issued', 'registration.office']) {
      assert.ok(audit.some((e) => e.action === action && e.actor === `person:${registrarId}`), `${action} audited with the registrar as actor`);
    }
    const visit = await b.broker.services.db.selectFrom('office_registrations').selectAll().where('person_id', '=', ana.id).executeTakeFirstOrThrow();
    assert.deepEqual([visit.kind, visit.document_type, visit.nationality, visit.minor, visit.registrar_id], ['new', 'DNI', 'ES', false, registrarId]);
  });

  it('grants a level the next login shows: PIN reaches eIDAS substantial (rung 3) for the office-registered person', async () => {
    const login = await pinLoaAtSubstantial(b, { document: ANA.documentNumber, documentDate: ANA.documentDate, mobile: '+34611000111' });
    assert.equal(login.status, 200);
    assert.equal(login.classRef, 'http://eidas.europa.eu/LoA/substantial');
  });

  it('refuses a mobile linked to another person, with the seed reason, and registers nothing', async () => {
    const res = await post('/staff/office/new', { ...ANA, documentNumber: '22222222J', mobile: CARMEN.mobile, email: 'other@example.es' }).expect(409);
    assert.match(res.text, /solo se puede vincular un DNI\/NIE a un mismo número de móvil/);
    assert.match(res.text, /segundo factor/);
    assert.equal(await b.broker.services.identity.findByDocument('22222222J'), undefined);
  });

  it('refuses a registration again, a wrong check letter, a DNI of a foreign nationality, and a form without its CSRF token', async () => {
    const again = await post('/staff/office/new', { ...ANA, mobile: '', email: '' }).expect(409);
    assert.match(again.text, /ya está registrada/);
    const letter = await post('/staff/office/new', { ...ANA, documentNumber: '22222222A', mobile: '' }).expect(422);
    assert.match(letter.text, /letra de control/);
    const foreign = await post('/staff/office/new', { ...ANA, documentNumber: '22222222J', nationality: 'FR', mobile: '' }).expect(422);
    assert.match(foreign.text, /nacionalidad española/);
    const unchecked = await post('/staff/office/new', { ...ANA, documentNumber: '22222222J', documentChecked: '', mobile: '' }).expect(422);
    assert.match(unchecked.text, /ha visto el original/);
    await registrar.post('/staff/office/new').type('form').send({ ...ANA, documentNumber: '22222222J', mobile: '' }).expect(403);
    assert.equal(await b.broker.services.identity.findByDocument('22222222J'), undefined);
  });

  it('registers a minor only with the guardian, the proof of parental authority and the minor present', async () => {
    const minor = { ...ANA, documentNumber: '33333333P', givenName: 'Pablo', dateOfBirth: yearsAgo(b, 12), mobile: '+34611000333', email: 'pablo@example.es' };
    const missing = await post('/staff/office/new', minor).expect(422);
    for (const text of [/documento del padre, madre o tutor/, /patria potestad/, /debe estar presente/]) assert.match(missing.text, text);
    assert.equal(await b.broker.services.identity.findByDocument(minor.documentNumber), undefined);
    const guardian = { guardianDocumentKind: 'DNI', guardianDocumentNumber: '44444444A', guardianGivenName: 'Marta', guardianFirstSurname: 'Ruiz', guardianRelationship: 'parent', proofKind: 'family-book', proofReference: 'Libro de familia 123/2014', minorPresent: 'yes' };
    const res = await post('/staff/office/new', { ...minor, ...guardian }).expect(201);
    assert.match(res.text, /como menor/);
    codeOf(res.text);
    const pablo = (await b.broker.services.identity.findByDocument(minor.documentNumber))!;
    const rows = await b.broker.services.db.selectFrom('guardianships').selectAll().where('minor_person_id', '=', pablo.id).execute();
    assert.equal(rows.length, 1);
    assert.deepEqual(
      [rows[0]!.guardian_document_kind, rows[0]!.guardian_document_number, rows[0]!.relationship, rows[0]!.proof_kind, rows[0]!.proof_reference, rows[0]!.recorded_by],
      ['DNI', '44444444A', 'parent', 'family-book', 'Libro de familia 123/2014', registrarId],
    );
    const audit = await b.broker.services.audit.forSubject(pablo.id);
    assert.ok(audit.some((e) => e.action === 'registration.office' && e.detail?.minor === true && e.actor === `person:${registrarId}`));
    const found = await registrar.get(`/staff/office/?document=${minor.documentNumber}`).expect(200);
    assert.match(found.text, /Marta Ruiz \(DNI 44444444A\)/);
  });

  it('finds a person by DNI/NIE, or offers to register a document nobody holds', async () => {
    const found = await registrar.get('/staff/office/?document=x-1234567-l').expect(200);
    assert.match(found.text, /Jan de Vries/);
    assert.match(found.text, /básico/);
    assert.match(found.text, /name="mobile" value="\+34600000002"/, 'the upgrade form starts from the contact on file');
    const none = await registrar.get('/staff/office/?document=55555555K').expect(404);
    assert.match(none.text, /\/staff\/office\/new\?document=55555555K/);
    await registrar.get('/staff/office/?document=55555555A').expect(400);
  });

  it('raises a basic person to advanced with a new mobile: the old number is told, the next PIN login reaches rung 3', async () => {
    const before = await pinLoaAtSubstantial(b, JAN);
    assert.notEqual(before.classRef, 'http://eidas.europa.eu/LoA/substantial', 'basic: PIN does not reach substantial');
    const since = Date.now();
    const res = await post('/staff/office/upgrade', { document: JAN.document, documentChecked: 'yes', nationality: 'NL', mobile: '+34611000222', email: 'jan@example.nl' }).expect(200);
    codeOf(res.text);
    assert.match(res.text, /número anterior ha recibido un aviso/);
    const jan = (await b.broker.services.identity.findByDocument(JAN.document))!;
    assert.equal(jan.registrationLevel, 'advanced');
    assert.equal(jan.mobile, '+34611000222');
    const told = (await readFile(path.join(b.varDir, 'outbox', 'sms.jsonl'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { to: string; text: string; at: string })
      .filter((m) => m.to === JAN.mobile && Date.parse(m.at) >= since - 1000);
    assert.ok(told.some((m) => /cambiado en una oficina de registro/.test(m.text)), 'the old number is told of the change');
    const after = await pinLoaAtSubstantial(b, { ...JAN, mobile: '+34611000222' });
    assert.equal(after.classRef, 'http://eidas.europa.eu/LoA/substantial');
    const audit = await b.broker.services.audit.forSubject(jan.id);
    assert.ok(audit.some((e) => e.action === 'registration.office' && e.detail?.kind === 'upgrade' && e.detail?.from === 'basic' && e.actor === `person:${registrarId}`));
  });

  it('keeps an active Cl@ve Permanente unless the person asks for a new code; refuses a mobile taken on upgrade', async () => {
    const ana = (await b.broker.services.identity.findByDocument(ANA.documentNumber))!;
    await b.broker.services.credentials.accounts.setPassword(ana.id, await b.broker.services.credentials.hasher.hash('Demo-Passw0rd-2026!'), b.clock.now(), 1);
    const kept = await post('/staff/office/upgrade', { document: ANA.documentNumber, documentChecked: 'yes', nationality: 'ES', email: 'ana.new@example.es' }).expect(200);
    assert.match(kept.text, /No se ha emitido ningún código/);
    const asked = await post('/staff/office/upgrade', { document: ANA.documentNumber, documentChecked: 'yes', nationality: 'ES', newActivationCode: 'yes' }).expect(200);
    codeOf(asked.text);
    const taken = await post('/staff/office/upgrade', { document: ANA.documentNumber, documentChecked: 'yes', nationality: 'ES', mobile: LUCIA.mobile }).expect(409);
    assert.match(taken.text, /segundo factor/);
    assert.equal((await b.broker.services.identity.findById(ana.id))!.mobile, '+34611000111');
  });

  it('refuses a registrar their own record (level, mobile, activation code): another registrar serves them; audited', async () => {
    const before = (await b.broker.services.identity.findById(registrarId))!;
    const shown = await registrar.get(`/staff/office/?document=${CARMEN.document}`).expect(200);
    assert.match(shown.text, /su propio registro/, 'the console says so when the registrar finds themselves');
    const refused = await post('/staff/office/upgrade', { document: CARMEN.document, documentChecked: 'yes', nationality: 'ES', mobile: '+34611000999', newActivationCode: 'yes' }).expect(403);
    assert.match(refused.text, /role="alert"[\s\S]*su propio registro/);
    assert.doesNotMatch(refused.text, /<code>[2-9A-Z]{4}-/, 'no activation code is printed');
    const after = (await b.broker.services.identity.findById(registrarId))!;
    assert.equal(after.mobile, before.mobile);
    assert.equal(after.registrationLevel, before.registrationLevel);
    const entries = await b.broker.services.audit.forSubject(registrarId, 5);
    assert.ok(entries.some((e) => e.action === 'registration.office.own-record-refused' && e.actor === `person:${registrarId}`));
    assert.ok(!entries.some((e) => e.action === 'registration.office'), 'nothing was changed at the office');
  });
});
