// Registrar command line (design.md "tools/"): add one person, or seed a file of persons; each
// one registered with a DNI/NIE gets a Cl@ve Permanente activation code, printed here once and
// never stored in the clear. `activation-code` issues a new one (seed 000 §5.4.3).
// With --broker URL (or PASARELA_URL) and REGISTRAR_TOKEN it goes through the running broker's
// registrar API; otherwise it opens the database itself, which works for PostgreSQL but not for
// an embedded PGlite database a broker already holds (one process only).
//
//   tsx tools/registrar.ts add --document 12345678Z --document-date 2030-01-01 --given-name Carmen \
//     --first-surname Español [--second-surname …] --birth 1980-01-01 --mobile +34600000001 \
//     --email carmen@example.es --level advanced [--support-number E12345678] [--broker URL]
//   tsx tools/registrar.ts seed config/demo-persons.json [--broker URL]
//   tsx tools/registrar.ts activation-code 12345678Z [--broker URL]
//   tsx tools/registrar.ts device-activation 12345678Z --broker URL
// `device-activation` issues a one-time code that activates the Cl@ve app for a person the
// registrar identified in person or by certificate (it stands in for the app's activation with a
// qualified certificate until the broker validates certificates); the code lives in the broker's
// ephemeral store, so it always goes through the broker.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../broker/config.js';
import { DatabaseLockedError, openDatabase } from '../broker/store/db.js';
import { createIdentityRegistry, IdentityError } from '../broker/identity/registry-db.js';
import { createPermanenteAccounts } from '../broker/identity/permanente-accounts.js';
import { createAuditLog } from '../broker/store/audit-log.js';
import { registerPerson, renewActivationCode, type RegistrationDeps } from '../broker/identity/registration.js';
import { loadSeedFile } from '../broker/identity/seed.js';
import type { NewPerson, RegistrationLevel } from '../broker/identity/person.js';
import { commandFailed, consoleIo, UsageError, type Io } from './io.js';

export type { Io } from './io.js';

const USAGE = `usage:
  registrar add --document <DNI/NIE> (--document-date yyyy-mm-dd | --support-number E12345678)
                --given-name <name> --first-surname <surname> [--second-surname <surname>]
                [--birth yyyy-mm-dd] [--mobile +34…] [--email <address>] --level basic|advanced
  registrar seed <file.json>
  registrar activation-code <DNI/NIE>
  registrar device-activation <DNI/NIE>     (Cl@ve app activation code; needs --broker)
options: --broker <URL> (or PASARELA_URL) with REGISTRAR_TOKEN: go through a running broker`;


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
    else if ((command === 'activation-code' || command === 'device-activation') && rest.length === 1) persons = [];
    else throw new UsageError(`unknown command or arguments: ${positionals.join(' ')}`);

    const broker = values.broker ?? env.PASARELA_URL;
    if (command === 'device-activation' && !broker) throw new UsageError("device-activation goes through a running broker (its codes live in the broker's ephemeral store): give --broker URL (or PASARELA_URL) and REGISTRAR_TOKEN");
    const target = broker ? apiTarget(broker, env.REGISTRAR_TOKEN) : await databaseTarget(env);
    try {
      if (command === 'add') {
        const code = await target.add(persons[0]!);
        io.out(`added ${persons[0]!.documentNumber ?? persons[0]!.eidasPersonIdentifier}${activationLine(code)}`);
      } else if (command === 'seed') {
        const added = await target.seed(persons);
        for (const a of added) io.out(`added ${a.id}${activationLine(a.activationCode)}`);
        io.out(`added ${added.length} of ${persons.length} persons (the others were already registered)`);
      } else if (command === 'device-activation') {
        const issued = await target.deviceActivation(rest[0]!);
        io.out(`${rest[0]!.toUpperCase()}  Cl@ve app activation code: ${issued.code} (valid until ${issued.expiresAt})`);
      } else {
        io.out(`${rest[0]!.toUpperCase()}${activationLine(await target.renew(rest[0]!))}`);
      }
    } finally {
      await target.close();
    }
    return 0;
  } catch (err) {
    return commandFailed(io, err, 'registrar', USAGE);
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
  /** the activation code, when the person has a DNI/NIE */
  add(p: NewPerson): Promise<string | undefined>;
  /** the persons added; the rest already existed */
  seed(ps: NewPerson[]): Promise<{ id: string; activationCode: string | undefined }[]>;
  /** a new activation code */
  renew(documentNumber: string): Promise<string>;
  /** a Cl@ve app activation code (broker only) */
  deviceActivation(documentNumber: string): Promise<{ code: string; expiresAt: string }>;
  close(): Promise<void>;
}

