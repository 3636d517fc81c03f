// The local register of organisations and the service catalogue (operator API). PGlite and PostgreSQL.
import { strict as assert } from 'node:assert';
import { forEachStores } from '../../helpers/test-broker.js';
import { OPERATOR, openWorld, refused, type World } from '../../helpers/mandates-world.js';
import type { NewService } from '../../../broker/mandates/model.js';

forEachStores('mandates registry: organisations and services', (stores) => {
  let w: World;
  before(async () => {
    w = await openWorld(stores);
  });
  after(async () => w?.close());

  it('registers an organisation under its normalised identifier, once, with its branches, audited', async () => {
    const { organisation, administrator } = await w.m.createOrganisation(OPERATOR, {
      identifier: { type: 'nif', value: 'q-2826000-h' },
      name: 'Agencia de prueba',
      rsin: '111 222 333',
      address: { street: 'Calle 1', postcode: '28001', city: 'Madrid', country: 'es' },
      branches: [{ branchNumber: '0000 1111 2222', name: 'Sede' }],
    });
    assert.deepEqual(organisation.identifier, { type: 'nif', value: 'Q2826000H' });
    assert.equal(organisation.rsin, '111222333');
    assert.equal(organisation.address?.country, 'ES');
    assert.deepEqual(organisation.branches.map((b) => b.branchNumber), ['000011112222']);
    assert.equal(administrator, null);
    assert.equal((await w.m.findOrganisation({ type: 'nif', value: 'Q2826000H' }))?.id, organisation.id);
    assert.equal(await w.m.findOrganisation({ type: 'kvk', value: '99999997' }), null);
    await refused(() => w.m.findOrganisation({ type: 'kvk', value: 'abc' }), 'invalid', 'invalid-identifier');
    await refused(() => w.m.createOrganisation(OPERATOR, { identifier: { type: 'nif', value: 'Q2826000H' }, name: 'Again' }), 'conflict', 'organisation-exists');
    assert.ok((await w.tb.broker.services.audit.forSubject(`organisation:${organisation.id}`)).some((e) => e.action === 'organisation.create'));

    const branch = await w.m.addBranch(OPERATOR, organisation.id, { branchNumber: '000011113333', name: 'Sucursal' });
    assert.equal(branch.organisationId, organisation.id);
    await refused(() => w.m.addBranch(OPERATOR, organisation.id, { branchNumber: '000011113333', name: 'Twice' }), 'conflict', 'branch-exists');
    await refused(() => w.m.addBranch(OPERATOR, organisation.id, { branchNumber: '123', name: 'Short' }), 'invalid', 'invalid-identifier');
    await refused(() => w.m.addBranch(OPERATOR, '00000000-0000-4000-8000-000000000001', { branchNumber: '000011114444', name: 'Nowhere' }), 'not-found');
  });

  it('refuses bad input and anyone but the operator', async () => {
    const p = await w.person();
    await refused(() => w.m.createOrganisation(p.actor('4'), { identifier: { type: 'kvk', value: '90000099' }, name: 'X' }), 'forbidden', 'operator-only');
    await refused(() => w.m.createOrganisation(OPERATOR, { identifier: { type: 'rsin', value: '123456789' }, name: 'X' }), 'invalid', 'invalid-identifier');
    await refused(() => w.m.createOrganisation(OPERATOR, { identifier: { type: 'kvk', value: '90000098' }, name: ' ' }), 'invalid');
    await refused(() => w.m.createOrganisation(OPERATOR, { identifier: { type: 'kvk', value: '90000098' }, name: 'X', rsin: '123456789' }), 'invalid', 'invalid-identifier');
    await refused(() => w.m.createOrganisation(OPERATOR, { identifier: { type: 'kvk', value: '90000098' }, name: 'X', firstAdministrator: w.newMember(p, { role: 'user' }) }), 'invalid', 'first-member-administrator');
    assert.equal(await w.m.findOrganisation({ type: 'kvk', value: '90000098' }), null, 'nothing of a refused organisation is written');
  });

  it('the first administrator the operator names only has to activate', async () => {
    const { org, admin, adminMember } = await w.organisation({ level: '4' });
    assert.equal(adminMember.status, 'active');
    assert.equal(adminMember.role, 'administrator');
    assert.equal((await w.m.getOrganisation(admin.actor('4'), org.id)).id, org.id);
  });

  it('keeps one catalogue entry per ServiceID, updated in place', async () => {
    const base: NewService = {
      serviceId: 'urn:etoegang:DV:00000001234567890000:services:900',
      serviceUuid: '11111111-2222-4333-8444-555555555555',
      spEntityID: 'https://sp2.test/metadata',
      acsIndex: 900,
      isDefault: false,
      names: { nl: 'Aangifte', en: 'Tax return', es: 'Declaración' },
      minRung: '3',
      representation: 'optional',
      acceptsChain: true,
    };
    const first = await w.m.putService(OPERATOR, base);
    const again = await w.m.putService(OPERATOR, { ...base, minRung: '2+', names: { ...base.names, en: 'Tax return 2' } });
    assert.equal(again.id, first.id);
    assert.equal(again.minRung, '2+');
    assert.equal((await w.m.listServices()).filter((s) => s.serviceId === base.serviceId).length, 1);
    await refused(() => w.m.putService(OPERATOR, { ...base, serviceId: 'urn:other:1', acsIndex: 901 }), 'conflict', 'service-exists');
    await refused(() => w.m.putService(OPERATOR, { ...base, minRung: '9' as never }), 'invalid', 'invalid-rung');
    await refused(() => w.m.putService(OPERATOR, { ...base, representation: 'none' }), 'invalid');
    await refused(() => w.m.putService(OPERATOR, { ...base, serviceUuid: 'nope' }), 'invalid');
    const someone = await w.person();
    await refused(() => w.m.putService(someone.actor('4'), base), 'forbidden', 'operator-only');
  });
});
