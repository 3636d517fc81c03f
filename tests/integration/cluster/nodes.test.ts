// Three broker processes behind nginx (round robin, no stickiness) on one PostgreSQL and one Redis
// (design.md "Scaling out"): a login's steps land on different nodes; SSO and SLO work across
// them; the replay cache, single-use PINs and rate limits hold across nodes; a node killed under
// load fails only what it had in flight, and a node stopped with SIGTERM drains without failing any.
import assert from 'node:assert/strict';
import { SP1, SP2 } from '../../helpers/test-broker.js';
import { describeServer, serverTarget, createTestDatabase, type TestDatabase } from '../../helpers/store-targets.js';
import { Browser, REGISTRAR_TOKEN, describeCluster, loadPersons, sleep, startCluster, type BrokerNode, type Cluster } from '../../helpers/cluster.js';
import { solveChallenge } from '../../../broker/web/anti-automation.js';
import { authnRequestQuery, isSuccess, loginLoop, pinLogin, responseXml, type Outcome } from '../../helpers/cluster-login.js';
import { CARMEN, csrfOf, parseXml, txOf } from '../../helpers/flow-driver.js';
import { statusOf } from '../../helpers/sp-requests.js';
import { buildAuthnRequest, buildLogoutRequest, buildLogoutResponse, redirectQuery, testKey } from '../../helpers/sign-request.js';

const A = 'urn:oasis:names:tc:SAML:2.0:assertion';
const CARMEN_PIN = { document: CARMEN.document, documentDate: CARMEN.documentDate!, mobile: CARMEN.mobile };
const WORKERS = 20;
const PERSONS = loadPersons(WORKERS);
const PER_IP_PIN_REQUESTS = 4;

const db = serverTarget('PostgreSQL', 'TEST_DATABASE_URL');
const redis = serverTarget('Redis', 'TEST_REDIS_URL');

function summary(outcomes: Outcome[]): string {
  const failed = outcomes.filter((o) => !o.ok);
  return `${outcomes.length} logins, ${failed.length} failed${failed.length ? `:\n${failed.map((f) => `  ${f.step} ${f.status ?? ''} ${f.upstream ?? ''} ${f.error}`).join('\n')}` : ''}`;
}

