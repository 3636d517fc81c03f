// The downloads of the chain mandate lists (given and received) and of one's own login history
// over HTTP: linked from their pages, the API's CSV (with byte-order mark) and XLSX with the same
// rows, a cell a spreadsheet would read as a formula neutralised, and no other organisation's list.
import assert from 'node:assert/strict';
import { openWorld, type World } from '../../helpers/mandates-world.js';
import { loginAdmin, type AdminAgent } from '../../helpers/admin-session.js';
import { FAST_ARGON2 } from '../../helpers/permanente-login.js';
import { binary, csvRows, xlsxRows } from '../../helpers/export-files.js';
import { newAgent } from '../../helpers/sp-requests.js';
import type { Organisation } from '../../../broker/mandates/model.js';
import { paths } from '../../../broker/admin/pages/paths.js';

describe('management pages over HTTP: chain mandate and login history exports', function () {
  this.timeout(60_000);
  let w: World;
  let client: Organisation;
  let intermediary: Organisation;
  let clientAdmin: AdminAgent;
  let intermediaryAdmin: AdminAgent;
  const download = (a: AdminAgent, href: string) => a.agent.get(href).buffer(true).parse(binary);
  const amp = (href: string) => href.replace(/&/g, '&amp;');

  before(async () => {
    w = await openWorld('embedded', { connectors: { permanente: { argon2: FAST_ARGON2 } } });
    const c = await w.organisation({ level: '3', name: 'Client B.V.' });
    // a name a spreadsheet would run as a formula if it were written as typed
    const i = await w.organisation({ level: '3', name: '=HYPERLINK("http://evil.test") Intermediary' });
    client = c.org;
    intermediary = i.org;
    await w.m.grantChainMandates(c.admin.actor('3'), client.id, { intermediary: intermediary.identifier, scopes: [{ kind: 'general', rung: '2' }] });
    clientAdmin = await loginAdmin(w.tb, { document: c.admin.document, mobile: c.admin.mobile });
    intermediaryAdmin = await loginAdmin(w.tb, { document: i.admin.document, mobile: i.admin.mobile });
  });
  after(() => w?.close());

  it('the given list: linked from the chain page, CSV and XLSX with the same rows, the formula-like name neutralised', async () => {
    const page = (await clientAdmin.agent.get(paths.section(client.id, 'chain')).expect(200)).text;
    for (const format of ['csv', 'xlsx'] as const) assert.ok(page.includes(`href="${amp(paths.exportChainMandates(client.id, 'given', format))}"`), `the ${format} link`);
    const csv = await download(clientAdmin, paths.exportChainMandates(client.id, 'given', 'csv')).expect(200).expect('content-type', /^text\/csv/)
      .expect('content-disposition', new RegExp(`^attachment; filename="?chain-mandates-given-${client.identifier.value}-\\d{4}-\\d{2}-\\d{2}\\.csv"?$`));
    const rows = csvRows(csv.body as Buffer);
    assert.deepEqual(rows[0], ['Intermediary', 'Intermediary identifier', 'Service', 'Start', 'End', 'Ending soon']);
    assert.equal(rows.length, 2);
    assert.deepEqual([rows[1]![0], rows[1]![1], rows[1]![2], rows[1]![5]], [`'${intermediary.name}`, `${intermediary.identifier.type} ${intermediary.identifier.value}`, 'General authority (up to level 2)', 'no']);
    const xlsx = await download(clientAdmin, paths.exportChainMandates(client.id, 'given', 'xlsx')).expect(200).expect('content-type', /spreadsheetml/);
    assert.deepEqual(await xlsxRows(xlsx.body as Buffer, rows[0]!.length), rows);
  });

  it('the received list: the intermediary downloads the clients\' chain mandates; nobody else\'s list is reachable', async () => {
    const page = (await intermediaryAdmin.agent.get(`${paths.section(intermediary.id, 'chain')}/received`).expect(200)).text;
    assert.ok(page.includes(`href="${amp(paths.exportChainMandates(intermediary.id, 'received', 'xlsx'))}"`));
    const rows = csvRows((await download(intermediaryAdmin, paths.exportChainMandates(intermediary.id, 'received', 'csv')).expect(200)).body as Buffer);
    assert.deepEqual(rows[0], ['Client', 'Client identifier', 'Service', 'Start', 'End', 'Ending soon']);
    assert.deepEqual(rows.slice(1).map((r) => r[0]), ['Client B.V.']);
    const xlsx = await download(intermediaryAdmin, paths.exportChainMandates(intermediary.id, 'received', 'xlsx')).expect(200);
    assert.deepEqual(await xlsxRows(xlsx.body as Buffer, rows[0]!.length), rows);
    await intermediaryAdmin.agent.get(paths.exportChainMandates(client.id, 'given', 'csv')).expect(404);
    await clientAdmin.agent.get(paths.exportChainMandates(intermediary.id, 'received', 'xlsx')).expect(404);
    await clientAdmin.agent.get(paths.exportChainMandates(client.id, 'given', 'csv').replace('csv', 'pdf')).expect(422);
  });

  it('one\'s login history: linked from the history page, the service by its display name, in CSV and XLSX; only with a session', async () => {
    const page = (await clientAdmin.agent.get(paths.loginHistory).expect(200)).text;
    for (const format of ['csv', 'xlsx'] as const) assert.ok(page.includes(`href="${paths.exportLoginHistory(format)}"`), `the ${format} link`);
    const csv = await download(clientAdmin, paths.exportLoginHistory('csv')).expect(200).expect('content-disposition', /^attachment; filename="?login-history-\d{4}-\d{2}-\d{2}\.csv"?$/);
    const rows = csvRows(csv.body as Buffer);
    assert.deepEqual(rows[0], ['Time (UTC)', 'Service', 'Method', 'Level', 'Outcome', 'IP address']);
    assert.ok(rows.length >= 2, 'the login through the broker is exported');
    assert.deepEqual([rows[1]![1], rows[1]![4]], ['Pasarela management', 'success']);
    assert.ok(!Number.isNaN(Date.parse(rows[1]![0]!)));
    const xlsx = await download(clientAdmin, paths.exportLoginHistory('xlsx')).expect(200);
    assert.deepEqual(await xlsxRows(xlsx.body as Buffer, rows[0]!.length), rows);
    await newAgent(w.tb).get(paths.exportLoginHistory('csv')).expect(401);
  });
});
