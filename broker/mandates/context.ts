// What every part of the registry works with, and the one way it changes anything: a transaction
// that first locks the organisation rows concerned (fixed id order, so two changes over the same
// organisations never deadlock), then checks the rules against what is committed, then writes.
// Audit entries are written in the same transaction, so a change never stands unaudited; e-mails
// are collected on the way and sent only once the change committed, so nobody is told about a
// change that was rolled back.
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { DbSchema } from '../store/schema.js';
import { createAuditLog, type AuditEntry, type AuditLog } from '../store/audit-log.js';
import type { Notifier, OutgoingMessage } from '../notify/notifier.js';
import type { SecretBox } from '../identity/secret-box.js';
import { createCalendar, type Calendar } from './dates.js';
import { MandateRuleError, type Actor } from './model.js';

export interface MandateDeps {
  readonly db: Kysely<DbSchema>;
  readonly config: Config;
  readonly audit: AuditLog;
  readonly notify: Notifier;
  /** seals identity document copies (keys.credentialSecrets) */
  readonly secrets: SecretBox;
  readonly log: Logger;
  readonly now: () => Date;
}

export interface Ctx {
  readonly deps: MandateDeps;
  readonly db: Kysely<DbSchema>;
  readonly cfg: Config['mandates'];
  readonly calendar: Calendar;
  readonly now: () => Date;
}

export function createCtx(deps: MandateDeps): Ctx {
  return { deps, db: deps.db, cfg: deps.config.mandates, calendar: createCalendar(deps.now, deps.config.mandates.timeZone), now: deps.now };
}

/** what a committed change tells: audit entries and e-mails */
export interface Effects {
  audit(entry: AuditEntry): void;
  mail(message: OutgoingMessage): void;
}

export type Tx = Kysely<DbSchema>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(s: unknown): s is string {
  return typeof s === 'string' && UUID.test(s);
}

/** an id that is not even a uuid names nothing (and must not reach PostgreSQL as a cast error) */
export function requireUuid(s: unknown, what: string): string {
  if (!isUuid(s)) throw new MandateRuleError('not-found', `${what} not found`, 'not-found');
  return s.toLowerCase();
}

export function actorLabel(actor: Actor): string {
  return actor.kind === 'operator' ? 'operator' : `person:${actor.personId}`;
}

/** Locks the organisations' rows until the transaction ends, in id order. */
export async function lockOrganisations(trx: Tx, organisationIds: readonly string[]): Promise<void> {
  const ids = [...new Set(organisationIds)].sort();
  if (ids.length === 0) return;
  await sql`select id from organisations where id in (${sql.join(ids)}) order by id for update`.execute(trx);
}

/**
 * Runs `fn` in one transaction holding the locks of `organisationIds` and writing its audit
 * entries, then sends its e-mails. A failed e-mail is logged, not thrown: the change stands, and
 * the administrator can send a new activation link.
 */
export async function change<T>(ctx: Ctx, organisationIds: readonly string[], fn: (trx: Tx, fx: Effects) => Promise<T>): Promise<T> {
  const audits: AuditEntry[] = [];
  const mails: OutgoingMessage[] = [];
  const fx: Effects = { audit: (e) => void audits.push(e), mail: (m) => void mails.push(m) };
  const result = await ctx.db.transaction().execute(async (trx) => {
    await lockOrganisations(trx, organisationIds);
    const value = await fn(trx, fx);
    const audit = createAuditLog(trx, ctx.now);
    for (const entry of audits) await audit.record(entry);
    return value;
  });
  for (const message of mails) {
    await ctx.deps.notify.send(message).catch((err: unknown) => ctx.deps.log.error({ err: (err as Error).message, subject: message.subject }, 'mandates e-mail not sent'));
  }
  return result;
}
