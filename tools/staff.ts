// `pasarela staff`: the operator grants, revokes and lists staff roles (registrar, interviewer,
// official) of persons named by DNI/NIE (issue 9). With --broker URL (or PASARELA_URL) and
// OPERATOR_TOKEN it goes through the running broker's operator API (/admin/api/operator/staff);
// otherwise it opens the database itself, which works for PostgreSQL but not for an embedded
// PGlite database a broker already holds (one process only). Either way the change is audited.
//
//   pasarela staff grant 12345678Z registrar [--broker URL]
//   pasarela staff revoke 12345678Z registrar [--broker URL]
//   pasarela staff list [12345678Z] [--history] [--broker URL]
import { parseArgs } from 'node:util';
import { loadConfig } from '../broker/config.js';
import { DatabaseLockedError, openDatabase } from '../broker/store/db.js';
import { createIdentityRegistry } from '../broker/identity/registry-db.js';
import { createAuditLog } from '../broker/store/audit-log.js';
import { createStaffRegistry, isStaffRole, STAFF_ROLES, type StaffRole } from '../broker/identity/staff/roles.js';
import { commandFailed, consoleIo, UsageError, type Io } from './io.js';

const USAGE = `usage:
  staff grant <DNI/NIE> <role>
  staff revoke <DNI/NIE> <role>
  staff list [<DNI/NIE>] [--history]
roles: ${STAFF_ROLES.join(', ')}
options: --broker <URL> (or PASARELA_URL) with OPERATOR_TOKEN: go through a running broker`;


/** A grant as both targets report it (dates as ISO 8601). */
interface GrantLine {
  readonly documentNumber: string;
  readonly role: string;
  readonly grantedBy: string;
  readonly grantedAt: string;
  readonly revokedBy: string | null;
  readonly revokedAt: string | null;
}

interface Target {
  grant(documentNumber: string, role: StaffRole): Promise<GrantLine>;
  revoke(documentNumber: string, role: StaffRole): Promise<GrantLine>;
  list(documentNumber: string | undefined, history: boolean): Promise<GrantLine[]>;
  close(): Promise<void>;
}

const line = (g: GrantLine) => `${g.documentNumber}  ${g.role}  granted ${g.grantedAt} by ${g.grantedBy}${g.revokedAt ? `  revoked ${g.revokedAt} by ${g.revokedBy}` : ''}`;

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, io: Io = consoleIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { broker: { type: 'string' }, history: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
    const [command, document, role, ...extra] = positionals;
    if (values.help || !command) {
      io.out(USAGE);
      return values.help ? 0 : 2;
    }
    const changes = command === 'grant' || command === 'revoke';
    if (changes && (!document || !role || extra.length > 0)) throw new UsageError(`${command} needs a DNI/NIE and a role`);
    if (changes && !isStaffRole(role)) throw new UsageError(`unknown role "${role}"`);
    if (command === 'list' && (role !== undefined || extra.length > 0)) throw new UsageError('list takes at most a DNI/NIE');
    if (!changes && command !== 'list') throw new UsageError(`unknown command ${command}`);
    const broker = values.broker ?? env.PASARELA_URL;
    const target = broker ? apiTarget(broker, env.OPERATOR_TOKEN) : await databaseTarget(env);
    try {
      if (command === 'grant') io.out(line(await target.grant(document!, role as StaffRole)));
      else if (command === 'revoke') io.out(line(await target.revoke(document!, role as StaffRole)));
      else {
        const grants = await target.list(document, values.history ?? false);
        for (const g of grants) io.out(line(g));
        if (grants.length === 0) io.out('no staff roles');
      }
    } finally {
      await target.close();
    }
    return 0;
  } catch (err) {
    return commandFailed(io, err, 'staff', USAGE);
  }
}

function apiTarget(broker: string, token: string | undefined): Target {
  if (!token) throw new UsageError('OPERATOR_TOKEN is required to go through the broker (--broker / PASARELA_URL)');
  const base = `${broker.replace(/\/+$/, '')}/admin/api/operator/staff`;
  const call = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
    const res = await fetch(url, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(15_000),
    });
    const answer = (await res.json().catch(() => ({}))) as { message?: string };
    if (res.ok) return answer as T;
    if (res.status === 401) throw new Error(`${base}: 401, the broker refused OPERATOR_TOKEN`);
    throw new Error(answer.message ?? `${base}: HTTP ${res.status}`);
  };
  return {
    grant: (documentNumber, role) => call('POST', base, { documentNumber, role }),
    revoke: (documentNumber, role) => call('DELETE', `${base}/${encodeURIComponent(documentNumber)}/${role}`),
    list: (documentNumber, history) => call('GET', `${base}?${new URLSearchParams({ ...(documentNumber ? { documentNumber } : {}), history: String(history) })}`),
    close: async () => {},
  };
}

async function databaseTarget(env: NodeJS.ProcessEnv): Promise<Target> {
  const cfg = loadConfig(env);
  let database;
  try {
    database = await openDatabase(cfg);
  } catch (err) {
    if (err instanceof DatabaseLockedError) throw new Error(`a broker is running on this database (process ${err.pid}): use --broker URL with OPERATOR_TOKEN`);
    throw err;
  }
  const now = () => new Date();
  const staff = createStaffRegistry({ db: database.db, identity: createIdentityRegistry(database.db), audit: createAuditLog(database.db, now), now });
  const view = (g: Awaited<ReturnType<typeof staff.grant>>): GrantLine => ({ ...g, grantedAt: g.grantedAt.toISOString(), revokedAt: g.revokedAt?.toISOString() ?? null });
  return {
    grant: async (documentNumber, role) => view(await staff.grant(documentNumber, role, 'operator-cli')),
    revoke: async (documentNumber, role) => view(await staff.revoke(documentNumber, role, 'operator-cli')),
    list: async (documentNumber, history) => (await staff.list({ ...(documentNumber ? { documentNumber } : {}), history })).map(view),
    close: () => database.close(),
  };
}
