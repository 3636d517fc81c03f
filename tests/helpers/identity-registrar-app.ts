// A test app with the registrar API mounted where broker/app.ts mounts it, over an in-memory
// PGlite registry, listening on loopback for tests that need a real URL (the CLI's --broker mode).
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { openDatabase, type Database } from '../../broker/store/db.js';
import { createIdentityRegistry } from '../../broker/identity/registry-db.js';
import { createRegistrarRouter } from '../../broker/identity/registrar-api.js';
import type { IdentityRegistry } from '../../broker/identity/registry.js';
import { testConfig } from './store-targets.js';
import { createPermanenteAccounts, type PermanenteAccounts } from '../../broker/identity/permanente-accounts.js';
import { createAuditLog, type AuditLog } from '../../broker/store/audit-log.js';

export interface RegistrarApp {
  app: express.Express;
  registry: IdentityRegistry;
  accounts: PermanenteAccounts;
  audit: AuditLog;
  database: Database;
  /** starts listening on 127.0.0.1:0; returns the base URL */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function createRegistrarApp(token: string | undefined): Promise<RegistrarApp> {
  const database = await openDatabase(testConfig({ database: { pgliteDir: 'memory://' } }));
  const registry = createIdentityRegistry(database.db);
  const app = express();
  const accounts = createPermanenteAccounts(database.db);
  const audit = createAuditLog(database.db, () => new Date());
  app.use('/api/registrar', createRegistrarRouter(registry, { token, accounts, audit, now: () => new Date() }));
  let server: Server | undefined;
  return {
    app,
    registry,
    accounts,
    audit,
    database,
    listen: () =>
      new Promise((resolve) => {
        server = app.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server!.address() as AddressInfo).port}`));
      }),
    async close() {
      if (server) await new Promise<void>((r) => server!.close(() => r()));
      await database.close();
    },
  };
}
