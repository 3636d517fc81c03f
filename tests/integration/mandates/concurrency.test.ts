// Concurrent changes against real PostgreSQL, where they can actually interleave (PGlite runs one
// statement at a time). Without the organisation row lock these fail: both administrators see
// the other one still counting and end each other; a grant checks a level that a concurrent
// change lowers; a grant extends a mandate a concurrent revoke has just revoked.
import { strict as assert } from 'node:assert';
import { sql } from 'kysely';
import { describeServer, serverTarget } from '../../helpers/store-targets.js';
import { openWorld, type World } from '../../helpers/mandates-world.js';
import { rungAtLeast } from '../../../broker/loa.js';
import type { Service } from '../../../broker/mandates/model.js';

const ROUNDS = 20;

describeServer(serverTarget('mandates registry: concurrent changes [PostgreSQL]', 'TEST_DATABASE_URL'), () => {
  let w: World;
  let s3: Service;
  let s2plus: Service;
  before(async () => {
    w = await openWorld('real');
    s3 = await w.service({ minRung: '3' });
    s2plus = await w.service({ minRung: '2+' });
  });
  after(async () => w?.close());

  async function countingAdministrators(orgId: string): Promise<number> {
    const r = await sql<{ n: string }>`select count(*) as n from members where organisation_id = ${orgId} and role = 'administrator' and status = 'active' and end_date is null`.execute(w.tb.broker.services.db);
    return Number(r.rows[0]!.n);
  }

  for (const when of ['now', 'date'] as const) {
    it(`two administrators ending each other (${when}) at the same moment always leave one (${ROUNDS} rounds)`, async () => {
      for (let i = 0; i < ROUNDS; i++) {
        const a = await w.organisation({ level: '3' });
        const b = await w.member(a.org, a.admin.actor('3'), { role: 'administrator', level: '3' });
        const end = when === 'now' ? { when } : { when, date: w.day(7) };
        const results = await Promise.allSettled([
          w.m.endMember(a.admin.actor('3'), a.org.id, b.member.id, end),
          w.m.endMember(b.person.actor('3'), a.org.id, a.adminMember.id, end),
        ]);
        assert.equal(await countingAdministrators(a.org.id), 1, `round ${i}: ${results.map((r) => r.status).join(', ')}`);
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, `round ${i}: exactly one of them succeeds`);
        const refusal = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        assert.ok(['last-administrator', 'not-administrator'].includes((refusal.reason as { reason: string }).reason), String(refusal.reason));
      }
    });
  }

  it(`a bulk grant racing a level change never leaves a mandate above the member's level (${ROUNDS} rounds)`, async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const o = await w.organisation({ level: '3' });
      const u = await w.member(o.org, o.admin.actor('3'), { level: '3' });
      const v = await w.member(o.org, o.admin.actor('3'), { level: '3' });
      await Promise.allSettled([
        w.m.grantMandates(o.admin.actor('3'), o.org.id, { memberIds: [u.member.id, v.member.id], scopes: [{ kind: 'service', serviceId: s3.id }, { kind: 'service', serviceId: s2plus.id }] }),
        w.m.changeLevel(o.admin.actor('3'), o.org.id, u.member.id, '2+'),
      ]);
      const member = await w.m.getMember(o.admin.actor('3'), o.org.id, u.member.id);
      assert.equal(member.level, '2+');
      for (const m of member.mandates) {
        const rung = m.scope.kind === 'service' ? (m.scope.serviceId === s3.id ? '3' : '2+') : m.scope.rung;
        assert.ok(rungAtLeast(member.level, rung), `round ${i}: a level ${member.level} member holds a mandate needing ${rung}`);
      }
      const open = await w.tb.broker.services.db.selectFrom('mandates').select('member_id').where('organisation_id', '=', o.org.id).where('revoked_at', 'is', null).execute();
      // all or nothing: v's two mandates exist exactly when the grant went through
      const vCount = open.filter((m) => m.member_id === v.member.id).length;
      assert.ok(vCount === 0 || vCount === 2, `round ${i}: ${vCount} of v's 2 mandates`);
    }
  });

  it(`a bulk grant racing a revoke never answers with a revoked mandate (${ROUNDS} rounds)`, async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const o = await w.organisation({ level: '3' });
      const u = await w.member(o.org, o.admin.actor('3'), { level: '3' });
      const v = await w.member(o.org, o.admin.actor('3'), { level: '3' });
      const [existing] = await w.m.grantMandates(o.admin.actor('3'), o.org.id, { memberIds: [u.member.id], scopes: [{ kind: 'service', serviceId: s3.id }], duration: { years: 1 } });
      const [granted, revoked] = await Promise.allSettled([
        w.m.grantMandates(o.admin.actor('3'), o.org.id, { memberIds: [u.member.id, v.member.id], scopes: [{ kind: 'service', serviceId: s3.id }, { kind: 'service', serviceId: s2plus.id }], duration: { years: 5 } }),
        w.m.revokeMandate(o.admin.actor('3'), o.org.id, existing!.id),
      ]);
      assert.equal(granted.status, 'fulfilled', String((granted as PromiseRejectedResult).reason));
      assert.equal(revoked.status, 'fulfilled', String((revoked as PromiseRejectedResult).reason));
      const answer = (granted as PromiseFulfilledResult<readonly { id: string; revokedAt: Date | null }[]>).value;
      assert.equal(answer.length, 4);
      assert.ok(answer.every((m) => m.revokedAt === null), `round ${i}: the grant answered with a revoked mandate`);
      const open = await w.tb.broker.services.db.selectFrom('mandates').select(['member_id', 'service_id']).where('organisation_id', '=', o.org.id).where('revoked_at', 'is', null).execute();
      // u's s3 mandate is open when the grant came last, revoked when the revoke came last; all else open
      assert.ok(open.length === 3 || open.length === 4, `round ${i}: ${open.length} open mandates`);
    }
  });
});
