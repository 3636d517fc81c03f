// The password check shared by the login and the password-management pages (seed 000 §5.4.2):
// DNI/NIE + password; 5 consecutive wrong passwords block it, durably. Every outcome for a person
// without a usable account costs one argon2id verification, like a wrong password, and answers
// the same 'wrong', so neither time nor message tells whether a DNI/NIE is registered. Only
// someone who typed the right password learns that it is blocked or expired.
import type { Config } from '../../broker/config.js';
import type { Credentials } from '../../broker/identity/credentials.js';
import type { IdentityRegistry } from '../../broker/identity/registry.js';
import type { Person } from '../../broker/identity/person.js';
import type { PermanenteAccount } from '../../broker/identity/permanente-accounts.js';
import type { AuditLog } from '../../broker/store/audit-log.js';
import { isValidDocument, normaliseDocument } from '../../broker/identity/documents.js';
import type { Logger } from 'pino';

export interface PasswordCheckDeps {
  readonly config: Config;
  readonly identity: IdentityRegistry;
  readonly credentials: Credentials;
  readonly audit: AuditLog;
  readonly log: Logger;
  now(): Date;
}

export type PasswordCheck =
  | { outcome: 'ok'; person: Person; account: PermanenteAccount; expired: boolean }
  | { outcome: 'wrong' }
  | { outcome: 'blocked' };

const DAY = 86_400_000;

export function passwordExpired(cfg: Config, account: PermanenteAccount, now: Date): boolean {
  const changed = account.passwordChangedAt?.getTime() ?? 0;
  return now.getTime() - changed >= cfg.connectors.permanente.passwordMaxAgeDays * DAY;
}

export async function checkPassword(deps: PasswordCheckDeps, typedDocument: string, password: string, ip: string | undefined): Promise<PasswordCheck> {
  const opts = deps.config.connectors.permanente;
  const { hasher, accounts } = deps.credentials;
  const document = normaliseDocument(typedDocument);
  const person = isValidDocument(document) ? await deps.identity.findByDocument(document) : undefined;
  const account = person ? await accounts.find(person.id) : undefined;
  const usable = person?.status === 'active' && account?.state === 'active' && account.passwordHash && password.length <= opts.passwordPolicy.maxLength;
  const right = usable ? await hasher.verify(account.passwordHash!, password) : await hasher.verifyNothing(password);
  if (!usable || !person || !account) {
    await deps.audit.record({ actor: 'anonymous', action: 'permanente.login.failed', subject: person?.id, ip, detail: { reason: 'no-usable-account' } });
    return { outcome: 'wrong' };
  }
  if (account.passwordBlocked) {
    await deps.audit.record({ actor: 'anonymous', action: 'permanente.login.refused-blocked', subject: person.id, ip });
    return right ? { outcome: 'blocked' } : { outcome: 'wrong' };
  }
  if (!right) {
    const { blocked } = await accounts.recordFailedPassword(person.id, opts.maxFailedAttempts, deps.now());
    await deps.audit.record({ actor: 'anonymous', action: blocked ? 'permanente.password.blocked' : 'permanente.login.failed', subject: person.id, ip, detail: { reason: 'wrong-password' } });
    return { outcome: 'wrong' };
  }
  // most logins follow no failure: no write then, the login path stays read-only
  if (account.failedAttempts > 0) await accounts.recordGoodPassword(person.id);
  if (hasher.needsRehash(account.passwordHash!)) {
    // the new parameters take effect as people log in; the login does not wait for it
    hasher
      .hash(password)
      .then((h) => accounts.upgradeHash(person.id, account.passwordHash!, h))
      .catch((err: unknown) => deps.log.warn({ err: (err as Error).message }, 'password hash upgrade failed'));
  }
  return { outcome: 'ok', person, account, expired: passwordExpired(deps.config, account, deps.now()) };
}