describeServer(db, (dbUrl) => {
  describeServer(redis, (redisUrl) => {
    describeCluster('three broker processes behind nginx', ['nginx'], function (this: Mocha.Suite) {
      this.timeout(60_000);
      let database: TestDatabase;
      let c: Cluster;

      before(async function () {
        this.timeout(60_000);
        database = await createTestDatabase(dbUrl);
        c = await startCluster({
          databaseUrl: database.url,
          redisUrl,
          persons: PERSONS,
          config: { connectors: { pin: { requestsPerIpPerHour: PER_IP_PIN_REQUESTS, requestsPerPersonPerHour: 100_000 }, permanente: { antiAutomationBits: 8 } } },
        });
      });
      after(async () => {
        await c?.close();
        await database?.drop();
      });

      const browser = (ip: string) => new Browser(c.url, ip);
      const served = (b: Browser) => b.trail.map((t) => c.nodeOf(t.upstream)?.name ?? `?${t.upstream}`);

      it('a PIN login whose steps land on every node, SSO to a second SP on another node, and SLO', async () => {
        const b = browser('10.200.0.1');
        const done = await pinLogin(c, b, CARMEN_PIN, SP1, 'rs-1');
        assert.ok(isSuccess(done));
        const nodes = served(b);
        assert.deepEqual(new Set(nodes), new Set(['node1', 'node2', 'node3']), `steps served by ${nodes.join(', ')}`);
        for (let i = 1; i < nodes.length; i++) assert.notEqual(nodes[i], nodes[i - 1], `no stickiness: ${nodes.join(', ')}`);
        // the nodes' own request logs agree with nginx on who served the PIN steps (a log line may
        // reach our pipe a moment after the answer)
        const pinStepsIn = (n: BrokerNode) => n.logLines().filter((l) => String((l.req as { path?: string } | undefined)?.path ?? '').startsWith('/connectors/pin/')).length;
        const expected = c.nodes.map((n) => nodes.filter((x, i) => x === n.name && b.trail[i]!.path.startsWith('/connectors/pin/')).length);
        for (let i = 0; i < 40 && c.nodes.some((n, k) => pinStepsIn(n) !== expected[k]); i++) await sleep(50);
        assert.deepEqual(c.nodes.map(pinStepsIn), expected, 'PIN steps in each node\'s request log');
        const doc = parseXml(responseXml(done));
        const nameID = doc.getElementsByTagNameNS(A, 'NameID')[0]!.textContent!;
        const sessionIndex = doc.getElementsByTagNameNS(A, 'AuthnStatement')[0]!.getAttribute('SessionIndex')!;

        const sso = await b.get(authnRequestQuery(c, SP2));
        assert.equal(sso.status, 200);
        assert.ok(isSuccess(sso), 'SSO without a new login');
        assert.notEqual(c.nodeOf(sso.upstream)?.name, nodes.at(-1));

        const logout = buildLogoutRequest({ issuer: SP1, destination: `${c.url}/saml/slo`, nameID, sessionIndexes: [sessionIndex] });
        const toSp2 = await b.get(`/saml/slo?${redirectQuery(logout, 'sp1-state', testKey('sp1'))}`);
        assert.equal(toSp2.status, 303, toSp2.text);
        const propagated = new URL(toSp2.location!);
        assert.equal(propagated.origin + propagated.pathname, 'https://sp2.test/slo');
        const { inflateRawSync } = await import('node:zlib');
        const sp2Request = parseXml(inflateRawSync(Buffer.from(propagated.searchParams.get('SAMLRequest')!, 'base64')).toString('utf8'));
        const answer = buildLogoutResponse({ issuer: SP2, destination: `${c.url}/saml/slo`, inResponseTo: sp2Request.documentElement.getAttribute('ID')! });
        const toSp1 = await b.get(`/saml/slo?${redirectQuery(answer, propagated.searchParams.get('RelayState') ?? undefined, testKey('sp2'), 'rsa-sha256', 'SAMLResponse')}`);
        assert.equal(toSp1.status, 303, toSp1.text);
        assert.ok(toSp1.location!.startsWith('https://sp1.test/slo?'));
        assert.equal(new URL(toSp1.location!).searchParams.get('RelayState'), 'sp1-state');
        assert.notEqual(c.nodeOf(toSp1.upstream)?.name, c.nodeOf(toSp2.upstream)?.name, 'the logout exchange too spans nodes');
        // the session is gone on every node
        for (let i = 0; i < 3; i++) assert.equal((await b.get(authnRequestQuery(c, SP2))).status, 303);
        assert.equal(new Set(served(b).slice(-3)).size, 3);
      });

      it('Cl@ve Permanente across nodes: registration, activation (proof of work, SMS code, password) and a reinforced login, each step on another node', async () => {
        const registered = await fetch(`${c.url}/api/registrar/persons`, {
          method: 'POST',
          headers: { authorization: `Bearer ${REGISTRAR_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ documentNumber: '23456789D', documentDate: '2031-01-01', givenName: 'Nuria', firstSurname: 'Ortega', mobile: '+34699000123', email: 'nuria@example.es', registrationLevel: 'advanced' }),
        });
        assert.equal(registered.status, 201);
        const { activationCode } = (await registered.json()) as { activationCode: string };
        const b = browser('10.200.0.9');
        const form = await b.get('/connectors/permanente/account/activate');
        assert.equal(form.status, 200);
        const challenge = /data-pow-challenge="([^"]+)"/.exec(form.text)![1]!;
        let since = Date.now();
        const started = await b.post('/connectors/permanente/account/activate', {
          csrf: csrfOf(form.text), document: '23456789D', email: 'nuria@example.es', activationCode, powChallenge: challenge, powNonce: solveChallenge(challenge, 8),
        });
        assert.equal(started.status, 303, started.text);
        const activationSms = await c.outbox.code('+34699000123', since);
        const confirmed = await b.post('/connectors/permanente/account/recovery/code', { csrf: csrfOf((await b.get('/connectors/permanente/account/recovery/code')).text), code: activationSms });
        assert.equal(confirmed.status, 303, confirmed.text);
        const passwordForm = await b.get('/connectors/permanente/account/recovery/password');
        const activated = await b.post('/connectors/permanente/account/recovery/password', { csrf: csrfOf(passwordForm.text), newPassword: 'Lavanda-y-Romero-77', repeatPassword: 'Lavanda-y-Romero-77' });
        assert.equal(activated.status, 200, activated.text);

        // the service asks for substantial: password, then the SMS code of the reinforced mode
        const substantial = { comparison: 'minimum' as const, classRefs: ['http://eidas.europa.eu/LoA/substantial'] };
        const reinforced = await b.get(`/saml/sso?${redirectQuery(buildAuthnRequest({ issuer: SP2, destination: `${c.url}/saml/sso`, acsUrl: 'https://sp2.test/acs', requestedAuthnContext: substantial }), undefined)}`);
        assert.equal(reinforced.status, 303, reinforced.text);
        const tx = txOf(reinforced.location!);
        const selector = await b.get(`/login/${tx}`);
        const csrf = csrfOf(selector.text);
        assert.equal((await b.post(`/login/${tx}/choose`, { csrf, method: 'permanente' })).status, 303);
        since = Date.now();
        const password = await b.post(`/connectors/permanente/${tx}/password`, { csrf, document: '23456789D', password: 'Lavanda-y-Romero-77' });
        assert.equal(password.status, 303, password.text);
        const code = await c.outbox.code('+34699000123', since);
        const done = await b.post(`/connectors/permanente/${tx}/second-factor`, { csrf, code });
        assert.ok(isSuccess(done), done.text.slice(0, 500));
        assert.equal(statusOf(done.text).top, 'Success');
        const nodes = served(b);
        assert.equal(new Set(nodes).size, 3, `steps served by ${nodes.join(', ')}`);
        for (let i = 1; i < nodes.length; i++) assert.notEqual(nodes[i], nodes[i - 1], `no stickiness: ${nodes.join(', ')}`);
      });

      it('the replay cache across nodes: one signed AuthnRequest sent to three nodes at once is accepted once', async () => {
        const q = authnRequestQuery(c, SP1);
        const answers = await Promise.all([1, 2, 3].map((i) => browser(`10.201.0.${i}`).get(q)));
        assert.equal(new Set(answers.map((a) => a.upstream)).size, 3, 'each went to a different node');
        const accepted = answers.filter((a) => a.status === 303);
        assert.equal(accepted.length, 1, answers.map((a) => `${a.status} ${a.text.slice(0, 80)}`).join('\n'));
        // the others go back to the SP (the request is signed, so its ACS is trusted) as a refusal
        for (const a of answers.filter((x) => x !== accepted[0])) {
          assert.equal(a.status, 200);
          assert.deepEqual([statusOf(a.text).sub, statusOf(a.text).hasAssertion], ['RequestDenied', false]);
        }
      });

      it('single-use PINs across nodes: the same PIN posted to two nodes at once gives one Success', async () => {
        const b = browser('10.202.0.1');
        const start = await b.get(authnRequestQuery(c, SP2));
        const tx = txOf(start.location!);
        const csrf = csrfOf((await b.get(`/login/${tx}`)).text);
        await b.post(`/login/${tx}/choose`, { csrf, method: 'pin' });
        const since = Date.now();
        assert.equal((await b.post(`/connectors/pin/${tx}/request`, { csrf, document: CARMEN.document, documentDate: CARMEN.documentDate! })).status, 303);
        const pin = await c.outbox.code(CARMEN.mobile, since);
        const [r1, r2] = await Promise.all([b.post(`/connectors/pin/${tx}/code`, { csrf, pin }), b.post(`/connectors/pin/${tx}/code`, { csrf, pin })]);
        assert.notEqual(r1.upstream, r2.upstream);
        const wins = [r1, r2].filter((r) => r.status === 200 && r.text.includes('SAMLResponse') && isSuccess(r));
        assert.equal(wins.length, 1, `${r1.status} ${r2.status}`);
        const loser = r1 === wins[0] ? r2 : r1;
        assert.ok(!loser.text.includes('SAMLResponse') || !isSuccess(loser));
      });

      it('rate limits across nodes: the per-address PIN request limit counts requests on every node', async () => {
        const b = browser('10.203.0.1');
        const start = await b.get(authnRequestQuery(c, SP2));
        const tx = txOf(start.location!);
        const csrf = csrfOf((await b.get(`/login/${tx}`)).text);
        await b.post(`/login/${tx}/choose`, { csrf, method: 'pin' });
        const statuses: number[] = [];
        const nodes: string[] = [];
        for (let i = 0; i <= PER_IP_PIN_REQUESTS; i++) {
          const a = await b.post(`/connectors/pin/${tx}/request`, { csrf, document: PERSONS[i]!.document, documentDate: PERSONS[i]!.documentDate });
          statuses.push(a.status);
          nodes.push(c.nodeOf(a.upstream)!.name);
        }
        assert.equal(new Set(nodes).size, 3);
        assert.deepEqual(statuses, [...Array<number>(PER_IP_PIN_REQUESTS).fill(303), 429]);
        // another address is not limited
        const other = new Browser(c.url, '10.203.0.2');
        const t2 = txOf((await other.get(authnRequestQuery(c, SP2))).location!);
        const csrf2 = csrfOf((await other.get(`/login/${t2}`)).text);
        await other.post(`/login/${t2}/choose`, { csrf: csrf2, method: 'pin' });
        assert.equal((await other.post(`/connectors/pin/${t2}/request`, { csrf: csrf2, document: CARMEN.document, documentDate: CARMEN.documentDate! })).status, 303);
      });

      async function underLoad(victim: BrokerNode, signal: 'SIGKILL' | 'SIGTERM') {
        let killedAt = 0;
        let exitedAt = 0;
        let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
        const outcomes = await loginLoop(c, PERSONS, {
          workers: WORKERS,
          ms: 3000,
          newBrowser: browser,
          during: async () => {
            await sleep(1000);
            killedAt = Date.now();
            exit = await victim.kill(signal);
            exitedAt = Date.now();
          },
        });
        return { outcomes, killedAt, exit: exit!, exitedAt };
      }

      it('SIGKILL of one node under load: only logins with a request in flight on it fail, the others complete', async function () {
        this.timeout(40_000);
        const victim = c.nodes[1]!;
        const port = `:${victim.port}`;
        const { outcomes, killedAt, exit } = await underLoad(victim, 'SIGKILL');
        assert.equal(exit.signal, 'SIGKILL');
        const failed = outcomes.filter((o) => !o.ok);
        console.log(`      SIGKILL: ${summary(outcomes)}`);
        // at most one request of each worker was in flight when the node died
        assert.ok(failed.length <= WORKERS, summary(outcomes));
        for (const f of failed) {
          // what the dead node had taken on: a request it was processing (nginx retries it on the
          // next node, where a PIN it had consumed is refused), or a PIN whose SMS it had not yet
          // written (delivery follows the answer)
          assert.ok(f.upstream?.includes(port), `failure not on the killed node: ${JSON.stringify(f)}`);
          assert.ok(f.startedAt <= killedAt && f.endedAt >= killedAt, `failure of a login not in flight at the kill: ${JSON.stringify(f)}`);
        }
        const after = outcomes.filter((o) => o.startedAt > killedAt);
        assert.ok(after.length >= WORKERS, `logins started after the kill: ${after.length}`);
        assert.ok(after.every((o) => o.ok), summary(after));
        // the kill did meet traffic: nginx found the node gone and moved those requests on
        const moved = (await c.nginxLog()).split('\n').filter((l) => l.includes(`upstream: "http://127.0.0.1${port}`));
        console.log(`      nginx moved ${moved.length} request(s) off the killed node: ${[...new Set(moved.map((l) => /\*\d+ (.*?) while/.exec(l)?.[1]))].join('; ')}`);
        assert.ok(moved.length > 0, 'nginx logged requests to the killed node');
        await victim.start();
      });

      it('SIGTERM of one node under load: it drains and exits 0, no login fails', async function () {
        this.timeout(40_000);
        const victim = c.nodes[2]!;
        const { outcomes, killedAt, exit, exitedAt } = await underLoad(victim, 'SIGTERM');
        console.log(`      SIGTERM: ${summary(outcomes)}; the node exited ${exitedAt - killedAt} ms after the signal`);
        assert.deepEqual(exit, { code: 0, signal: null }, victim.output.slice(-2000));
        assert.match(victim.output, /"msg":"draining"/);
        assert.match(victim.output, /"msg":"stopped"/);
        assert.deepEqual(outcomes.filter((o) => !o.ok), [], summary(outcomes));
        assert.ok(outcomes.filter((o) => o.startedAt > killedAt).length >= WORKERS);
        await victim.start();
      });
    });
  });
});
