// The login flow on the production stores: real PostgreSQL and Redis, and two broker nodes sharing
// them (design.md "Scaling out": any node serves any step). Each step of a login lands on the
// other node; single use and the replay cache hold across nodes. Required under CI.
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestBroker, SP1, SP2, type TestBroker } from '../helpers/test-broker.js';
import { CARMEN, csrfOf, readPinFromOutbox, readPostForm, txOf } from '../helpers/flow-driver.js';
import { describeServer, serverTarget } from '../helpers/store-targets.js';
import { buildAuthnRequest, redirectQuery, testKey } from '../helpers/sign-request.js';
import { statusOf } from '../helpers/sp-requests.js';

const db = serverTarget('PostgreSQL', 'TEST_DATABASE_URL');
const redis = serverTarget('Redis', 'TEST_REDIS_URL');

describeServer(db, () => {
  describeServer(redis, () => {
    describe('two broker nodes on real PostgreSQL and Redis', () => {
      let a: TestBroker;
      let b: TestBroker;
      before(async () => {
        a = await startTestBroker({ stores: 'real' });
        b = await startTestBroker({ stores: 'real', nodeOf: a });
      });
      after(async () => {
        await b?.close();
        await a?.close();
      });

      it('a login whose steps alternate between the nodes, then SSO on the other node', async () => {
        const cookies: string[] = [];
        const jar = (res: request.Response) => {
          for (const c of ([] as string[]).concat(res.headers['set-cookie'] ?? [])) {
            const [pair] = c.split(';');
            const name = pair!.split('=')[0]!;
            const i = cookies.findIndex((x) => x.startsWith(`${name}=`));
            if (i >= 0) cookies.splice(i, 1);
            if (!/Max-Age=0/.test(c)) cookies.push(pair!);
          }
          return res;
        };
        const on = (t: TestBroker) => ({
          get: async (p: string) => jar(await request(t.server).get(p).set('Cookie', cookies.join('; '))),
          post: async (p: string, form: Record<string, string>) => jar(await request(t.server).post(p).set('Cookie', cookies.join('; ')).type('form').send(form)),
        });
        const xml = buildAuthnRequest({ issuer: SP1, destination: `${a.url}/saml/sso`, acsUrl: 'https://sp1.test/acs' });
        const start = await on(a).get(`/saml/sso?${redirectQuery(xml, 'rs', testKey('sp1'))}`);
        assert.equal(start.status, 303);
        const tx = txOf(start.headers.location!);
        const page = await on(b).get(`/login/${tx}`);
        assert.equal(page.status, 200);
        const csrf = csrfOf(page.text);
        assert.equal((await on(a).post(`/login/${tx}/choose`, { csrf, method: 'pin' })).status, 303);
        const since = Date.now();
        assert.equal((await on(b).post(`/connectors/pin/${tx}/request`, { csrf, document: CARMEN.document, documentDate: CARMEN.documentDate! })).status, 303);
        const pin = await readPinFromOutbox(a.varDir, CARMEN.mobile, since);
        const [r1, r2] = await Promise.all([on(a).post(`/connectors/pin/${tx}/code`, { csrf, pin }), on(b).post(`/connectors/pin/${tx}/code`, { csrf, pin })]);
        const wins = [r1, r2].filter((r) => r.status === 200 && r.text.includes('SAMLResponse'));
        assert.equal(wins.length, 1, 'the PIN is consumed once across nodes');
        assert.equal(readPostForm(wins[0]!.text).fields.RelayState, 'rs');
        const sso = buildAuthnRequest({ issuer: SP2, destination: `${a.url}/saml/sso`, acsUrl: 'https://sp2.test/acs' });
        const second = await on(wins[0] === r1 ? b : a).get(`/saml/sso?${redirectQuery(sso, undefined)}`);
        assert.equal(second.status, 200);
        assert.equal(statusOf(second.text).top, 'Success');
        await Promise.all([a, b].map((t) => t.broker.services.loginHistory.flush()));
        const rows = await a.broker.services.db.selectFrom('login_history').selectAll().execute();
        assert.ok(rows.length >= 2, 'login history in PostgreSQL');
      });

      it('the replay cache holds across nodes: the same AuthnRequest on both at once, one wins', async () => {
        const xml = buildAuthnRequest({ issuer: SP2, destination: `${a.url}/saml/sso`, acsUrl: 'https://sp2.test/acs' });
        const q = redirectQuery(xml, undefined);
        const results = await Promise.all([a, b, a, b].map((t) => request(t.server).get(`/saml/sso?${q}`)));
        assert.equal(results.filter((r) => r.status === 303).length, 1);
      });
    });
  });
});
