// A broker as a benchmark child (sso-server.ts, password-server.ts): its own process, so the
// parent can pin it to one CPU (`taskset -c 0`) apart from the load generator. Embedded stores
// like a laptop start (memory ephemeral store, PGlite in memory; or a PostgreSQL database the
// caller names), test signing keys and SP metadata, logging off. `serve` prints one JSON line on
// stdout once requests are answered, and the child leaves on SIGTERM or when its parent's end of
// stdin closes (even if the parent died).
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { openBroker, closeServer, type Broker } from '../broker/broker.js';
import { loadConfig } from '../broker/config.js';
import { BENCH_SP } from './bench-sp.js';

export const SIGNING_KEYS = {
  rsa: { signingKeyFile: 'tests/fixtures/keys/idp.key', signingCertFile: 'tests/fixtures/keys/idp.crt' },
  p256: { signingKeyFile: 'tests/fixtures/keys/idp-p256.key', signingCertFile: 'tests/fixtures/keys/idp-p256.crt' },
} as const;

type Overrides = NonNullable<Parameters<typeof loadConfig>[1]>;

export interface BenchBrokerOptions {
  readonly key: keyof typeof SIGNING_KEYS;
  /** the Response signed too, not only the Assertion */
  readonly signResponse: boolean;
  /** a PostgreSQL database instead of PGlite in memory (a fresh one: the caller creates and drops it) */
  readonly databaseUrl?: string | undefined;
  /** more configuration, merged at the top level (not under `sps`, `database` or the keys above) */
  readonly overrides?: { readonly [k: string]: Overrides };
}

export interface BenchBroker {
  readonly broker: Broker;
  readonly url: string;
  readonly varDir: string;
  /** start answering requests and tell the parent: `{url, varDir, ...info}` on one line */
  serve(info?: Record<string, unknown>): void;
}

export async function openBenchBroker(o: BenchBrokerOptions): Promise<BenchBroker> {
  // Listen first: publicUrl (and so the Destination the broker checks) needs the port.
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}`;
  const varDir = await mkdtemp(path.join(tmpdir(), 'pasarela-bench-'));
  const cfg = loadConfig(
    {},
    {
      publicUrl: url,
      port,
      host: '127.0.0.1',
      varDir,
      logLevel: 'silent',
      database: o.databaseUrl ? { url: o.databaseUrl, pgliteDir: 'memory://' } : { pgliteDir: 'memory://' },
      keys: SIGNING_KEYS[o.key],
      sps: {
        metadataDirs: ['tests/fixtures/metadata'],
        // sp2 accepts unsigned AuthnRequests, so the client side costs no signature.
        policies: { [BENCH_SP]: { displayName: 'Benchmark service', signAssertion: true, signResponse: o.signResponse } },
      },
      ...o.overrides,
    },
  );
  const broker = await openBroker(cfg, { log: pino({ level: 'silent' }) });

  return {
    broker,
    url,
    varDir,
    serve(info = {}) {
      server.on('request', broker.app);
      let closing = false;
      const shutdown = async () => {
        if (closing) return;
        closing = true;
        await closeServer(server, 500);
        await broker.close();
        await rm(varDir, { recursive: true, force: true });
        process.exit(0);
      };
      process.on('SIGTERM', () => void shutdown());
      process.on('SIGINT', () => void shutdown());
      // The parent holds our stdin: when it goes away (even killed), so do we.
      process.stdin.on('end', () => void shutdown());
      process.stdin.on('error', () => void shutdown());
      process.stdin.resume();
      process.stdout.write(JSON.stringify({ url, varDir, ...info }) + '\n');
    },
  };
}
