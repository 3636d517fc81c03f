// The broker's retention purge (retention.*): entries recorded through the broker's own services
// go when the broker's clock has moved past their retention, and not before; the purge is counted
// at /metrics; two nodes on one PostgreSQL purge at the same moment without failing.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { forEachStores, startTestBroker, type TestBroker } from '../../helpers/test-broker.js';
import { recordLogins } from '../../../broker/store/login-history.js';

const DAY = 86_400_000;

forEachStores('retention purge', (stores) => {
  let b: TestBroker;
  before(async function () {
    this.timeout(60_000);
    b = await startTestBroker({ stores, overrides: { retention: { auditDays: 30, loginHistoryDays: 90 } } });
  });
  after(() => b.close());

  it('deletes audit entries and login history by the broker clock, each after its own retention', async () => {
    const s = b.broker.services;
    const subject = randomUUID();
    await s.audit.record({ actor: 'registrar', action: 'test.retention', subject, ip: '192.0.2.7' });
    await recordLogins(s.db, [{ personId: subject, spEntityID: 'https://sp1.test/metadata', method: 'pin', loa: '2', outcome: 'success', at: s.now() }]);
    const history = () => s.db.selectFrom('login_history').select('id').where('person_id', '=', subject).execute();

    b.clock.advance(29 * DAY);
    await b.broker.retention.runNow();
    assert.equal((await s.audit.forSubject(subject)).length, 1, 'within 30 days: kept');

    b.clock.advance(2 * DAY);
    const first = await b.broker.retention.runNow();
    assert.ok(!first.skipped);
    assert.ok(first.deleted.audit_log >= 1);
    assert.deepEqual(await s.audit.forSubject(subject), []);
    assert.equal((await history()).length, 1, 'login history keeps 90 days');

    b.clock.advance(60 * DAY);
    await b.broker.retention.runNow();
    assert.deepEqual(await history(), []);

    const metrics = await request(b.server).get('/metrics').expect(200);
    assert.match(metrics.text, /pasarela_retention_purged_rows_total\{table="audit_log"\} [1-9]/);
    assert.match(metrics.text, /pasarela_retention_purged_rows_total\{table="login_history"\} [1-9]/);
  });

  if (stores === 'real') {
    it('two nodes on one PostgreSQL purging at once: no failure, every old row gone once', async function () {
      this.timeout(60_000);
      const second = await startTestBroker({ nodeOf: b, overrides: { retention: { auditDays: 30, loginHistoryDays: 90 } } });
      try {
        const s = b.broker.services;
        const at = new Date(s.now().getTime() - 400 * DAY);
        await s.db.insertInto('audit_log').values(Array.from({ length: 50 }, (_, i) => ({ actor: 'registrar', action: 'test.nodes', subject: `n${i}`, at }))).execute();
        second.clock.advance(b.clock.now().getTime() - second.clock.now().getTime());
        const results = await Promise.all([b.broker.retention.runNow(), second.broker.retention.runNow()]);
        const ran = results.flatMap((r) => (r.skipped ? [] : [r.deleted.audit_log]));
        assert.ok(ran.length >= 1);
        assert.equal(ran.reduce((x, y) => x + y, 0), 50);
        assert.equal((await s.db.selectFrom('audit_log').select('id').where('action', '=', 'test.nodes').execute()).length, 0);
      } finally {
        await second.close();
      }
    });
  }
});
