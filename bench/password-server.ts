// The broker under the password benchmark, as its own process so the parent can pin it to one
// CPU (`taskset -c 0`) apart from the load generator (see bench-broker.ts: embedded stores, the
// test RSA key, Assertion signed, logging off), with the production argon2id parameters and
// hashing pool of config/default.yaml. Before it answers, it registers `count` persons and
// activates their Cl@ve Permanente account through the broker's own services (registry,
// activation code, argon2id hash of the benchmark password), as the registrar and the
// activation page would.
// Prints one JSON line `{"url","varDir","persons","argon2","hashingConcurrency"}` once it listens
// on 127.0.0.1.
// Usage: node --import tsx bench/password-server.ts <count> [postgresql://… a fresh database]
import { openBenchBroker } from './bench-broker.js';
import { seedBenchPersons } from './password-persons.js';

async function main(): Promise<void> {
  const [countArg, databaseUrl] = process.argv.slice(2);
  const count = Number(countArg);
  if (!Number.isInteger(count) || count < 1) throw new Error('usage: password-server.ts <count> [database URL]');
  const bench = await openBenchBroker({
    key: 'rsa',
    signResponse: false,
    databaseUrl,
    // Every login comes from 127.0.0.1 here, where in production they come from many
    // addresses: the per-IP limit is still counted on every login, only never reached.
    overrides: { connectors: { permanente: { passwordChecksPerIpPerHour: 1_000_000_000 } } },
  });
  await seedBenchPersons(bench.broker.services, count);
  const p = bench.broker.services.config.connectors.permanente;
  bench.serve({ persons: count, argon2: p.argon2, hashingConcurrency: p.hashingConcurrency });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
