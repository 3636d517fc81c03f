// A broker node of the cluster benchmark, as its own process so the parent can pin it to one CPU:
// bench-broker.ts with a shared PostgreSQL database and a shared Redis (one key prefix for the
// deployment), answering for `publicUrl` (the first node's URL: every node of a deployment has the
// same public address). With `seed`, it first registers and activates the benchmark persons.
// Usage: node --import tsx bench/cluster-server.ts <database URL> <redis URL> <key prefix> <publicUrl|-> <seed count>
import { openBenchBroker } from './bench-broker.js';
import { seedBenchPersons } from './password-persons.js';

async function main(): Promise<void> {
  const [databaseUrl, redisUrl, keyPrefix, publicUrl, seedArg] = process.argv.slice(2);
  if (!databaseUrl || !redisUrl || !keyPrefix || !publicUrl) throw new Error('usage: cluster-server.ts <database URL> <redis URL> <key prefix> <publicUrl|-> <seed count>');
  const bench = await openBenchBroker({
    key: 'rsa',
    signResponse: false,
    databaseUrl,
    overrides: {
      ephemeral: { redisUrl, keyPrefix },
      connectors: { permanente: { passwordChecksPerIpPerHour: 1_000_000_000 } },
      ...(publicUrl !== '-' ? { publicUrl } : {}),
    },
  });
  const count = Number(seedArg ?? 0);
  await seedBenchPersons(bench.broker.services, count);
  bench.serve({ publicUrl: bench.broker.services.config.publicUrl });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
