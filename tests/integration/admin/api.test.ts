// The management API end to end over HTTP, on the embedded stores and on PostgreSQL + Redis:
// the operator creates two organisations with their first administrators, approves them, and the
// administrators activate their memberships after logging in through the broker; an administrator
// then manages members, identity document copies, mandates, general authority, chain mandates and
// exports, and never reaches the other organisation. Every JSON answer is checked against its
// route's own response schema.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { z } from 'zod';
import { forEachStores, startTestBroker, type TestBroker } from '../../helpers/test-broker.js';
import { CARMEN, type PinPerson } from '../../helpers/flow-driver.js';
import { newAgent } from '../../helpers/sp-requests.js';
import { FAST_ARGON2 } from '../../helpers/permanente-login.js';
import { change, conforms, loginAdmin, type AdminAgent } from '../../helpers/admin-session.js';
import { adminRoutes } from '../../../broker/admin/api/routes/index.js';
import type { HttpMethod } from '../../../broker/admin/api/route.js';
import { binary, cellsOf, parseCsv } from '../../helpers/export-files.js';

const OPERATOR_TOKEN = 'operator-token-for-tests-only-0123456789';
const LUCIA: PinPerson = { document: '87654321X', documentDate: '2031-06-30', mobile: '+34600000003' };
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('a tiny PNG body for the test')]);

// the table forgets the schemas' types, so the tests read the checked JSON loosely
function schemaOf(method: HttpMethod, p: string): z.ZodType<any> {
  const route = adminRoutes.find((r) => r.method === method && r.path === p);
  assert.ok(route, `route ${method} ${p}`);
  assert.ok(route.response && !('kind' in route.response), `${method} ${p} answers JSON`);
  return route.response as z.ZodType<any>;
}

