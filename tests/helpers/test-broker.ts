// Starts a real broker on loopback for integration tests: its own varDir, the test SPs' metadata,
// the test signing key, an injectable clock, and either the embedded stores or the real
// PostgreSQL and Redis named by TEST_DATABASE_URL / TEST_REDIS_URL (stores: 'real').
import http from 'node:http';
import https from 'node:https';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { openBroker, closeServer, type Broker } from '../../broker/broker.js';
import { deepMerge } from '../../broker/config.js';
import { createTestDatabase, testConfig, uniqueName, type TestDatabase } from './store-targets.js';
import { startClientCertificateListener, type ClientCertificateListener } from '../../broker/pki/client-host/listener.js';
import { freePort } from './processes.js';

export interface TestClock {
  now(): Date;
  /** move time forward (tests never sleep) */
  advance(ms: number): void;
}

export function createClock(): TestClock {
  let offset = 0;
  return { now: () => new Date(Date.now() + offset), advance: (ms) => void (offset += ms) };
}

export interface TestBroker {
  readonly url: string;
  readonly broker: Broker;
  readonly server: http.Server;
  readonly varDir: string;
  readonly clock: TestClock;
  /** the client-certificate host, when started (clientCertificates) */
  readonly clientHost: ClientCertificateListener | undefined;
  close(): Promise<void>;
}

export type Overrides = Parameters<typeof deepMerge>[1];

export const SP1 = 'https://sp1.test/metadata';
export const SP2 = 'https://sp2.test/metadata';

export interface StartOptions {
  readonly overrides?: Overrides;
  readonly stores?: 'embedded' | 'real';
  /** a second node of the same deployment: same PUBLIC_URL, database, Redis prefix and outbox */
  readonly nodeOf?: TestBroker;
  /** where the broker logs (default: silent) */
  readonly log?: pino.Logger;
  /** serve over HTTPS, so publicUrl is https and the cookies are SameSite=None; Secure */
  readonly https?: TestBrokerHttps;
  /** start the certificate connector's client-certificate listener (direct mode) on a free port */
  readonly clientCertificates?: boolean;
}

export interface TestBrokerHttps {
  /** TLS key and certificate, PEM (a throwaway self-signed pair does for a browser told to ignore it) */
  readonly key: string;
  readonly cert: string;
  /** the host name in publicUrl, which the browser maps to 127.0.0.1 (default 127.0.0.1) */
  readonly hostname?: string;
}

export async function startTestBroker(opts: StartOptions = {}): Promise<TestBroker> {
  const server: http.Server = opts.https ? https.createServer({ key: opts.https.key, cert: opts.https.cert }) : http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const first = opts.nodeOf;
  const ownUrl = opts.https ? `https://${opts.https.hostname ?? '127.0.0.1'}:${port}` : `http://127.0.0.1:${port}`;
  const url = first?.url ?? ownUrl;
  const varDir = first?.varDir ?? (await mkdtemp(path.join(tmpdir(), 'pasarela-test-')));
  let testDb: TestDatabase | undefined;
  const stores: Overrides = {};
  if (first) {
    const shared = first.broker.services.config;
    Object.assign(stores, { database: { url: shared.database.url }, ephemeral: { redisUrl: shared.ephemeral.redisUrl, keyPrefix: shared.ephemeral.keyPrefix } });
  } else if (opts.stores === 'real') {
    const dbUrl = process.env.TEST_DATABASE_URL;
    const redisUrl = process.env.TEST_REDIS_URL;
    if (!dbUrl || !redisUrl) throw new Error('TEST_DATABASE_URL and TEST_REDIS_URL must be set for the real-store suite');
    testDb = await createTestDatabase(dbUrl);
    Object.assign(stores, { database: { url: testDb.url }, ephemeral: { redisUrl, keyPrefix: `${uniqueName('t')}:` } });
  } else {
    Object.assign(stores, { database: { pgliteDir: 'memory://' } });
  }
  const base: Overrides = {
    publicUrl: url,
    port,
    varDir,
    logLevel: 'silent',
    // Tests move the clock by years; a purge firing mid-suite would delete what they then read.
    // The retention tests turn it on (or call broker.retention.runNow()).
    retention: { purgeIntervalMinutes: 0 },
    // likewise the video identification job (reminders, lapses): its tests call broker.videoJob.runNow()
    videoIdentification: { jobIntervalMinutes: 0 },
    // Suites build the organisations they need; the demo ones have their own test.
    // and see a service they add at once
    mandates: { seedFile: null, catalogueCacheSeconds: 0 },
    keys: { signingKeyFile: 'tests/fixtures/keys/idp.key', signingCertFile: 'tests/fixtures/keys/idp.crt' },
    sps: {
      metadataDirs: ['tests/fixtures/metadata'],
      policies: {
        [SP1]: { displayName: 'Test service one', dialects: ['eidas', 'clave'] },
        [SP2]: { displayName: 'Test service two' },
      },
    },
    ...stores,
    ...(opts.clientCertificates ? { connectors: { certificate: { mode: 'direct', clientTls: { host: '127.0.0.1', port: await freePort() } } } } : {}),
  };
  const cfg = testConfig(deepMerge(base, opts.overrides ?? {}) as Record<string, unknown>);
  const clock = createClock();
  const broker = await openBroker(cfg, { log: opts.log ?? pino({ level: 'silent' }), now: clock.now });
  server.on('request', broker.app);
  const clientHost = opts.clientCertificates ? await startClientCertificateListener(broker.services) : undefined;
  return {
    url,
    broker,
    server,
    varDir,
    clock,
    clientHost,
    async close() {
      await Promise.all([closeServer(server, 1000), clientHost?.close()]);
      await broker.close();
      await testDb?.drop();
      if (!first) await rm(varDir, { recursive: true, force: true });
    },
  };
}

/**
 * Declares `suite` once per store kind: always on the embedded stores, and on real PostgreSQL +
 * Redis when TEST_DATABASE_URL and TEST_REDIS_URL are set (under CI their absence is a failure).
 */
export function forEachStores(name: string, suite: (stores: 'embedded' | 'real') => void): void {
  describe(`${name} [PGlite + memory]`, () => suite('embedded'));
  const missing = ['TEST_DATABASE_URL', 'TEST_REDIS_URL'].filter((v) => !process.env[v]);
  if (missing.length === 0) describe(`${name} [PostgreSQL + Redis]`, () => suite('real'));
  else if (process.env.CI) {
    describe(`${name} [PostgreSQL + Redis]`, () => {
      it('has real servers to run against', () => {
        throw new Error(`${missing.join(' and ')} not set: CI must run the integration suites on PostgreSQL and Redis`);
      });
    });
  }
}
