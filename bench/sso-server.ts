// The broker under measurement, as its own process so the parent can pin it to one CPU
// (`taskset -c 0`) apart from the load generator. Embedded stores like a laptop start (memory
// ephemeral store, PGlite in memory), the test signing keys and SP metadata, logging off.
// Prints one JSON line `{"url","varDir"}` on stdout once it listens on 127.0.0.1.
// Usage: node --import tsx bench/sso-server.ts <rsa|p256> <assertion|both>
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { openBroker, closeServer } from '../broker/broker.js';
import { loadConfig } from '../broker/config.js';
import { BENCH_SP } from './bench-sp.js';

const KEYS = {
  rsa: { signingKeyFile: 'tests/fixtures/keys/idp.key', signingCertFile: 'tests/fixtures/keys/idp.crt' },
  p256: { signingKeyFile: 'tests/fixtures/keys/idp-p256.key', signingCertFile: 'tests/fixtures/keys/idp-p256.crt' },
} as const;

async function main(): Promise<void> {
  const [keyArg, sigArg] = process.argv.slice(2);
  if ((keyArg !== 'rsa' && keyArg !== 'p256') || (sigArg !== 'assertion' && sigArg !== 'both')) {
    throw new Error('usage: sso-server.ts <rsa|p256> <assertion|both>');
  }
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
      database: { pgliteDir: 'memory://' },
      keys: KEYS[keyArg],
      sps: {
        metadataDirs: ['tests/fixtures/metadata'],
        // sp2 accepts unsigned AuthnRequests, so the client side costs no signature.
        policies: { [BENCH_SP]: { displayName: 'Benchmark service', signAssertion: true, signResponse: sigArg === 'both' } },
      },
    },
  );
  const broker = await openBroker(cfg, { log: pino({ level: 'silent' }) });
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

  process.stdout.write(JSON.stringify({ url, varDir }) + '\n');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
