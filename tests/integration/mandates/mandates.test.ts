// Mandates and chain mandates (seed 004 §4–§5): durations, level caps, bulk all-or-nothing,
// overwrite and replacement, revocation, branches, chain mandate rules. PGlite and PostgreSQL.
import { strict as assert } from 'node:assert';
import { forEachStores } from '../../helpers/test-broker.js';
import { openWorld, refused, type World } from '../../helpers/mandates-world.js';
import { addDays, addYears, addMonths } from '../../../broker/mandates/dates.js';
import type { Organisation, Service } from '../../../broker/mandates/model.js';
import type { WorldPerson } from '../../helpers/mandates-world.js';

forEachStores('mandates registry: mandates', (stores) => {
  let w: World;
  let s3: Service;
  let s2plus: Service;
  let s4: Service;
  let chainService: Service;
  before(async () => {
    w = await openWorld(stores);
    s3 = await w.service({ minRung: '3', name: 'Tax return' });
    s2plus = await w.service({ minRung: '2+', name: 'Permit' });
    s4 = await w.service({ minRung: '4', name: 'High' });
    chainService = await w.service({ minRung: '3', acceptsChain: true, name: 'Chain tax' });
  });
  after(async () => w?.close());

  async function orgWithUser(level: '2+' | '3' | '4' = '3', adminLevel: '3' | '4' = '3') {
    const o = await w.organisation({ level: adminLevel });
    const u = await w.member(o.org, o.admin.actor(adminLevel), { level });
    return { ...o, user: u };
  }

  const mandatesOf = async (memberId: string) => w.tb.broker.services.db.selectFrom('mandates').selectAll().where('member_id', '=', memberId).execute();

  describe('granting', () => {
    it('starts today and ends after the default 5 years, or 1/3/5 years, or a day from tomorrow up to 5 years ahead', async () => {
      const { org, admin, user } = await orgWithUser();
      const [m] = await w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [user.member.id], scopes: [{ kind: 'service', serviceId: s3.id }] });
      assert.equal(m!.startDate, w.day());
      assert.equal(m!.endDate, addYears(w.day(), 5));
      for (const years of [1, 3, 5] as const) {
        const [x] = await w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [user.member.id], scopes: [{ kind: 'service', serviceId: s3.id }], duration: { years } });
        assert.equal(x!.endDate, addYears(w.day(), years));
      }
      await refused(() => w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [user.member.id], scopes: [{ kind: 'service', serviceId: s3.id }], duration: { years: 2 as never } }), 'invalid', 'invalid-duration');
      await refused(() => w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [user.member.id], scopes: [{ kind: 'service', serviceId: s3.id }], duration: { endDate: addDays(addYears(w.day(), 5), 1) } }), 'invalid', 'end-date-too-late');
      await refused(() => w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [user.member.id], scopes: [{ kind: 'service', serviceId: s3.id }], duration: { endDate: w.day(0) } }), 'invalid', 'end-date-too-early');
      await refused(() => w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [user.member.id], scopes: [{ kind: 'service', serviceId: s3.id }], duration: { endDate: '2030-02-30' } }), 'invalid', 'invalid-date');
      const [last] = await w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [user.member.id], scopes: [{ kind: 'service', serviceId: s3.id }], duration: { endDate: w.day(1) } });
      assert.equal(last!.endDate, w.day(1));
      assert.equal((await mandatesOf(user.member.id)).length, 1, 'one mandate per member and service, its end overwritten');
    });

    it('flags a mandate ending within 2 months as ending soon', async () => {
      const { org, admin, user } = await orgWithUser();
      const soon = addMonths(w.day(), 2);
      const [a] = await w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [user.member.id], scopes: [{ kind: 'service', serviceId: s3.id }], duration: { endDate: soon } });
      assert.equal(a!.endingSoon, true);
      const [b] = await w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [user.member.id], scopes: [{ kind: 'service', serviceId: s3.id }], duration: { endDate: addMonths(w.day(), 3) } });
      assert.equal(b!.endingSoon, false);
      w.advanceDays(40);
      try {
        assert.equal((await w.m.getMember(admin.actor('3'), org.id, user.member.id)).mandates[0]!.endingSoon, true);
      } finally {
        w.advanceDays(-40);
      }
    });

    it('refuses a member whose level is below the service\'s rung, or a general authority\'s', async () => {
      const { org, admin, user } = await orgWithUser('2+');
      const e = await refused(() => w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [user.member.id], scopes: [{ kind: 'service', serviceId: s3.id }] }), 'invalid', 'level-too-low');
      assert.equal(e.message, 'this person does not have the level needed for this service');
      await refused(() => w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [user.member.id], scopes: [{ kind: 'general', rung: '3' }] }), 'invalid', 'level-too-low');
      const [g] = await w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [user.member.id], scopes: [{ kind: 'general', rung: '2+' }] });
      assert.deepEqual(g!.scope, { kind: 'general', rung: '2+' });
      assert.equal((await w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [user.member.id], scopes: [{ kind: 'service', serviceId: s2plus.id }] })).length, 1);
    });

    it('an administrator grants only up to their own level', async () => {
      const high = await w.organisation({ level: '4' });
      const mid = await w.member(high.org, high.admin.actor('4'), { role: 'administrator', level: '3' });
      const top = await w.member(high.org, high.admin.actor('4'), { level: '4' });
      await refused(() => w.m.grantMandates(mid.person.actor('3'), high.org.id, { memberIds: [top.member.id], scopes: [{ kind: 'service', serviceId: s4.id }] }), 'invalid', 'level-above-own');
      await refused(() => w.m.grantMandates(mid.person.actor('3'), high.org.id, { memberIds: [top.member.id], scopes: [{ kind: 'general', rung: '4' }] }), 'invalid', 'level-above-own');
      assert.equal((await w.m.grantMandates(high.admin.actor('4'), high.org.id, { memberIds: [top.member.id], scopes: [{ kind: 'service', serviceId: s4.id }] })).length, 1);
    });

    it('gives mandates to active members only', async () => {
      const { org, admin } = await w.organisation();
      const [pending] = await w.m.addMember(admin.actor('3'), [org.id], w.newMember(await w.person()));
      await refused(() => w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [pending!.id], scopes: [{ kind: 'service', serviceId: s3.id }] }), 'invalid', 'member-not-active');
    });

    it('is all or nothing: one refused pair writes nothing and every refused pair is named', async () => {
      const { org, admin, user } = await orgWithUser('3');
      const low = await w.member(org, admin.actor('3'), { level: '2+' });
      const e = await refused(
        () => w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [user.member.id, low.member.id], scopes: [{ kind: 'service', serviceId: s2plus.id }, { kind: 'service', serviceId: s3.id }, { kind: 'general', rung: '3' }] }),
        'invalid',
        'level-too-low',
      );
      assert.equal((e as unknown as { refused: unknown[] }).refused.length, 2);
      assert.match(e.message, /Tax return/);
      assert.match(e.message, /general authority 3/);
      assert.equal((await mandatesOf(user.member.id)).length, 0);
      assert.equal((await mandatesOf(low.member.id)).length, 0);
      assert.ok(!(await w.tb.broker.services.audit.forSubject(user.person.id)).some((x) => x.action === 'mandate.grant'), 'a refused grant audits nothing');
      await refused(() => w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [user.member.id], scopes: [null as never] }), 'invalid', 'invalid-scope');
      await refused(() => w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [user.member.id], scopes: [{ kind: 'service', serviceId: 'nope' }] }), 'invalid', 'unknown-service');
      await refused(() => w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [user.member.id], scopes: [{ kind: 'general', rung: '5' as never }] }), 'invalid', 'invalid-rung');
      const granted = await w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [user.member.id, low.member.id], scopes: [{ kind: 'service', serviceId: s2plus.id }] });
      assert.equal(granted.length, 2);
      assert.ok((await w.emailsTo(low.person.email)).some((x) => /Permit/.test(x.text)));
      assert.ok((await w.tb.broker.services.audit.forSubject(low.person.id)).some((x) => x.action === 'mandate.grant'));
    });

    it('restricts to a branch of the organisation only', async () => {
      const { org, admin, user } = await orgWithUser();
      const other = await w.organisation();
      await refused(() => w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [user.member.id], scopes: [{ kind: 'service', serviceId: s3.id }], branchId: other.org.branches[0]!.id }), 'invalid', 'unknown-branch');
      const [m] = await w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [user.member.id], scopes: [{ kind: 'service', serviceId: s3.id }], branchId: org.branches[0]!.id });
      assert.equal(m!.branchId, org.branches[0]!.id);
    });

    it('refuses members of another organisation as not found', async () => {
      const a = await orgWithUser();
      const b = await orgWithUser();
      await refused(() => w.m.grantMandates(a.admin.actor('3'), a.org.id, { memberIds: [b.user.member.id], scopes: [{ kind: 'service', serviceId: s3.id }] }), 'not-found');
      await refused(() => w.m.grantMandates(a.admin.actor('3'), b.org.id, { memberIds: [b.user.member.id], scopes: [{ kind: 'service', serviceId: s3.id }] }), 'not-found');
      assert.equal((await mandatesOf(b.user.member.id)).length, 0);
    });
  });

  describe('after granting', () => {
    it('an expired mandate granted again starts again today', async () => {
      const { org, admin, user } = await orgWithUser();
      const [m] = await w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [user.member.id], scopes: [{ kind: 'service', serviceId: s3.id }], duration: { endDate: w.day(1) } });
      w.advanceDays(3);
      try {
        await refused(() => w.m.setMandateEnd(admin.actor('3'), org.id, m!.id, { years: 1 }), 'conflict', 'mandate-ended');
        assert.equal((await w.m.myMandates(user.person.actor('3')))[0]!.mandates.length, 0);
        assert.equal((await w.m.getMember(admin.actor('3'), org.id, user.member.id)).mandates.length, 0, 'an expired mandate is no longer shown');
        const [again] = await w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [user.member.id], scopes: [{ kind: 'service', serviceId: s3.id }], duration: { years: 1 } });
        assert.equal(again!.startDate, w.day());
        assert.equal(again!.endDate, addYears(w.day(), 1));
      } finally {
        w.advanceDays(-3);
      }
    });

    it('extends or shortens within the same bounds, and revokes at once', async () => {
      const { org, admin, user } = await orgWithUser();
      const [m] = await w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [user.member.id], scopes: [{ kind: 'service', serviceId: s3.id }], duration: { years: 1 } });
      assert.equal((await w.m.setMandateEnd(admin.actor('3'), org.id, m!.id, { years: 5 })).endDate, addYears(w.day(), 5));
      await refused(() => w.m.setMandateEnd(admin.actor('3'), org.id, m!.id, { endDate: w.day(0) }), 'invalid', 'end-date-too-early');
      assert.equal((await w.m.myMandates(user.person.actor('3')))[0]!.mandates.length, 1);
      await w.m.revokeMandate(admin.actor('3'), org.id, m!.id);
      assert.equal((await w.m.myMandates(user.person.actor('3')))[0]!.mandates.length, 0);
      const listed = await w.m.listMandates(admin.actor('3'), org.id);
      assert.equal(listed.find((x) => x.service?.id === s3.id)!.mandates.length, 0);
      await refused(() => w.m.revokeMandate(admin.actor('3'), org.id, m!.id), 'not-found');
      assert.ok((await w.emailsTo(user.person.email)).some((x) => /revoked/.test(x.text)));
    });

    it('lists mandates per service and general authority with their members', async () => {
      const { org, admin, user } = await orgWithUser();
      await w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [user.member.id], scopes: [{ kind: 'service', serviceId: s3.id }, { kind: 'general', rung: '2+' }] });
      const listed = await w.m.listMandates(admin.actor('3'), org.id);
      assert.deepEqual(listed.find((x) => x.service?.id === s3.id)!.mandates.map((x) => x.member.id), [user.member.id]);
      assert.deepEqual(listed.find((x) => x.scope.kind === 'general')!.mandates.map((x) => x.member.surname), [user.member.surname]);
    });

    it('a lowered level revokes the mandates it no longer reaches; ending a member revokes all', async () => {
      const { org, admin, user } = await orgWithUser('3');
      await w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [user.member.id], scopes: [{ kind: 'service', serviceId: s3.id }, { kind: 'service', serviceId: s2plus.id }] });
      await w.m.changeLevel(admin.actor('3'), org.id, user.member.id, '2+');
      const open = (await mandatesOf(user.member.id)).filter((x) => !x.revoked_at);
      assert.deepEqual(open.map((x) => x.service_id), [s2plus.id]);
      await w.m.endMember(admin.actor('3'), org.id, user.member.id, { when: 'now' });
      assert.equal((await mandatesOf(user.member.id)).filter((x) => !x.revoked_at).length, 0);
    });
  });

  describe('chain mandates', () => {
    async function pair(): Promise<{ client: Organisation; clientAdmin: WorldPerson; intermediary: Organisation; interAdmin: WorldPerson }> {
      const c = await w.organisation({ level: '3' });
      const i = await w.organisation({ level: '3' });
      return { client: c.org, clientAdmin: c.admin, intermediary: i.org, interAdmin: i.admin };
    }

    it('a client with only its administrator gives an intermediary, found by identifier, chain mandates its members can use', async () => {
      const { client, clientAdmin, intermediary, interAdmin } = await pair();
      const given = await w.m.grantChainMandates(clientAdmin.actor('3'), client.id, { intermediary: { type: 'kvk', value: ` ${intermediary.identifier.value.slice(0, 4)} ${intermediary.identifier.value.slice(4)}` }, scopes: [{ kind: 'service', serviceId: chainService.id }], duration: { years: 3 } });
      assert.equal(given[0]!.endDate, addYears(w.day(), 3));
      assert.equal(given[0]!.intermediaryOrganisationId, intermediary.id);
      const listedGiven = await w.m.listChainMandatesGiven(clientAdmin.actor('3'), client.id);
      assert.deepEqual(listedGiven.map((x) => x.intermediary.id), [intermediary.id]);
      const received = await w.m.listChainMandatesReceived(interAdmin.actor('3'), intermediary.id);
      assert.deepEqual(received.map((x) => x.client.id), [client.id]);
      const mine = await w.m.myMandates(interAdmin.actor('3'));
      assert.deepEqual(mine[0]!.chain.map((x) => x.client.id), [client.id]);
      assert.ok((await w.emailsTo((await w.m.myMemberships(interAdmin.actor('3')))[0]!.member.contactEmail)).some((x) => /Chain tax/.test(x.text)));
    });

    it('refuses unknown intermediaries, itself, services without chain mandates, administrators below level 3 and more than 5 years', async () => {
      const { client, clientAdmin, intermediary } = await pair();
      const scopes = [{ kind: 'service' as const, serviceId: chainService.id }];
      await refused(() => w.m.grantChainMandates(clientAdmin.actor('3'), client.id, { intermediary: { type: 'kvk', value: '99999998' }, scopes }), 'not-found', 'intermediary-not-found');
      await refused(() => w.m.grantChainMandates(clientAdmin.actor('3'), client.id, { intermediary: { type: 'kvk', value: '1234' }, scopes }), 'invalid', 'invalid-identifier');
      await refused(() => w.m.grantChainMandates(clientAdmin.actor('3'), client.id, { intermediary: client.identifier, scopes }), 'invalid', 'same-organisation');
      await refused(() => w.m.grantChainMandates(clientAdmin.actor('3'), client.id, { intermediary: intermediary.identifier, scopes: [{ kind: 'service', serviceId: s3.id }] }), 'invalid', 'service-not-chain');
      await refused(() => w.m.grantChainMandates(clientAdmin.actor('3'), client.id, { intermediary: intermediary.identifier, scopes, duration: { endDate: addYears(w.day(), 6) } }), 'invalid', 'end-date-too-late');
      const low = await w.organisation({ level: '2+' });
      await refused(() => w.m.grantChainMandates(low.admin.actor('3'), low.org.id, { intermediary: intermediary.identifier, scopes }), 'forbidden', 'chain-level-too-low');
      const outsider = await w.organisation();
      await refused(() => w.m.grantChainMandates(outsider.admin.actor('3'), client.id, { intermediary: intermediary.identifier, scopes }), 'not-found');
      assert.deepEqual(await w.m.listChainMandatesGiven(clientAdmin.actor('3'), client.id), []);
    });

    it('extends, revokes, and removes an intermediary with all its chain mandates', async () => {
      const { client, clientAdmin, intermediary, interAdmin } = await pair();
      const given = await w.m.grantChainMandates(clientAdmin.actor('3'), client.id, { intermediary: intermediary.identifier, scopes: [{ kind: 'service', serviceId: chainService.id }, { kind: 'general', rung: '2+' }], duration: { years: 1 } });
      assert.equal(given.length, 2);
      assert.equal((await w.m.setChainMandateEnd(clientAdmin.actor('3'), client.id, given[0]!.id, { years: 5 })).endDate, addYears(w.day(), 5));
      await w.m.revokeChainMandate(clientAdmin.actor('3'), client.id, given[0]!.id);
      assert.equal((await w.m.listChainMandatesGiven(clientAdmin.actor('3'), client.id))[0]!.chainMandates.length, 1);
      // the intermediary cannot touch what the client gave
      await refused(() => w.m.revokeChainMandate(interAdmin.actor('3'), intermediary.id, given[1]!.id), 'not-found');
      await refused(() => w.m.removeIntermediary(interAdmin.actor('3'), client.id, intermediary.id), 'not-found');
      assert.equal(await w.m.removeIntermediary(clientAdmin.actor('3'), client.id, intermediary.id), 1);
      assert.deepEqual(await w.m.listChainMandatesGiven(clientAdmin.actor('3'), client.id), []);
      assert.deepEqual(await w.m.listChainMandatesReceived(interAdmin.actor('3'), intermediary.id), []);
    });
  });
});
