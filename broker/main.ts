// Start-up: load and validate the configuration and the TLS files (a clear message and exit 1 when
// invalid), open the stores, build the app, listen (HTTPS when tls is configured). SIGHUP reloads SP
// metadata and the TLS certificate; SIGTERM/SIGINT stop accepting, finish the requests in flight
// and close the stores.
import { loadConfig, ConfigError } from './config.js';
import { createServer, readTlsMaterial, reloadTls } from './tls.js';
import { openBroker, closeServer } from './broker.js';
import { startClientCertificateListener } from './pki/client-host/listener.js';

async function main(): Promise<void> {
  let cfg;
  let tlsMaterial;
  try {
    cfg = loadConfig();
    tlsMaterial = readTlsMaterial(cfg);
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
  const server = createServer(tlsMaterial, broker.app);
  server.listen(cfg.port, cfg.host, () => {
    log.info({ publicUrl: cfg.publicUrl, port: cfg.port, https: tlsMaterial !== null }, `broker listening: ${cfg.publicUrl}`);
  });
  server.on('error', (err) => {
    log.fatal({ err }, 'cannot listen');
    process.exit(1);
  });
  const clientHost = await startClientCertificateListener(broker.services).catch((err: unknown) => {
    log.fatal({ err }, 'cannot start the client-certificate listener');
    process.exit(1);
  });
  process.on('SIGHUP', () => {
    broker.reload().then(
      () => log.info('SP metadata reloaded'),
      (err: unknown) => log.error({ err }, 'SP metadata reload failed'),
    );
    try {
      if (reloadTls(server, cfg)) log.info('TLS certificate reloaded');
    } catch (err) {
      log.error({ err }, 'TLS certificate reload failed: serving the previous one');
    }
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'draining');
    await Promise.all([closeServer(server, 10_000), clientHost?.close()]);
    await broker.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

await main();
