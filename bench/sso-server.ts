// The broker under measurement, as its own process so the parent can pin it to one CPU
// (`taskset -c 0`) apart from the load generator (see bench-broker.ts: embedded stores, test
// signing keys and SP metadata, logging off).
// Prints one JSON line `{"url","varDir"}` on stdout once it listens on 127.0.0.1.
// Usage: node --import tsx bench/sso-server.ts <rsa|p256> <assertion|both>
import { openBenchBroker } from './bench-broker.js';

async function main(): Promise<void> {
  const [keyArg, sigArg] = process.argv.slice(2);
  if ((keyArg !== 'rsa' && keyArg !== 'p256') || (sigArg !== 'assertion' && sigArg !== 'both')) {
    throw new Error('usage: sso-server.ts <rsa|p256> <assertion|both>');
  }
  const bench = await openBenchBroker({ key: keyArg, signResponse: sigArg === 'both' });
  bench.serve();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
