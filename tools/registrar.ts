// Registrar command line (design.md "tools/"): add one person, or seed a file of persons.
// With --broker URL (or PASARELA_URL) and REGISTRAR_TOKEN it goes through the running broker's
// registrar API; otherwise it opens the database itself, which works for PostgreSQL but not for
// an embedded PGlite database a broker already holds (one process only).
//
//   tsx tools/registrar.ts add --document 12345678Z --document-date 2030-01-01 --given-name Carmen \
//     --first-surname Español [--second-surname …] --birth 1980-01-01 --mobile +34600000001 \
//     --email carmen@example.es --level advanced [--support-number E12345678] [--broker URL]
//   tsx tools/registrar.ts seed config/demo-persons.json [--broker URL]
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../broker/config.js';
import { DatabaseLockedError, openDatabase } from '../broker/store/db.js';
import { createIdentityRegistry } from '../broker/identity/registry-db.js';
import { loadSeedFile } from '../broker/identity/seed.js';
import type { NewPerson, RegistrationLevel } from '../broker/identity/person.js';

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

const USAGE = `usage:
  registrar add --document <DNI/NIE> (--document-date yyyy-mm-dd | --support-number E12345678)
                --given-name <name> --first-surname <surname> [--second-surname <surname>]
                [--birth yyyy-mm-dd] [--mobile +34…] [--email <address>] --level basic|advanced
  registrar seed <file.json>
options: --broker <URL> (or PASARELA_URL) with REGISTRAR_TOKEN: go through a running broker`;

class UsageError extends Error {}

/** Runs one command; returns the process exit code. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, io: Io = consoleIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        document: { type: 'string' },
        'document-date': { type: 'string' },
        'support-number': { type: 'string' },
        'given-name': { type: 'string' },
        'first-surname': { type: 'string' },
        'second-surname': { type: 'string' },
        birth: { type: 'string' },
        mobile: { type: 'string' },
        email: { type: 'string' },
        level: { type: 'string' },
        broker: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const [command, ...rest] = positionals;
    if (values.help || !command) {
      io.out(USAGE);
      return values.help ? 0 : 2;
    }
    let persons: NewPerson[];
    if (command === 'add' && rest.length === 0) persons = [personFromOptions(values)];
    else if (command === 'seed' && rest.length === 1) persons = loadSeedFile(path.resolve(rest[0]!));
    else throw new UsageError(`unknown command or arguments: ${positionals.join(' ')}`);

    const broker = values.broker ?? env.PASARELA_URL;
    const target = broker ? apiTarget(broker, env.REGISTRAR_TOKEN) : await databaseTarget(env);
    try {
      if (command === 'add') {
        await target.add(persons[0]!);
        io.out(`added ${persons[0]!.documentNumber}`);
      } else {
        const added = await target.seed(persons);
        io.out(`added ${added} of ${persons.length} persons (the others were already registered)`);
      }
    } finally {
      await target.close();
    }
    return 0;
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${(err as Error).message}\n${USAGE}`);
      return 2;
    }
    io.err(`registrar: ${(err as Error).message}`);
    return 1;
  }
}

function personFromOptions(v: Record<string, string | boolean | undefined>): NewPerson {
  const s = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  for (const k of ['document', 'given-name', 'first-surname', 'level']) if (!s(k)) throw new UsageError(`--${k} is required`);
  const opt = <K extends keyof NewPerson>(key: K, value: string | undefined) => (value === undefined ? {} : { [key]: value });
  return {
    documentNumber: s('document')!,
    givenName: s('given-name')!,
    firstSurname: s('first-surname')!,
    registrationLevel: s('level') as RegistrationLevel, // the registry refuses anything else
    ...opt('documentDate', s('document-date')),
    ...opt('supportNumber', s('support-number')),
    ...opt('secondSurname', s('second-surname')),
    ...opt('dateOfBirth', s('birth')),
    ...opt('mobile', s('mobile')),
    ...opt('email', s('email')),
  };
}

interface Target {
  add(p: NewPerson): Promise<void>;
  /** how many were added; the rest already existed */
  seed(ps: NewPerson[]): Promise<number>;
  close(): Promise<void>;
}

function apiTarget(broker: string, token: string | undefined): Target {
  if (!token) throw new UsageError('REGISTRAR_TOKEN is required to go through the broker (--broker / PASARELA_URL)');
  const url = `${broker.replace(/\/+$/, '')}/api/registrar/persons`;
  const post = async (p: NewPerson): Promise<'added' | 'duplicate'> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(p),
      signal: AbortSignal.timeout(15_000),
    });
    if (res.status === 201) return 'added';
    const body = (await res.json().catch(() => ({}))) as { error?: string; message?: string };
    if (res.status === 409 && body.error === 'duplicate') return 'duplicate';
    if (res.status === 404) throw new Error(`${url}: 404, the registrar API is off on that broker (no registrar token configured)`);
    if (res.status === 401) throw new Error(`${url}: 401, the broker refused REGISTRAR_TOKEN`);
    throw new Error(`${p.documentNumber ?? p.eidasPersonIdentifier}: ${body.message ?? `HTTP ${res.status}`}`);
  };
  return {
    async add(p) {
      if ((await post(p)) === 'duplicate') throw new Error(`a person with document ${p.documentNumber} is already registered`);
    },
    async seed(ps) {
      let added = 0;
      for (const p of ps) if ((await post(p)) === 'added') added++;
      return added;
    },
    close: async () => {},
  };
}

async function databaseTarget(env: NodeJS.ProcessEnv): Promise<Target> {
  const cfg = loadConfig(env);
  let database;
  try {
    database = await openDatabase(cfg);
  } catch (err) {
    if (err instanceof DatabaseLockedError)
      throw new Error(`a broker is running on this database (process ${err.pid}): use --broker URL with REGISTRAR_TOKEN`);
    throw err;
  }
  const registry = createIdentityRegistry(database.db);
  return {
    add: async (p) => void (await registry.add(p)),
    seed: (ps) => registry.seed(ps),
    close: () => database.close(),
  };
}

const consoleIo: Io = { out: (l) => console.log(l), err: (l) => console.error(l) };

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
