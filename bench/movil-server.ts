// The broker node of bench:movil, as its own process so the parent can pin it to one CPU and read
// its memory and file descriptors: bench-broker.ts with a Redis ephemeral store (the benchmark's
// own key prefix) and Cl@ve Móvil enabled without the per-IP limit (every browser of the run
// comes from loopback). Each "memory" line on stdin is answered with one JSON line: the node's
// process.memoryUsage() after a garbage collection and its open file descriptors.
// Usage: node --expose-gc --import tsx bench/movil-server.ts <redis URL> <key prefix>
import { readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { openBenchBroker } from './bench-broker.js';

async function main(): Promise<void> {
  const [redisUrl, keyPrefix] = process.argv.slice(2);
  if (!redisUrl || !keyPrefix) throw new Error('usage: movil-server.ts <redis URL> <key prefix>');
  const bench = await openBenchBroker({
    key: 'rsa',
    signResponse: false,
    overrides: {
      ephemeral: { redisUrl, keyPrefix },
      connectors: { enabled: ['pin', 'movil'], movil: { requestsPerIpPerHour: 1_000_000_000, maxWaitingBrowsers: 10_000 } },
    },
  });
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() !== 'memory') return;
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    const fds = readdirSync('/proc/self/fd').length;
    process.stdout.write(JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, fds }) + '\n');
  });
  bench.serve();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
