// Opens everything the app is built from, in dependency order, and closes it in reverse. Used by
// main.ts and by the tests (which start real brokers on loopback with their own configuration).
import pino, { type Logger } from 'pino';
import path from 'node:path';
import type { Server } from 'node:http';
import type { Express } from 'express';
import { PROJECT_ROOT, type Config } from './config.js';
import type { BrokerServices } from './services.js';
import { openDatabase } from './store/db.js';
import { openEphemeral } from './store/ephemeral-factory.js';
import { createIdentityRegistry } from './identity/registry-db.js';
import { createCachedPersonLookup } from './identity/person-lookup.js';
import { createNameIDIssuer } from './flow/name-id.js';
import { createLoginHistoryWriter } from './store/login-history-writer.js';
import { createAuditLog } from './store/audit-log.js';
import { startRetention, type RetentionPurger } from './store/retention.js';
import { openCredentials } from './identity/credentials.js';
import { createMandateRegistry } from './mandates/registry.js';
import { createDeviceRegistry } from './identity/devices/registry.js';
import { pushAddressRules } from './identity/devices/push-address.js';
import { loadSeedFile } from './identity/seed.js';
import { loadMandatesSeedFile, seedMandates } from './mandates/seed.js';
import { dayOf } from './mandates/dates.js';
import { createNotifier } from './notify/index.js';
import { trackInFlight } from './notify/in-flight.js';
import { createNotify } from './notify/notify.js';
import { deviceInboxFor } from './identity/devices/setup.js';
import { createSpRegistry } from './saml/sp-registry.js';
import { loadSigningKeys } from './saml/keys.js';
import { createRateLimiter } from './flow/rate-limit.js';
import { createPageRenderer } from './web/render.js';
import { createMetrics } from './metrics.js';
import { openCertificateTrust } from './pki/setup.js';
import { connectorFactories } from '../connectors/index.js';
import { createApp } from './app.js';
import { startVideoIdentificationJob, type VideoJob } from './identity/channels/video/index.js';
import { loadAdminSp, withAdminSpPolicy } from './admin/admin-sp.js';
import { loadStaffSp, withStaffSpPolicy } from './identity/staff/staff-sp.js';
import { loadAccountSp, withAccountSpPolicy } from './identity/self-service/account-sp.js';
import { ConfigError } from './config.js';

export interface Broker {
  readonly services: BrokerServices;
  readonly app: Express;
  /** SIGHUP: reload SP metadata */
  reload(): Promise<void>;
  /** the audit log and login history purge (retention.*) */
  readonly retention: RetentionPurger;
  /** reminders, lapses and retention of video identification requests (videoIdentification.*) */
  readonly videoJob: VideoJob;
  close(): Promise<void>;
}

export interface OpenOptions {
  readonly log?: Logger;
  readonly now?: () => Date;
  /** collect Node's default process metrics (off in tests: they are global) */
  readonly defaultMetrics?: boolean;
  /** retention purge: rows per statement, delay of the first purge */
  readonly retention?: { readonly batchSize?: number; readonly firstDelayMs?: number };
}

function enabledConnectors(cfg: Config) {
  return cfg.connectors.enabled.map((id) => {
    const factory = connectorFactories.find((f) => f.id === id);
    if (!factory) throw new ConfigError(`invalid configuration:\n  connectors.enabled: unknown connector "${id}" (known: ${connectorFactories.map((f) => f.id).join(', ')})`);
    if (!cfg.loa.methodRungs[id]) throw new ConfigError(`invalid configuration:\n  loa.methodRungs.${id}: missing for an enabled connector`);
    return factory.create(cfg);
  });
}

/** the development-only defaults still in force, each worth one warning at start */
function embeddedDefaults(cfg: Config): string[] {
  const w: string[] = [];
  if (!cfg.database.url) w.push('embedded PGlite database (set DATABASE_URL)');
  if (!cfg.ephemeral.redisUrl) w.push('in-memory ephemeral store: one node only (set REDIS_URL)');
  if (cfg.notify.transport === 'outbox') w.push('development outbox instead of an SMS gateway (notify.transport: http)');
  if (!cfg.keys.signingKeyFile) w.push('generated signing key under varDir (keys.signingKeyFile)');
  if (!cfg.admin.spSigningKeyFile) w.push('generated management SP key under varDir (admin.spSigningKeyFile)');
  const eidas = cfg.connectors.eidas;
  if (cfg.connectors.enabled.includes('eidas') && !(eidas.metadataSigningKeyFile && eidas.requestSigningKeyFile && eidas.encryptionKeyFile))
    w.push('generated eIDAS connector keys under varDir (connectors.eidas.metadataSigningKeyFile, requestSigningKeyFile, encryptionKeyFile)');
  if (cfg.keys.pseudonymSecrets.some((s) => s.secret.startsWith('development-only'))) w.push('development pseudonym secret (PSEUDONYM_SECRET)');
  if (cfg.keys.credentialSecrets.some((s) => s.secret.startsWith('development-only'))) w.push('development credential secret (CREDENTIAL_SECRET)');
  return w;
}

