// `pasarela audit export`: the audit log as JSON lines (one entry per line, in time order), for an
// auditor, a SIEM, or an archive kept beyond the broker's own retention. It reads page by page
// (broker/store/audit-export.ts), so the size of the log never matters to memory.
// Like the registrar command it reads the database itself, which works for PostgreSQL but not for
// an embedded PGlite database a broker already holds (one process only); with --broker URL (or
// PASARELA_URL) and AUDIT_TOKEN it reads through the running broker's audit API instead.
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../broker/config.js';
import { DatabaseLockedError, openDatabase } from '../broker/store/db.js';
import { auditEntries, DEFAULT_PAGE, type AuditFilter, type AuditPage, type ExportedEntry } from '../broker/store/audit-export.js';
import { commandFailed, consoleIo, UsageError, type Io } from './io.js';

const USAGE = `usage:
  audit export [--since <ISO date/time>] [--until <ISO date/time>] [--subject <person id>]
               [--action <prefix>] [--out <file>] [--page-size <n>]
writes JSON lines {id, at, actor, action, subject, ip, detail} in time order: since inclusive,
until exclusive; to stdout, or to --out (created readable by its owner only)
options: --broker <URL> (or PASARELA_URL) with AUDIT_TOKEN: read through a running broker`;


export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, io: Io = consoleIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        since: { type: 'string' },
        until: { type: 'string' },
        subject: { type: 'string' },
        action: { type: 'string' },
        out: { type: 'string' },
        'page-size': { type: 'string' },
        broker: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help || positionals.length === 0) {
      io.out(USAGE);
      return values.help ? 0 : 2;
    }
    if (positionals.length !== 1 || positionals[0] !== 'export') throw new UsageError(`unknown command or arguments: ${positionals.join(' ')}`);
    const filter: AuditFilter = { since: instant('since', values.since), until: instant('until', values.until), subject: values.subject, actionPrefix: values.action };
    const pageSize = values['page-size'] === undefined ? DEFAULT_PAGE : Number(values['page-size']);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 10_000) throw new UsageError('--page-size must be a whole number from 1 to 10000');

    const broker = values.broker ?? env.PASARELA_URL;
    const source = broker ? apiSource(broker, env.AUDIT_TOKEN) : await databaseSource(env);
    try {
      const entries = source.entries(filter, pageSize);
      let n = 0;
      if (values.out) {
        const out = path.resolve(values.out);
        const lines = async function* () {
          for await (const e of entries) {
            n++;
            yield `${JSON.stringify(e)}\n`;
          }
        };
        await pipeline(Readable.from(lines()), createWriteStream(out, { mode: 0o600 }));
        io.out(`exported ${n} audit entries to ${out}`);
      } else {
        for await (const e of entries) io.out(JSON.stringify(e));
      }
    } finally {
      await source.close();
    }
    return 0;
  } catch (err) {
    return commandFailed(io, err, 'audit', USAGE);
  }
}

function instant(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  // Date accepts much that is not ISO 8601 ('1', 'June 5'): only a date, optionally with a time
  if (!/^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?)?$/.test(value) || Number.isNaN(d.getTime()))
    throw new UsageError(`--${name} must be an ISO 8601 date or date-time (e.g. 2025-01-31 or 2025-01-31T08:00:00Z), not "${value}"`);
  return d;
}

interface Source {
  entries(filter: AuditFilter, pageSize: number): AsyncIterable<ExportedEntry>;
  close(): Promise<void>;
}

async function databaseSource(env: NodeJS.ProcessEnv): Promise<Source> {
  let database;
  try {
    database = await openDatabase(loadConfig(env));
  } catch (err) {
    if (err instanceof DatabaseLockedError)
      throw new Error(`a broker is running on this database (process ${err.pid}): use --broker URL with AUDIT_TOKEN`);
    throw err;
  }
  return { entries: (filter, pageSize) => auditEntries(database.db, filter, pageSize), close: () => database.close() };
}

function apiSource(broker: string, token: string | undefined): Source {
  if (!token) throw new UsageError('AUDIT_TOKEN is required to go through the broker (--broker / PASARELA_URL)');
  const base = `${broker.replace(/\/+$/, '')}/api/audit/entries`;
  async function* entries(filter: AuditFilter, pageSize: number): AsyncGenerator<ExportedEntry> {
    let cursor: string | undefined;
    do {
      const q = new URLSearchParams({ limit: String(pageSize) });
      if (filter.since) q.set('since', filter.since.toISOString());
      if (filter.until) q.set('until', filter.until.toISOString());
      if (filter.subject !== undefined) q.set('subject', filter.subject);
      if (filter.actionPrefix) q.set('action', filter.actionPrefix);
      if (cursor) q.set('after', cursor);
      const res = await fetch(`${base}?${q}`, { headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(60_000) });
      const answer = (await res.json().catch(() => ({}))) as Partial<AuditPage> & { error?: string; message?: string };
      if (res.status === 404) throw new Error(`${base}: 404, the audit API is off on that broker (no audit token configured)`);
      if (res.status === 401) throw new Error(`${base}: 401, the broker refused AUDIT_TOKEN`);
      if (res.status !== 200 || !Array.isArray(answer.entries)) throw new Error(`${base}: ${answer.message ?? `HTTP ${res.status}`}`);
      yield* answer.entries;
      cursor = answer.next;
    } while (cursor);
  }
  return { entries, close: async () => {} };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
