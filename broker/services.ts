// What the app is built from: opened once at start-up (main.ts) or by a test, then passed down.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { EphemeralStore } from './store/ephemeral.js';
import type { DbSchema } from './store/schema.js';
import type { IdentityRegistry } from './identity/registry.js';
import type { Notify } from './notify/notify.js';
import type { SpRegistry } from './saml/sp-registry.js';
import type { SigningKeys } from './saml/keys.js';
import type { AdminSp } from './admin/admin-sp.js';
import type { StaffSp } from './identity/staff/staff-sp.js';
import type { AccountSp } from './identity/self-service/account-sp.js';
import type { RateLimiter } from './flow/rate-limit.js';
import type { PageRenderer } from './web/render.js';
import type { Connector } from '../connectors/connector.js';
import type { BrokerMetrics } from './metrics.js';
import type { PersonLookup } from './identity/person-lookup.js';
import type { NameIDIssuer } from './flow/name-id.js';
import type { LoginHistoryWriter } from './store/login-history-writer.js';
import type { AuditLog } from './store/audit-log.js';
import type { Credentials } from './identity/credentials.js';
import type { MandateRegistry } from './mandates/model.js';
import type { DeviceRegistry } from './identity/devices/registry.js';
import type { CertificateTrust } from './pki/setup.js';

export interface BrokerServices {
  readonly config: Config;
  readonly log: Logger;
  readonly db: Kysely<DbSchema>;
  readonly dbPing: () => Promise<boolean>;
  readonly ephemeral: EphemeralStore;
  readonly identity: IdentityRegistry;
  readonly credentials: Credentials;
  /** Cl@ve app devices, one active per person */
  readonly devices: DeviceRegistry;
  readonly audit: AuditLog;
  /** person reads for assertions from an SSO session: cached briefly per node */
  readonly persons: PersonLookup;
  readonly nameIDs: NameIDIssuer;
  readonly loginHistory: LoginHistoryWriter;
  /** SMS, e-mail, pushes to the Cl@ve app, and codes by app or SMS */
  readonly notify: Notify;
  readonly spRegistry: SpRegistry;
  /** the management module's own SP (broker/admin/admin-sp.ts) */
  readonly adminSp: AdminSp;
  /** the staff consoles' own SP (broker/identity/staff/staff-sp.ts) */
  readonly staffSp: StaffSp;
  /** citizen self-service's own SP (broker/identity/self-service/account-sp.ts) */
  readonly accountSp: AccountSp;
  readonly keys: SigningKeys;
  readonly rateLimit: RateLimiter;
  readonly pages: PageRenderer;
  readonly connectors: readonly Connector[];
  readonly metrics: BrokerMetrics;
  /** organisations, members, mandates and chain mandates (broker/mandates/registry.ts) */
  readonly mandates: MandateRegistry;
  /** trusted lists and the client-certificate validator (broker/pki/setup.ts) */
  readonly certificates: CertificateTrust;
  /** injectable clock: tests move time instead of sleeping */
  readonly now: () => Date;
}