export async function openBroker(configured: Config, opts: OpenOptions = {}): Promise<Broker> {
  const cfg = withAccountSpPolicy(withStaffSpPolicy(withAdminSpPolicy(configured)));
  const log = opts.log ?? pino({ level: cfg.logLevel, redact: ['req.headers.cookie', 'code', 'pin', 'password', 'activationCode'] });
  const now = opts.now ?? (() => new Date());
  const connectors = enabledConnectors(cfg);
  const defaults = embeddedDefaults(cfg);
  if (defaults.length) log.warn({ defaults }, 'embedded development defaults in use: change for production');

  const database = await openDatabase(cfg);
  const closers: (() => Promise<void>)[] = [() => database.close()];
  try {
    const ephemeral = await openEphemeral(cfg, log);
    closers.unshift(() => ephemeral.close());
    const identity = createIdentityRegistry(database.db);
    if (cfg.seedFile) {
      const added = await identity.seed(loadSeedFile(path.resolve(PROJECT_ROOT, cfg.seedFile)));
      if (added) log.info({ added }, 'seed persons added');
    }
    if (cfg.mandates.seedFile) {
      const seed = loadMandatesSeedFile(path.resolve(PROJECT_ROOT, cfg.mandates.seedFile));
      const added = await seedMandates(database.db, seed, { today: dayOf(now(), cfg.mandates.timeZone), years: cfg.mandates.defaultYears, now: now() });
      if (Object.values(added).some((n) => n > 0)) log.info({ added }, 'seed organisations and mandates added');
    }
    const adminSp = await loadAdminSp(cfg);
    const staffSp = loadStaffSp(cfg, adminSp);
    const accountSp = loadAccountSp(cfg, adminSp);
    const spRegistry = await createSpRegistry(cfg, log, { localEntries: [adminSp.entry, staffSp.entry, accountSp.entry] });
    closers.unshift(async () => spRegistry.close());
    closers.unshift(async () => {
      for (const connector of connectors) connector.close?.();
    });
    const keys = await loadSigningKeys(cfg, cfg.varDir);
    const loginHistory = createLoginHistoryWriter(database.db, log);
    // Flushed before the database closes (closers run first to last).
    closers.unshift(() => loginHistory.close());
    const devices = createDeviceRegistry(database.db, { pushRules: pushAddressRules(cfg.publicUrl), now });
    const notify = createNotify({
      transport: trackInFlight(createNotifier(cfg, log)),
      devices,
      inbox: deviceInboxFor(cfg, ephemeral),
      ephemeral,
      smsFallbackMs: cfg.notify.push.smsFallbackSeconds * 1000,
      now,
      log,
    });
    // runs first on close: deliveries the answers did not wait for, and pending SMS fallbacks, still go out
    closers.unshift(() => notify.close(5000));
    const credentials = openCredentials(cfg, database.db);
    const certificates = await openCertificateTrust(cfg, log, now);
    closers.unshift(async () => certificates.close());
    const audit = createAuditLog(database.db, now);
    const services: BrokerServices = {
      config: cfg,
      log,
      db: database.db,
      dbPing: () => database.ping(),
      ephemeral,
      identity,
      credentials,
      devices,
      audit,
      persons: createCachedPersonLookup(identity, { ttlMs: cfg.flow.personCacheSeconds * 1000 }),
      nameIDs: createNameIDIssuer(database.db, cfg),
      loginHistory,
      notify,
      spRegistry,
      adminSp,
      staffSp,
      accountSp,
      keys,
      rateLimit: createRateLimiter(ephemeral),
      pages: createPageRenderer(),
      connectors,
      metrics: createMetrics({ defaultMetrics: opts.defaultMetrics ?? false }),
      certificates,
      mandates: createMandateRegistry({ db: database.db, config: cfg, audit, notify, secrets: credentials.secrets, log, now }),
      now,
    };
    const retention = startRetention({ db: database.db, kind: database.kind, settings: cfg.retention, log, now, purged: services.metrics.retentionPurged, purgeDocuments: (at) => services.mandates.purgeDocuments(at), ...opts.retention });
    // Stopped before the login history flushes and the database closes.
    closers.unshift(() => retention.close());
    const videoJob = startVideoIdentificationJob(services, database.kind);
    closers.unshift(() => videoJob.close());
    const app = createApp(services);
    return {
      services,
      app,
      reload: () => spRegistry.reload(),
      retention,
      videoJob,
      async close() {
        for (const close of closers) await close().catch((err: unknown) => log.error({ err }, 'close failed'));
      },
    };
  } catch (err) {
    for (const close of closers) await close().catch(() => undefined);
    throw err;
  }
}

/** Stop accepting, let requests in flight finish (up to `graceMs`), then close idle keep-alives. */
export function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs).unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