/** The newest activation link e-mailed to `to` (the outbox is written when the change commits). */
async function activationToken(b: TestBroker, to: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const text = await readFile(path.join(b.varDir, 'outbox', 'email.jsonl'), 'utf8').catch(() => '');
    const hit = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { to: string; text: string }).filter((m) => m.to === to && m.text.includes('/admin/activate/')).at(-1);
    if (hit) return /\/admin\/activate\/([A-Za-z0-9_-]+)/.exec(hit.text)![1]!;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no activation link to ${to}`);
}

forEachStores('management API (issue 7)', (stores) => {
  let b: TestBroker;
  const operator = () => ({ Authorization: `Bearer ${OPERATOR_TOKEN}` });
  let santos: string;
  let vries: string;
  let carmen: AdminAgent;
  let lucia: AdminAgent;
  let taxService: string;
  let permitService: string;

  before(async function () {
    this.timeout(120_000);
    b = await startTestBroker({ stores, overrides: { api: { operatorToken: OPERATOR_TOKEN }, connectors: { permanente: { argon2: FAST_ARGON2 } } } });
  });
  after(async () => b?.close());

  const op = (method: 'get' | 'post' | 'put', p: string, body?: unknown) => {
    const req = newAgent(b)[method](`/admin/api${p}`).set(operator());
    return body === undefined ? req : req.set('Content-Type', 'application/json').send(JSON.stringify(body));
  };

  it('the operator puts the service catalogue and lists it', async () => {
    const tax = await op('put', '/operator/services', {
      serviceId: 'urn:etoegang:DV:00000001234567890000:services:1',
      serviceUuid: '6f1c2b1e-1d3a-4c56-9e4b-0a1b2c3d4e5f',
      spEntityID: 'https://sp2.test/metadata',
      acsIndex: 1,
      isDefault: true,
      names: { nl: 'Demo belastingaangifte', en: 'Demo tax return', es: 'Declaración de prueba' },
      minRung: '3',
      representation: 'optional',
      acceptsChain: true,
    }).expect(200);
    taxService = conforms(schemaOf('put', '/operator/services'), tax.body).id;
    const permit = await op('put', '/operator/services', {
      serviceId: 'urn:etoegang:DV:00000001234567890000:services:2',
      serviceUuid: '7f1c2b1e-1d3a-4c56-9e4b-0a1b2c3d4e5f',
      spEntityID: 'https://sp2.test/metadata',
      acsIndex: 2,
      isDefault: false,
      names: { nl: 'Demo vergunning', en: 'Demo permit', es: 'Permiso de prueba' },
      minRung: '2+',
      representation: 'optional',
      acceptsChain: false,
    }).expect(200);
    permitService = conforms(schemaOf('put', '/operator/services'), permit.body).id;
    const list = conforms(schemaOf('get', '/operator/services'), (await op('get', '/operator/services').expect(200)).body);
    assert.deepEqual(list.map((s: { names: { en: string } }) => s.names.en).sort(), ['Demo permit', 'Demo tax return']);
  });

  it('the operator creates organisations with their first administrators, who activate by token after logging in', async () => {
    const created = await op('post', '/operator/organisations', {
      identifier: { type: 'kvk', value: '90000001' },
      name: 'Santos B.V.',
      firstAdministrator: {
        subject: { kind: 'registry', documentType: 'DNI', documentNumber: CARMEN.document },
        givenName: 'Carmen',
        surname: 'Español Español',
        role: 'administrator',
        level: '3',
        contactEmail: 'carmen.santos@example.es',
        contactMobile: CARMEN.mobile,
      },
    }).expect(201);
    const a = conforms(schemaOf('post', '/operator/organisations'), created.body);
    santos = a.organisation.id;
    // the operator's own request needs no approval: the first administrator awaits activation
    assert.equal(a.administrator.status, 'awaiting_activation');
    const second = await op('post', '/operator/organisations', {
      identifier: { type: 'kvk', value: '90000002' },
      name: 'Accountants Vries',
      firstAdministrator: {
        subject: { kind: 'registry', documentType: 'DNI', documentNumber: LUCIA.document },
        givenName: 'Lucía',
        surname: 'Martín García',
        role: 'administrator',
        level: '3',
        contactEmail: 'lucia.vries@example.es',
      },
    }).expect(201);
    const v = conforms(schemaOf('post', '/operator/organisations'), second.body);
    vries = v.organisation.id;
    const pending = conforms(schemaOf('get', '/operator/members/pending'), (await op('get', '/operator/members/pending').expect(200)).body);
    assert.deepEqual(pending, []);

    carmen = await loginAdmin(b, CARMEN);
    const before = conforms(schemaOf('get', '/me/memberships'), (await carmen.agent.get('/admin/api/me/memberships').expect(200)).body);
    assert.deepEqual(before, [], 'a membership awaiting activation is not bound to anyone yet');
    const activated = await change(carmen, 'post', '/admin/api/activations', { token: await activationToken(b, 'carmen.santos@example.es') }).expect(200);
    assert.equal(conforms(schemaOf('post', '/activations'), activated.body).status, 'active');
    // the link is single use
    await change(carmen, 'post', '/admin/api/activations', { token: await activationToken(b, 'carmen.santos@example.es') }).expect((r) => assert.ok(r.status >= 400 && r.status < 500, String(r.status)));

    lucia = await loginAdmin(b, LUCIA);
    await change(lucia, 'post', '/admin/api/activations', { token: await activationToken(b, 'lucia.vries@example.es') }).expect(200);
    const mine = conforms(schemaOf('get', '/me/memberships'), (await lucia.agent.get('/admin/api/me/memberships').expect(200)).body);
    assert.deepEqual(mine.map((m: { organisation: { name: string }; member: { status: string } }) => [m.organisation.name, m.member.status]), [['Accountants Vries', 'active']]);
  });

  it('the operator finds an organisation by identifier and adds a branch; a wrong token gets 401', async () => {
    const found = conforms(schemaOf('get', '/operator/organisations'), (await op('get', '/operator/organisations?type=kvk&value=90000001').expect(200)).body);
    assert.equal(found.id, santos);
    await op('get', '/operator/organisations?type=kvk&value=99999999').expect(404);
    const branch = await op('post', `/operator/organisations/${santos}/branches`, { branchNumber: '000012345678', name: 'Santos Rotterdam' }).expect(201);
    conforms(schemaOf('post', '/operator/organisations/:organisationId/branches'), branch.body);
    const wrong = await newAgent(b).get('/admin/api/operator/services').set('Authorization', `Bearer ${OPERATOR_TOKEN}x`).expect(401);
    assert.equal(wrong.body.error, 'unauthorized');
    await newAgent(b).get('/admin/api/operator/services').expect(401);
  });

  it('my profile, organisation details and branches, and my login history newest first', async () => {
    const profile = conforms(schemaOf('get', '/me/profile'), (await carmen.agent.get('/admin/api/me/profile').expect(200)).body);
    assert.equal(profile.givenName, 'Carmen');
    assert.equal(profile.dateOfBirth, '1980-01-01');
    assert.deepEqual(profile.memberships.map((m: { contactEmail: string; contactMobile: string | null }) => [m.contactEmail, m.contactMobile]), [['carmen.santos@example.es', CARMEN.mobile]]);
    const org = conforms(schemaOf('get', '/organisations/:organisationId'), (await carmen.agent.get(`/admin/api/organisations/${santos}`).expect(200)).body);
    assert.equal(org.name, 'Santos B.V.');
    const branches = conforms(schemaOf('get', '/organisations/:organisationId/branches'), (await carmen.agent.get(`/admin/api/organisations/${santos}/branches`).expect(200)).body);
    assert.deepEqual(branches.map((x: { branchNumber: string }) => x.branchNumber), ['000012345678']);
    const history = conforms(schemaOf('get', '/me/login-history'), (await carmen.agent.get('/admin/api/me/login-history?limit=1').expect(200)).body);
    assert.equal(history.entries.length, 1);
    assert.equal(history.entries[0].spEntityID, `${b.url}/admin/saml/metadata`);
    assert.equal(history.entries[0].loa, '3');
    const all = conforms(schemaOf('get', '/me/login-history'), (await carmen.agent.get('/admin/api/me/login-history').expect(200)).body);
    const times = all.entries.map((e: { at: string }) => Date.parse(e.at));
    assert.deepEqual(times, [...times].sort((x, y) => y - x));
    await carmen.agent.get('/admin/api/me/login-history?limit=0').expect(422);
  });

  let janRequest: string;
  let luciaInSantos: string;

  it('an administrator requests members with identity document data and uploads the copy; the operator reads it back, rejects one request, approves another, and the member activates after logging in', async () => {
    const added = await change(carmen, 'post', `/admin/api/organisations/${santos}/members`, {
      subject: { kind: 'registry', documentType: 'NIE', documentNumber: 'X1234567L' },
      givenName: 'Jan',
      surname: '=HYPERLINK("http://evil.test")',
      dateOfBirth: '1975-05-05',
      idDocument: { type: 'residence-permit', number: 'E12345678', expiry: '2030-01-01' },
      role: 'user',
      level: '2+',
      contactEmail: 'jan@example.nl',
      contactMobile: '+34600000002',
    }).expect(201);
    const [jan] = conforms(schemaOf('post', '/organisations/:organisationId/members'), added.body);
    janRequest = jan.id;
    assert.equal(jan.status, 'awaiting_approval');

    const upload = await carmen.agent.put(`/admin/api/organisations/${santos}/members/${jan.id}/document`).set('X-CSRF-Token', carmen.csrf).set('Content-Type', 'image/png').send(PNG).expect(201);
    const doc = conforms(schemaOf('put', '/organisations/:organisationId/members/:memberId/document'), upload.body);
    assert.deepEqual([doc.mediaType, doc.byteSize], ['image/png', PNG.length]);
    await carmen.agent.put(`/admin/api/organisations/${santos}/members/${jan.id}/document`).set('X-CSRF-Token', carmen.csrf).set('Content-Type', 'text/plain').send('not a document').expect(415);
    const tooLarge = await carmen.agent
      .put(`/admin/api/organisations/${santos}/members/${jan.id}/document`)
      .set('X-CSRF-Token', carmen.csrf)
      .set('Content-Type', 'application/pdf')
      .send(Buffer.alloc(b.broker.services.config.mandates.documentMaxBytes + 1, 0x25))
      .expect(413);
    assert.equal(tooLarge.body.error, 'too-large');
    const notAnImage = await carmen.agent.put(`/admin/api/organisations/${santos}/members/${jan.id}/document`).set('X-CSRF-Token', carmen.csrf).set('Content-Type', 'image/png').send(Buffer.from('plain text')).expect(422);
    assert.equal(notAnImage.body.reason, 'document-type');

    const pending = conforms(schemaOf('get', '/operator/members/pending'), (await op('get', '/operator/members/pending').expect(200)).body);
    const janPending = pending.find((m: { id: string }) => m.id === jan.id);
    assert.deepEqual(janPending.documents.map((d: { id: string }) => d.id), [doc.id]);
    const read = await op('get', `/operator/documents/${doc.id}`).buffer(true).parse(binary).expect(200).expect('content-type', 'image/png').expect('content-disposition', /^attachment/);
    assert.ok(Buffer.compare(read.body as Buffer, PNG) === 0, 'the copy comes back byte for byte');

    // Lucía joins Santos at level 3; a second request is rejected with a reason
    const luciaAdded = await change(carmen, 'post', `/admin/api/organisations/${santos}/members`, {
      subject: { kind: 'registry', documentType: 'DNI', documentNumber: LUCIA.document },
      givenName: 'Lucía',
      surname: 'Martín García',
      role: 'user',
      level: '3',
      contactEmail: 'lucia.santos@example.es',
    }).expect(201);
    luciaInSantos = luciaAdded.body[0].id;
    const invited = await change(carmen, 'post', `/admin/api/organisations/${santos}/members`, {
      subject: { kind: 'invitation', email: 'someone@example.org' },
      givenName: 'Some',
      surname: 'One',
      role: 'user',
      level: '2',
      contactEmail: 'someone@example.org',
    }).expect(201);
    const rejected = await op('post', `/operator/members/${invited.body[0].id}/rejection`, { reason: 'no identity document' }).expect(200);
    conforms(schemaOf('post', '/operator/members/:memberId/rejection'), rejected.body);
    assert.deepEqual([rejected.body.status, rejected.body.rejectionReason], ['rejected', 'no identity document']);
    await op('post', `/operator/members/${invited.body[0].id}/rejection`, {}).expect(422);

    await op('post', `/operator/members/${luciaInSantos}/approval`).expect(200);
    const activated = await change(lucia, 'post', '/admin/api/activations', { token: await activationToken(b, 'lucia.santos@example.es') }).expect(200);
    assert.equal(activated.body.status, 'active');
  });

  it('an administrator lists, searches, reads and changes members', async () => {
    const list = conforms(schemaOf('get', '/organisations/:organisationId/members'), (await carmen.agent.get(`/admin/api/organisations/${santos}/members`).expect(200)).body);
    assert.deepEqual(list.map((m: { givenName: string }) => m.givenName).sort(), ['Carmen', 'Jan', 'Lucía']);
    const found = conforms(schemaOf('get', '/organisations/:organisationId/members'), (await carmen.agent.get(`/admin/api/organisations/${santos}/members?search=Luc`).expect(200)).body);
    assert.deepEqual(found.map((m: { id: string }) => m.id), [luciaInSantos]);
    const detail = conforms(schemaOf('get', '/organisations/:organisationId/members/:memberId'), (await carmen.agent.get(`/admin/api/organisations/${santos}/members/${luciaInSantos}`).expect(200)).body);
    assert.deepEqual(detail.mandates, []);
    const mobile = await change(carmen, 'patch', `/admin/api/organisations/${santos}/members/${luciaInSantos}/contact`, { mobile: '+34600000099' }).expect(200);
    assert.equal(conforms(schemaOf('patch', '/organisations/:organisationId/members/:memberId/contact'), mobile.body).contactMobile, '+34600000099');
    await change(carmen, 'patch', `/admin/api/organisations/${santos}/members/${luciaInSantos}/contact`, {}).expect(422);
    const level = await change(carmen, 'put', `/admin/api/organisations/${santos}/members/${luciaInSantos}/level`, { level: '2+' }).expect(200);
    assert.equal(conforms(schemaOf('put', '/organisations/:organisationId/members/:memberId/level'), level.body).level, '2+');
    const above = await change(carmen, 'put', `/admin/api/organisations/${santos}/members/${luciaInSantos}/level`, { level: '4' }).expect((r) => assert.ok([403, 422].includes(r.status), String(r.status)));
    assert.ok(above.body.reason);
    await change(carmen, 'put', `/admin/api/organisations/${santos}/members/${luciaInSantos}/level`, { level: '3' }).expect(200);
    const role = await change(carmen, 'put', `/admin/api/organisations/${santos}/members/${luciaInSantos}/role`, { role: 'administrator' }).expect(200);
    assert.equal(conforms(schemaOf('put', '/organisations/:organisationId/members/:memberId/role'), role.body).role, 'administrator');
    await change(carmen, 'put', `/admin/api/organisations/${santos}/members/${luciaInSantos}/role`, { role: 'user' }).expect(200);
    const own = await change(lucia, 'put', `/admin/api/me/memberships/${luciaInSantos}/contact-email`, { email: 'lucia.new@example.es' }).expect(200);
    assert.equal(conforms(schemaOf('put', '/me/memberships/:memberId/contact-email'), own.body).contactEmail, 'lucia.new@example.es');
    // an administrator never demotes herself (another administrator can)
    const me = list.find((m: { givenName: string }) => m.givenName === 'Carmen');
    const self = await change(carmen, 'put', `/admin/api/organisations/${santos}/members/${me.id}/role`, { role: 'user' }).expect(403);
    assert.deepEqual([self.body.error, self.body.reason], ['forbidden', 'self-demote']);
    // a new activation link only for an expired activation
    await change(carmen, 'post', `/admin/api/organisations/${santos}/members/${janRequest}/activation`).expect(409);
    await op('post', `/operator/members/${janRequest}/approval`).expect(200);
    await b.broker.services.db.updateTable('members').set({ activation_deadline: new Date(b.clock.now().getTime() - 1000) }).where('id', '=', janRequest).execute();
    const expired = conforms(schemaOf('get', '/organisations/:organisationId/members/:memberId'), (await carmen.agent.get(`/admin/api/organisations/${santos}/members/${janRequest}`).expect(200)).body);
    assert.equal(expired.status, 'activation_expired');
    const resent = await change(carmen, 'post', `/admin/api/organisations/${santos}/members/${janRequest}/activation`).expect(200);
    assert.equal(conforms(schemaOf('post', '/organisations/:organisationId/members/:memberId/activation'), resent.body).status, 'awaiting_activation');
  });

  it('mandates in bulk (service and general authority), one end date, revocation; all or nothing', async () => {
    const me = (await carmen.agent.get('/admin/api/me/memberships').expect(200)).body[0].member.id as string;
    const refused = await change(carmen, 'post', `/admin/api/organisations/${santos}/mandates`, { memberIds: [me, janRequest], scopes: [{ kind: 'service', serviceId: permitService }] }).expect(422);
    assert.equal(refused.body.error, 'invalid');
    const noneYet = conforms(schemaOf('get', '/organisations/:organisationId/mandates'), (await carmen.agent.get(`/admin/api/organisations/${santos}/mandates`).expect(200)).body);
    assert.deepEqual(noneYet.flatMap((g: { mandates: unknown[] }) => g.mandates), [], 'a refused bulk grant grants nothing');

    const granted = await change(carmen, 'post', `/admin/api/organisations/${santos}/mandates`, {
      memberIds: [me, luciaInSantos],
      scopes: [{ kind: 'service', serviceId: taxService }, { kind: 'service', serviceId: permitService }, { kind: 'general', rung: '2+' }],
      duration: { years: 1 },
    }).expect(201);
    const mandates = conforms(schemaOf('post', '/organisations/:organisationId/mandates'), granted.body);
    assert.equal(mandates.length, 6);
    const perService = conforms(schemaOf('get', '/organisations/:organisationId/mandates'), (await carmen.agent.get(`/admin/api/organisations/${santos}/mandates`).expect(200)).body);
    assert.equal(perService.length, 3);
    assert.ok(perService.some((g: { scope: { kind: string } }) => g.scope.kind === 'general'));

    const one = mandates.find((m: { memberId: string; scope: { kind: string; serviceId?: string } }) => m.memberId === luciaInSantos && m.scope.kind === 'service' && m.scope.serviceId === taxService);
    const tooFar = await change(carmen, 'put', `/admin/api/organisations/${santos}/mandates/${one.id}/end`, { duration: { endDate: '2099-01-01' } }).expect(422);
    assert.equal(tooFar.body.error, 'invalid');
    const ended = await change(carmen, 'put', `/admin/api/organisations/${santos}/mandates/${one.id}/end`, { duration: { years: 3 } }).expect(200);
    assert.ok(conforms(schemaOf('put', '/organisations/:organisationId/mandates/:mandateId/end'), ended.body).endDate > one.endDate);
    await change(carmen, 'delete', `/admin/api/organisations/${santos}/mandates/${one.id}`).expect(204);
    const detail = (await carmen.agent.get(`/admin/api/organisations/${santos}/members/${luciaInSantos}`).expect(200)).body as { mandates: { id: string; revokedAt: string | null }[] };
    assert.ok(!detail.mandates.some((m) => m.id === one.id && m.revokedAt === null), 'the revoked mandate no longer holds');
    const held = conforms(schemaOf('get', '/me/mandates'), (await lucia.agent.get('/admin/api/me/mandates').expect(200)).body);
    assert.ok(held.some((x: { organisation: { id: string } }) => x.organisation.id === santos));
  });

  it('chain mandates: given to an intermediary by identifier, received by it, end date, revocation, removal of the intermediary', async () => {
    const given = await change(carmen, 'post', `/admin/api/organisations/${santos}/chain-mandates/given`, {
      intermediary: { type: 'kvk', value: '90000002' },
      scopes: [{ kind: 'service', serviceId: taxService }, { kind: 'general', rung: '3' }],
      duration: { years: 5 },
    }).expect(201);
    const chain = conforms(schemaOf('post', '/organisations/:organisationId/chain-mandates/given'), given.body);
    assert.equal(chain.length, 2);
    const list = conforms(schemaOf('get', '/organisations/:organisationId/chain-mandates/given'), (await carmen.agent.get(`/admin/api/organisations/${santos}/chain-mandates/given`).expect(200)).body);
    assert.deepEqual(list.map((g: { intermediary: { id: string } }) => g.intermediary.id), [vries]);
    const received = conforms(schemaOf('get', '/organisations/:organisationId/chain-mandates/received'), (await lucia.agent.get(`/admin/api/organisations/${vries}/chain-mandates/received`).expect(200)).body);
    assert.deepEqual(received.map((g: { client: { id: string }; chainMandates: unknown[] }) => [g.client.id, g.chainMandates.length]), [[santos, 2]]);
    const end = await change(carmen, 'put', `/admin/api/organisations/${santos}/chain-mandates/given/${chain[0].id}/end`, { duration: { years: 1 } }).expect(200);
    conforms(schemaOf('put', '/organisations/:organisationId/chain-mandates/given/:chainMandateId/end'), end.body);
    await change(carmen, 'delete', `/admin/api/organisations/${santos}/chain-mandates/given/${chain[0].id}`).expect(204);
    const removed = await change(carmen, 'delete', `/admin/api/organisations/${santos}/chain-mandates/intermediaries/${vries}`).expect(200);
    assert.ok(conforms(schemaOf('delete', '/organisations/:organisationId/chain-mandates/intermediaries/:intermediaryOrganisationId'), removed.body).removed >= 1);
    const after = (await carmen.agent.get(`/admin/api/organisations/${santos}/chain-mandates/given`).expect(200)).body as { chainMandates: { revokedAt: string | null }[] }[];
    assert.ok(after.every((g) => g.chainMandates.every((c) => c.revokedAt !== null)), 'nothing of the intermediary still holds');
  });

  it('exports members and mandates as CSV (BOM, RFC 4180) and XLSX with the seed columns, formulas neutralised', async () => {
    const csv = await carmen.agent.get(`/admin/api/organisations/${santos}/exports/members?format=csv`).buffer(true).parse(binary).expect(200).expect('content-type', /^text\/csv/).expect('content-disposition', /^attachment; filename="?members-90000001-\d{4}-\d{2}-\d{2}\.csv"?$/);
    const bytes = csv.body as Buffer;
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte-order mark');
    const rows = parseCsv(bytes.subarray(3).toString('utf8'));
    assert.deepEqual(rows[0], ['ID', 'Name', 'E-mail address', 'Role', 'Status', 'Activation end date', 'Level', 'Second factor']);
    const janRow = rows.find((r) => r[0] === janRequest)!;
    assert.equal(janRow[1], 'Jan =HYPERLINK("http://evil.test")', 'the name starts with Jan: not a formula, kept as typed');
    const luciaRow = rows.find((r) => r[0] === luciaInSantos)!;
    assert.deepEqual(luciaRow.slice(1), ['Lucía Martín García', 'lucia.new@example.es', 'user', 'active', luciaRow[5], '3', 'SMS +34600000099']);

    const xlsx = await carmen.agent.get(`/admin/api/organisations/${santos}/exports/members?format=xlsx`).buffer(true).parse(binary).expect(200).expect('content-type', /spreadsheetml/).expect('content-disposition', /^attachment/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as never);
    const sheet = book.worksheets[0]!;
    const sheetRows: string[][] = [];
    sheet.eachRow((row) => sheetRows.push(cellsOf(row, rows[0]!.length)));
    assert.deepEqual(sheetRows, rows.map((r) => r.map((c) => c)));
    sheet.eachRow((row) => row.eachCell((cell) => assert.notEqual(cell.type, ExcelJS.ValueType.Formula)));

    const mandatesCsv = await carmen.agent.get(`/admin/api/organisations/${santos}/exports/mandates`).buffer(true).parse(binary).expect(200);
    const mrows = parseCsv((mandatesCsv.body as Buffer).subarray(3).toString('utf8'));
    assert.deepEqual(mrows[0], ['Service', 'Member', 'Level', 'Start', 'End', 'Ending soon']);
    assert.ok(mrows.slice(1).some((r) => r[0] === 'Demo permit' && r[1] === 'Lucía Martín García' && r[5] === 'no'));
    const mandatesXlsx = await carmen.agent.get(`/admin/api/organisations/${santos}/exports/mandates?format=xlsx`).buffer(true).parse(binary).expect(200);
    const mbook = new ExcelJS.Workbook();
    await mbook.xlsx.load(mandatesXlsx.body as never);
    const mSheetRows: string[][] = [];
    mbook.worksheets[0]!.eachRow((row) => mSheetRows.push(cellsOf(row, mrows[0]!.length)));
    assert.deepEqual(mSheetRows, mrows);
    await carmen.agent.get(`/admin/api/organisations/${santos}/exports/members?format=pdf`).expect(422);
  });

  it('formula-like cells get a leading apostrophe in both formats', async () => {
    await change(carmen, 'post', `/admin/api/organisations/${santos}/members`, {
      subject: { kind: 'invitation', email: 'formula@example.org' },
      givenName: '=1+1',
      surname: 'x',
      role: 'user',
      level: '2',
      contactEmail: 'formula@example.org',
    }).expect(201);
    const csv = await carmen.agent.get(`/admin/api/organisations/${santos}/exports/members`).buffer(true).parse(binary).expect(200);
    const rows = parseCsv((csv.body as Buffer).subarray(3).toString('utf8'));
    const row = rows.find((r) => r[1]!.includes('1+1'));
    assert.ok(row, 'the member with a formula-like name is exported');
    assert.equal(row[1], "'=1+1 x");
    const xlsx = await carmen.agent.get(`/admin/api/organisations/${santos}/exports/members?format=xlsx`).buffer(true).parse(binary).expect(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as never);
    const names: string[] = [];
    book.worksheets[0]!.eachRow((r) => names.push(String(r.getCell(2).value)));
    assert.ok(names.includes("'=1+1 x"));
  });

  it('an administrator of one organisation gets 404 on the other one: details, members, mandates, chain mandates, exports, changes', async () => {
    for (const p of ['', '/branches', '/members', '/mandates', '/chain-mandates/given', '/chain-mandates/received', '/exports/members', '/exports/mandates?format=xlsx']) {
      const res = await carmen.agent.get(`/admin/api/organisations/${vries}${p}`).expect(404);
      assert.equal(res.body.error, 'not-found', p);
    }
    const luciaInVries = ((await lucia.agent.get('/admin/api/me/memberships').expect(200)).body as { member: { id: string; organisationId: string } }[]).find((m) => m.member.organisationId === vries)!.member.id;
    await carmen.agent.get(`/admin/api/organisations/${vries}/members/${luciaInVries}`).expect(404);
    await carmen.agent.get(`/admin/api/organisations/${santos}/members/${luciaInVries}`).expect(404);
    await change(carmen, 'put', `/admin/api/organisations/${vries}/members/${luciaInVries}/level`, { level: '2' }).expect(404);
    await change(carmen, 'post', `/admin/api/organisations/${vries}/members/${luciaInVries}/end`, { when: 'now' }).expect(404);
    // Lucía is a plain user in Santos: she sees her membership but administers nothing there
    const asUser = await lucia.agent.get(`/admin/api/organisations/${santos}/members`);
    assert.ok([403, 404].includes(asUser.status), String(asUser.status));
  });

  it('ends a membership on a date and now, and the last administrator only with the end-organisation confirmation', async () => {
    const tomorrowish = new Date(b.clock.now().getTime() + 3 * 86_400_000).toISOString().slice(0, 10);
    const planned = await change(carmen, 'post', `/admin/api/organisations/${santos}/members/${luciaInSantos}/end`, { when: 'date', date: tomorrowish }).expect(200);
    const body = conforms(schemaOf('post', '/organisations/:organisationId/members/:memberId/end'), planned.body);
    assert.equal(body.member.endDate, tomorrowish);
    assert.equal(body.organisationEnded, false);
    await change(carmen, 'post', `/admin/api/organisations/${santos}/members/${luciaInSantos}/end`, { when: 'now' }).expect(200);
    await change(carmen, 'post', `/admin/api/organisations/${santos}/members/${luciaInSantos}/end`, { when: 'sometime' }).expect(422);
  });

  it('the e-mailed activation link: login through the broker, back to the link, a confirmation, then active', async () => {
    const added = await change(lucia, 'post', `/admin/api/organisations/${vries}/members`, {
      subject: { kind: 'registry', documentType: 'DNI', documentNumber: CARMEN.document },
      givenName: 'Carmen',
      surname: 'Español Español',
      role: 'user',
      level: '3',
      contactEmail: 'carmen.vries@example.es',
    }).expect(201);
    await op('post', `/operator/members/${added.body[0].id}/approval`).expect(200);
    const token = await activationToken(b, 'carmen.vries@example.es');
    const link = `/admin/activate/${token}`;
    const agent = newAgent(b);
    const toLogin = await agent.get(link).expect(303);
    assert.equal(toLogin.headers.location, `/admin/login?RelayState=${encodeURIComponent(link)}`);
    const admin = await loginAdmin(b, CARMEN, agent, { loginPath: toLogin.headers.location!, landing: link });
    const page = await agent.get(link).expect(200).expect('content-type', /html/);
    assert.match(page.text, new RegExp(`<form method="post" action="${link}"><input type="hidden" name="csrf" value="${admin.csrf}">`));
    // a GET changes nothing; a POST without the session's token neither
    const before = (await agent.get('/admin/api/me/memberships').expect(200)).body as { organisation: { id: string } }[];
    assert.ok(!before.some((m) => m.organisation.id === vries));
    await agent.post(link).type('form').send({ csrf: 'wrong' }).expect(303).expect('location', link);
    const done = await agent.post(link).type('form').send({ csrf: admin.csrf }).expect(200);
    assert.match(done.text, /Accountants Vries/);
    const after = (await agent.get('/admin/api/me/memberships').expect(200)).body as { organisation: { id: string }; member: { status: string } }[];
    assert.deepEqual(after.filter((m) => m.organisation.id === vries).map((m) => m.member.status), ['active']);
    const again = await agent.post(link).type('form').send({ csrf: admin.csrf });
    assert.ok(again.status >= 400 && again.status < 500 && /class="error"/.test(again.text), 'a used link shows the refusal');
    await agent.get('/admin/activate/short').expect(404);
    await agent.get(`/admin/login?RelayState=${encodeURIComponent('https://evil.test/')}`).expect(400);
  });

  it('the last administrator ending her own membership ends the organisation only with the explicit confirmation (seed 004 §3.4.1)', async () => {
    const created = await op('post', '/operator/organisations', {
      identifier: { type: 'kvk', value: '90000003' },
      name: 'Eenmanszaak Español',
      firstAdministrator: {
        subject: { kind: 'registry', documentType: 'DNI', documentNumber: CARMEN.document },
        givenName: 'Carmen',
        surname: 'Español Español',
        role: 'administrator',
        level: '3',
        contactEmail: 'carmen.alone@example.es',
      },
    }).expect(201);
    const organisationId = created.body.organisation.id as string;
    const me = await change(carmen, 'post', '/admin/api/activations', { token: await activationToken(b, 'carmen.alone@example.es') }).expect(200);
    const refused = await change(carmen, 'post', `/admin/api/organisations/${organisationId}/members/${me.body.id}/end`, { when: 'now' }).expect(409);
    assert.equal(refused.body.error, 'conflict');
    await carmen.agent.get(`/admin/api/organisations/${organisationId}`).expect(200);
    const ended = await change(carmen, 'post', `/admin/api/organisations/${organisationId}/members/${me.body.id}/end`, { when: 'now', confirmEndOrganisation: true }).expect(200);
    assert.equal(conforms(schemaOf('post', '/organisations/:organisationId/members/:memberId/end'), ended.body).organisationEnded, true);
    const found = conforms(schemaOf('get', '/operator/organisations'), (await op('get', '/operator/organisations?type=kvk&value=90000003').expect(200)).body);
    assert.equal(found.status, 'ended');
  });
});