const activationLine = (code: string | undefined) => (code ? `  Cl@ve Permanente activation code: ${code}` : '');
const idOf = (p: NewPerson) => p.documentNumber ?? p.eidasPersonIdentifier ?? '?';

function apiTarget(broker: string, token: string | undefined): Target {
  if (!token) throw new UsageError('REGISTRAR_TOKEN is required to go through the broker (--broker / PASARELA_URL)');
  const url = `${broker.replace(/\/+$/, '')}/api/registrar/persons`;
  const call = async (target: string, what: string, body?: NewPerson): Promise<{ activationCode?: string; expiresAt?: string } | 'duplicate'> => {
    const res = await fetch(target, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(body ?? {}),
      signal: AbortSignal.timeout(15_000),
    });
    const answer = (await res.json().catch(() => ({}))) as { error?: string; message?: string; activationCode?: string; expiresAt?: string };
    if (res.status === 201) return answer;
    if (res.status === 409 && answer.error === 'duplicate') return 'duplicate';
    if (res.status === 404 && answer.error !== 'not-found') throw new Error(`${url}: 404, the registrar API is off on that broker (no registrar token configured)`);
    if (res.status === 401) throw new Error(`${url}: 401, the broker refused REGISTRAR_TOKEN`);
    throw new Error(`${what}: ${answer.message ?? `HTTP ${res.status}`}`);
  };
  return {
    async add(p) {
      const r = await call(url, idOf(p), p);
      if (r === 'duplicate') throw new Error(`a person with document ${p.documentNumber} is already registered`);
      return r.activationCode;
    },
    async seed(ps) {
      const added = [];
      for (const p of ps) {
        const r = await call(url, idOf(p), p);
        if (r !== 'duplicate') added.push({ id: idOf(p), activationCode: r.activationCode });
      }
      return added;
    },
    async renew(documentNumber) {
      const r = await call(`${url}/${encodeURIComponent(documentNumber)}/activation-code`, documentNumber);
      if (r === 'duplicate' || !r.activationCode) throw new Error(`${documentNumber}: no activation code in the answer`);
      return r.activationCode;
    },
    async deviceActivation(documentNumber) {
      const r = await call(`${url}/${encodeURIComponent(documentNumber)}/device-activation`, documentNumber);
      if (r === 'duplicate' || !r.activationCode || !r.expiresAt) throw new Error(`${documentNumber}: no app activation code in the answer`);
      return { code: r.activationCode, expiresAt: r.expiresAt };
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
  const deps: RegistrationDeps = { registry: createIdentityRegistry(database.db), accounts: createPermanenteAccounts(database.db), audit: createAuditLog(database.db, () => new Date()), now: () => new Date() };
  return {
    add: async (p) => (await registerPerson(deps, p)).activationCode,
    async seed(ps) {
      const added = [];
      for (const p of ps) {
        try {
          added.push({ id: idOf(p), activationCode: (await registerPerson(deps, p)).activationCode });
        } catch (err) {
          if (!(err instanceof IdentityError && err.code === 'duplicate')) throw err;
        }
      }
      return added;
    },
    renew: async (documentNumber) => (await renewActivationCode(deps, documentNumber)).activationCode,
    deviceActivation: async () => {
      throw new UsageError('device-activation needs --broker');
    },
    close: () => database.close(),
  };
}


if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
