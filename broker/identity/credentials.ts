// The credentials a person holds besides their registration (design.md: identity owns them and
// shares them with the connectors that need them): the Cl@ve Permanente account, the password
// hasher that checks it, and the box that keeps authenticator seeds encrypted at rest.
import type { Config } from '../config.js';
import type { Kysely } from 'kysely';
import type { DbSchema } from '../store/schema.js';
import { createPermanenteAccounts, type PermanenteAccounts } from './permanente-accounts.js';
import { createPasswordHasher, type PasswordHasher } from './password-hasher.js';
import { createSecretBox, type SecretBox } from './secret-box.js';

export interface Credentials {
  readonly accounts: PermanenteAccounts;
  readonly hasher: PasswordHasher;
  readonly secrets: SecretBox;
}

export function openCredentials(cfg: Config, db: Kysely<DbSchema>): Credentials {
  const p = cfg.connectors.permanente;
  const versions = cfg.keys.credentialSecrets;
  const current = Math.max(...versions.map((v) => v.version));
  return {
    accounts: createPermanenteAccounts(db),
    hasher: createPasswordHasher({ ...p.argon2, concurrency: p.hashingConcurrency, queueLimit: p.hashingQueueLimit }),
    secrets: createSecretBox(Object.fromEntries(versions.map((v) => [String(v.version), v.secret])), String(current)),
  };
}
