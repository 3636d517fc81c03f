// Start-up: load and validate the configuration (a clear message and exit 1 when invalid), open
// the stores, build the app, listen. SIGHUP reloads SP metadata; SIGTERM/SIGINT stop accepting,
// finish the requests in flight and close the stores.
import { loadConfig, ConfigError } from './config.js';
import { openBroker, closeServer } from './broker.js';

async function main(): Promise<void> {
  let cfg;
  try {
    cfg = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  let broker;
  try {
    broker = await openBroker(cfg, { defaultMetrics: true });
  } catch (err) {
    process.stderr.write(`pasarela: cannot start: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const { log } = broker.services;
  const server = broker.app.listen(cfg.port, cfg.host, () => {
    log.info({ publicUrl: cfg.publicUrl, port: cfg.port }, `broker listening: ${cfg.publicUrl}`);
  });
  server.on('error', (err) => {
    log.fatal({ err }, 'cannot listen');
    process.exit(1);
  });
  process.on('SIGHUP', () => {
    broker.reload().then(
      () => log.info('SP metadata reloaded'),
      (err: unknown) => log.error({ err }, 'SP metadata reload failed'),
    );
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'draining');
    await closeServer(server, 10_000);
    await broker.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

await main();
