// The audit log (design.md "Personal data"): who did what to whose data, when and from which IP.
// Entries name actions and outcomes only; callers never pass a password, code or secret, and
// `detail` is limited to short scalar values so a secret cannot ride along in a nested object.
import type { Kysely } from 'kysely';
import type { DbSchema } from './schema.js';

export interface AuditEntry {
  /** 'person:<id>', 'registrar', 'anonymous' */
  readonly actor: string;
  /** dotted verb, e.g. 'permanente.password.changed' */
  readonly action: string;
  /** the person (id) the action concerns */
  readonly subject?: string | undefined;
  readonly ip?: string | undefined;
  readonly detail?: Readonly<Record<string, string | number | boolean>> | undefined;
}

export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
  /** a person's entries, newest first (the person's own activity page, tests) */
  forSubject(subject: string, limit?: number): Promise<(AuditEntry & { at: Date })[]>;
}

export function createAuditLog(db: Kysely<DbSchema>, now: () => Date): AuditLog {
  return {
    async record(e) {
      await db
        .insertInto('audit_log')
        .values({ actor: e.actor, action: e.action, subject: e.subject ?? null, ip: e.ip ?? null, detail: e.detail ? JSON.stringify(e.detail) : null, at: now() })
        .execute();
    },
    async forSubject(subject, limit = 100) {
      const rows = await db.selectFrom('audit_log').selectAll().where('subject', '=', subject).orderBy('id', 'desc').limit(limit).execute();
      return rows.map((r) => ({
        actor: r.actor,
        action: r.action,
        subject: r.subject ?? undefined,
        ip: r.ip ?? undefined,
        detail: (r.detail ?? undefined) as AuditEntry['detail'],
        at: r.at,
      }));
    },
  };
}
