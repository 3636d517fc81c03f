// Audit log export (tools/audit-export.ts, GET /api/audit/entries): entries in time order, read in
// pages by keyset on (at, id) so a export of millions of rows holds one page in memory and each
// page is an index range scan, never an OFFSET. The cursor keeps `at` to the microsecond, as
// PostgreSQL stores it: a JS Date would cut it to milliseconds and repeat rows written by SQL's
// now().
import { sql, type Kysely } from 'kysely';
import type { DbSchema } from './schema.js';

export interface AuditFilter {
  /** at >= since */
  readonly since?: Date | undefined;
  /** at < until */
  readonly until?: Date | undefined;
  /** entries about this person (id) */
  readonly subject?: string | undefined;
  /** actions starting with this, e.g. 'permanente.' */
  readonly actionPrefix?: string | undefined;
}

/** One exported entry: the JSON line's shape. */
export interface ExportedEntry {
  readonly id: string;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly subject: string | null;
  readonly ip: string | null;
  readonly detail: Readonly<Record<string, unknown>> | null;
}

export interface AuditPage {
  readonly entries: ExportedEntry[];
  /** pass back for the next page; undefined at the end */
  readonly next: string | undefined;
}

export const DEFAULT_PAGE = 1000;

export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
}

function decodeCursor(cursor: string): { at: string; id: string } {
  const m = /^(\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)\|(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new InvalidCursorError('not a cursor of this export');
  return { at: m[1]!, id: m[2]! };
}

const encodeCursor = (at: string, id: string) => Buffer.from(`${at}|${id}`, 'utf8').toString('base64url');

export async function auditPage(db: Kysely<DbSchema>, filter: AuditFilter, cursor: string | undefined, limit = DEFAULT_PAGE): Promise<AuditPage> {
  let q = db
    .selectFrom('audit_log')
    .select(['id', 'at', 'actor', 'action', 'subject', 'ip', 'detail', sql<string>`to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('at_key')])
    .orderBy('at')
    .orderBy('id')
    .limit(limit);
  if (filter.since) q = q.where('at', '>=', filter.since);
  if (filter.until) q = q.where('at', '<', filter.until);
  if (filter.subject !== undefined) q = q.where('subject', '=', filter.subject);
  if (filter.actionPrefix) q = q.where(sql<boolean>`starts_with(action, ${filter.actionPrefix})`);
  if (cursor !== undefined) {
    const c = decodeCursor(cursor);
    q = q.where(sql<boolean>`(at, id) > (${c.at}::timestamptz, ${c.id}::bigint)`);
  }
  const rows = await q.execute();
  const last = rows[rows.length - 1];
  return {
    entries: rows.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      actor: r.actor,
      action: r.action,
      subject: r.subject,
      ip: r.ip,
      detail: (r.detail ?? null) as ExportedEntry['detail'],
    })),
    next: last && rows.length === limit ? encodeCursor(last.at_key, last.id) : undefined,
  };
}

/** Every entry matching `filter`, in time order, one page at a time. */
export async function* auditEntries(db: Kysely<DbSchema>, filter: AuditFilter, pageSize = DEFAULT_PAGE): AsyncGenerator<ExportedEntry> {
  let cursor: string | undefined;
  do {
    const page = await auditPage(db, filter, cursor, pageSize);
    yield* page.entries;
    cursor = page.next;
  } while (cursor !== undefined);
}
