// What the registry changes is what the next login finds: the representation step's queries
// (representations.ts) over the rows the registry wrote, after grants, revocations, a planned end,
// a lowered level, a removed intermediary and an ended organisation. PGlite and PostgreSQL.
import { strict as assert } from 'node:assert';
import { forEachStores } from '../../helpers/test-broker.js';
import { openWorld, type World } from '../../helpers/mandates-world.js';
import { createRepresentations, type Representations } from '../../../broker/mandates/representations.js';
import type { LoaRung } from '../../../broker/loa.js';
import type { Service } from '../../../broker/mandates/model.js';

forEachStores('mandates registry: what the next login finds', (stores) => {
  let w: World;
  let reps: Representations;
  let tax: Service;
  before(async () => {
    w = await openWorld(stores);
    const cfg = w.tb.broker.services.config.mandates;
    reps = createRepresentations(w.tb.broker.services.db, { timeZone: cfg.timeZone, chainMinimumRung: cfg.chainMinimumRung });
    tax = await w.service({ minRung: '3', acceptsChain: true, name: 'Chain tax' });
  });
  after(async () => w?.close());

  const choices = async (personId: string, rung: LoaRung = '3') =>
    (await reps.choicesFor({ personId, service: tax, rung, now: w.tb.clock.now() })).map((c) => `${c.kind}:${c.organisation.name}${c.intermediary ? ` via ${c.intermediary.name}` : ''}`);

  it('a granted mandate is offered; revoked, it is gone at the next login', async () => {
    const { org, admin } = await w.organisation({ name: 'Direct B.V.' });
    const u = await w.member(org, admin.actor('3'), { level: '3' });
    assert.deepEqual(await choices(u.person.id), []);
    const [m] = await w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [u.member.id], scopes: [{ kind: 'service', serviceId: tax.id }] });
    assert.deepEqual(await choices(u.person.id), ['direct:Direct B.V.']);
    await w.m.revokeMandate(admin.actor('3'), org.id, m!.id);
    assert.deepEqual(await choices(u.person.id), []);
  });

  it('a planned end or a lowered level takes the mandate away too', async () => {
    const { org, admin } = await w.organisation({ name: 'Planned B.V.' });
    const u = await w.member(org, admin.actor('3'), { level: '3' });
    const v = await w.member(org, admin.actor('3'), { level: '3' });
    await w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [u.member.id, v.member.id], scopes: [{ kind: 'general', rung: '3' }] });
    await w.m.endMember(admin.actor('3'), org.id, u.member.id, { when: 'date', date: w.day(3) });
    await w.m.changeLevel(admin.actor('3'), org.id, v.member.id, '2+');
    assert.deepEqual(await choices(u.person.id), ['direct:Planned B.V.'], 'still valid until the planned day');
    assert.deepEqual(await choices(v.person.id), []);
    w.advanceDays(3);
    try {
      assert.deepEqual(await choices(u.person.id), []);
    } finally {
      w.advanceDays(-3);
    }
  });

  it('a chain mandate is offered through the intermediary until the client removes it or ends', async () => {
    const client = await w.organisation({ name: 'Client B.V.' });
    const inter = await w.organisation({ name: 'Inter B.V.' });
    const acting = await w.member(inter.org, inter.admin.actor('3'), { level: '3' });
    await w.m.grantMandates(inter.admin.actor('3'), inter.org.id, { memberIds: [acting.member.id], scopes: [{ kind: 'service', serviceId: tax.id }] });
    await w.m.grantChainMandates(client.admin.actor('3'), client.org.id, { intermediary: inter.org.identifier, scopes: [{ kind: 'service', serviceId: tax.id }] });
    assert.deepEqual(await choices(acting.person.id), ['direct:Inter B.V.', 'chain:Client B.V. via Inter B.V.']);
    assert.equal(await w.m.removeIntermediary(client.admin.actor('3'), client.org.id, inter.org.id), 1);
    assert.deepEqual(await choices(acting.person.id), ['direct:Inter B.V.']);

    await w.m.grantChainMandates(client.admin.actor('3'), client.org.id, { intermediary: inter.org.identifier, scopes: [{ kind: 'general', rung: '3' }] });
    assert.deepEqual(await choices(acting.person.id), ['direct:Inter B.V.', 'chain:Client B.V. via Inter B.V.']);
    await w.m.endMember(client.admin.actor('3'), client.org.id, client.adminMember.id, { when: 'now', confirmEndOrganisation: true });
    assert.deepEqual(await choices(acting.person.id), ['direct:Inter B.V.']);
  });
});
