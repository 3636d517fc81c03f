// `npm run bench:password`: complete Cl@ve Permanente password logins per second through a real
// broker over HTTP (AuthnRequest, selector, password page, password check with argon2id, Success
// Response), against the raw argon2id verify rate measured on the same CPU in the same run.
// Prints figures and the target; never fails on speed.
//
// Layout on a 2-CPU machine as in bench:sso: the broker is a child under `taskset -c 0` with the
// production argon2id parameters and hashing pool of config/default.yaml; this process (the
// load generator) is pinned to CPU 1; the raw verify rate is a child under `taskset -c 0`
// afterwards, verifying with the same parameters and as many at a time as the broker's pool.
// Everything talks to 127.0.0.1 only; every child is killed on exit (see pinned-child.ts).
//
// Flags: --write-docs (update the "Password logins" section of docs/benchmarks.md), --seconds N
// (measured time of the logins and of the raw rate, default 10), --connections N (concurrent
// browsers, default 6), --persons N (accounts the logins are spread over, default 50),
// --profile DIR (also run the logins once more under `node --cpu-prof` and print where the main
// thread's time goes), --database-url postgresql://… (the broker uses a fresh database on that
// PostgreSQL server, created and dropped by the run, instead of PGlite in memory on its own CPU:
// how the login costs with the durable store on another machine, as in production).
import { mkdir, mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ALG } from '../broker/saml/namespaces.js';
import { createTestDatabase } from '../tests/helpers/store-targets.js';
import { checkSsoAnswer } from './check-response.js';
import type { ClosedLoopResult } from './closed-loop.js';
import { watchCpu, type CpuShare } from './cpu-share.js';
import { startBench } from './machine.js';
import { passwordLogin, runPasswordLogins, runPasswordSteps, single } from './password-load.js';
import { BENCH_PASSWORD, benchPersons } from './password-persons.js';
import { runPinned, startPinned } from './pinned-child.js';
import { monotonicUs, summariseProfile, type Step, type Window } from './profile-summary.js';
import { machineLine, textTable, writeDocsSection, type DocSection, type Row } from './report.js';

const BROKER_CPU = 0;
const LOAD_CPU = 1;
const DEADLINE_MS = 150_000; // the whole run stays under two and a half minutes
const TARGET_RATIO = 0.8;
const CERT = 'tests/fixtures/keys/idp.crt';

const SECTION: DocSection = {
  name: 'password',
  heading: 'Password logins',
  intro: [
    'Complete Cl@ve Permanente logins in normal mode (rung 2), each as a new browser: a fresh',
    'unsigned AuthnRequest from test SP sp2 to `/saml/sso`, the selector, choosing Cl@ve',
    'Permanente, the password page, and the POST of CSRF token, DNI and password; a login counts',
    'only when the answer is the auto-post form with a Success SAMLResponse (the first one is',
    'checked in full: status, Assertion signature). The logins are spread over persons registered',
    'and activated in the broker before the run (registry, activation code, argon2id hash), so the',
    'person reads, lockout counters and audit records are the real ones. The broker runs alone on',
    'CPU 0 (`taskset -c 0`) with its embedded stores (in-memory ephemeral store, PGlite in memory),',
    'logging off, and argon2id as in config/default.yaml (m = 19456 KiB, t = 2, p = 1, on',
    "libuv's threads, as many at a time as `connectors.permanente.hashingConcurrency`); the load",
    'generator runs on CPU 1. The raw rate is @node-rs/argon2 `verify` of one such hash, as many',
    'at a time as the broker’s pool, for as long, on CPU 0 too, right after. Target: the end-to-end',
    'rate at least 80 % of the raw rate.',
  ],
};

/** The main-thread steps of one login, for the profile. */
const LOGIN_STEPS: readonly Step[] = [
  ['receiveAuthnRequest (inflate, parse, schema, checks, replay cache)', 'receiveAuthnRequest', 'receive-authn-request'],
  ['openLogin (transaction, browser binding)', 'openLogin', 'open-login'],
  ['renderSelector (the selector page)', 'renderSelector', 'selector-page'],
  ['passwordPage (the password page)', 'passwordPage', 'permanente/login'],
  ['urlencodedParser (the two form posts)', 'urlencodedParser', 'body-parser'],
  ['checkPassword (sync part: document, hasher call)', 'checkPassword', 'password-check'],
  ['finishLogin (sync part)', 'finishLogin', 'flow/finish'],
  ['handBack (sync part; its awaited queries are under database)', 'handBack', 'hand-back'],
  ['  buildSuccessResponse', 'buildSuccessResponse', 'build-response'],
  ['    signTree (digest + SignedInfo + RSA-2048 private key)', 'signTree', 'sign-tree'],
  ['  sendPostToSp (form page, headers, write)', 'sendPostToSp', 'post-to-sp'],
];

interface Ready {
  readonly url: string;
  readonly varDir: string;
  readonly persons: number;
  readonly argon2: { memoryKiB: number; iterations: number; parallelism: number };
  readonly hashingConcurrency: number;
}

interface Measured {
  readonly ready: Ready;
  readonly load: ClosedLoopResult;
  /** when the measured window was, on the clock CPU profiles use */
  readonly window: Window;
  readonly cpu: CpuShare | undefined;
  readonly problems: string[];
  readonly responseBytes: number;
}

/**
 * One broker: start pinned with its persons, check one login fully, warm up, measure, stop.
 * With `prepared`, only the password step is measured, over that many logins opened beforehand.
 */
async function measureLogins(o: { seconds: number; warmSeconds: number; connections: number; persons: number; databaseUrl?: string | undefined; nodeFlags?: string[]; prepared?: number }): Promise<Measured> {
  const database = o.databaseUrl ? await createTestDatabase(o.databaseUrl) : undefined;
  const server = startPinned('bench/password-server.ts', [String(o.persons), ...(database ? [database.url] : [])], { cpu: BROKER_CPU, timeoutMs: 60_000, nodeFlags: o.nodeFlags });
  try {
    const ready = (await server.ready) as Ready;
    const documents = benchPersons(o.persons).map((p) => p.documentNumber!);
    const first = await passwordLogin(single(ready.url), documents[0]!, BENCH_PASSWORD);
    if (!first.ok) throw new Error(`the first password login failed: ${first.why}`);
    const check = checkSsoAnswer(first.status, first.html, CERT, { signed: ['Assertion'], algorithm: ALG.rsaSha256 });
    if (check.responseBytes === 0) throw new Error(`the first password login does not end in a Response: ${check.problems.join('; ')}`);
    let share: (() => CpuShare | undefined) | undefined;
    let cpu: CpuShare | undefined;
    let fromUs = 0;
    let toUs = 0;
    const run = o.prepared ? (t: Parameters<typeof runPasswordLogins>[0], l: Parameters<typeof runPasswordLogins>[1]) => runPasswordSteps(t, { ...l, prepared: o.prepared! }) : runPasswordLogins;
    const load = await run(single(ready.url), {
      connections: o.connections,
      warmSeconds: o.warmSeconds,
      seconds: o.seconds,
      documents: documents.slice(1).concat(documents[0]!),
      password: BENCH_PASSWORD,
      onWindow: (edge) => {
        if (edge === 'start') {
          share = watchCpu(BROKER_CPU, server.child.pid!);
          fromUs = monotonicUs();
        } else {
          cpu = share?.();
          toUs = monotonicUs();
        }
      },
    });
    return { ready, load, window: { fromUs, toUs }, cpu, problems: check.problems, responseBytes: check.responseBytes };
  } finally {
    await server.stop();
    await database?.drop();
  }
}

const pct = (x: number) => `${Math.round(100 * x)}%`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'write-docs': { type: 'boolean', default: false },
      seconds: { type: 'string', default: '10' },
      connections: { type: 'string', default: '6' },
      persons: { type: 'string', default: '50' },
      profile: { type: 'string' },
      'database-url': { type: 'string' },
    },
  });
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const persons = Number(values.persons);
  const databaseUrl = values['database-url'];
  const store = databaseUrl ? `PostgreSQL at ${new URL(databaseUrl).host} (a fresh database)` : 'PGlite in memory';
  const { machine, pinning } = startBench('bench:password', { deadlineMs: DEADLINE_MS, loadCpu: LOAD_CPU, pinned: `broker and raw argon2id on CPU ${BROKER_CPU}, load generator on CPU ${LOAD_CPU} (taskset)`, sharedCpu: 'ONE CPU ONLY: broker and load generator share it, figures are low' });
  console.log(`bench:password — ${machineLine(machine, pinning)}`);
  console.log(`password logins (2 s warm-up + ${seconds} s, ${connections} browsers at a time, ${persons} persons, ${store}), then raw argon2id verify (1 s warm-up + ${seconds} s)\n`);

  const m = await measureLogins({ seconds, warmSeconds: 2, connections, persons, databaseUrl });
  const { argon2, hashingConcurrency } = m.ready;
  const params = `m=${argon2.memoryKiB} KiB, t=${argon2.iterations}, p=${argon2.parallelism}`;
  console.log(`  password logins: ${m.load.perSecond}/s${m.problems.length ? '  (!) ' + m.problems.join('; ') : ''}`);
  const raw = await runPinned<{ perSecond: number; count: number; latencyMs: { p50: number; p99: number }; cpu?: CpuShare }>(
    'bench/micro.ts',
    ['argon2-verify', String(seconds * 1000), String(hashingConcurrency), String(argon2.memoryKiB), String(argon2.iterations), String(argon2.parallelism)],
    { cpu: BROKER_CPU, timeoutMs: seconds * 1000 + 30_000 },
  );
  console.log(`  raw argon2id verify: ${raw.perSecond}/s`);
  // enough opened logins for every password step the run can make: the raw rate bounds it
  const prepared = Math.ceil(raw.perSecond * 1.25 * (seconds + 2)) + connections;
  const steps = await measureLogins({ seconds, warmSeconds: 2, connections, persons, databaseUrl, prepared });
  console.log(`  password steps alone: ${steps.load.perSecond}/s (${prepared} logins opened beforehand)\n`);

  const failures = [...m.load.failures, ...steps.load.failures].map(([why, n]) => `${n} × ${why}`);
  const invalid = m.problems.length > 0 || failures.length > 0;
  const ratio = m.load.perSecond / raw.perSecond;
  const stepRatio = steps.load.perSecond / raw.perSecond;
  // the same ratio per CPU-second each side actually had: on a shared machine the two phases may
  // have lost different shares of CPU 0 to other processes
  const perCpuRatio = m.cpu && raw.cpu ? m.load.perSecond / (1 - m.cpu.others) / (raw.perSecond / (1 - raw.cpu.others)) : undefined;
  const rows: Row[] = [
    { figure: `password logins/s end to end (argon2id ${params}, pool of ${hashingConcurrency})`, value: `${m.load.perSecond}/s`, target: '', met: '' },
    { figure: `raw argon2id verify/s (@node-rs/argon2, ${hashingConcurrency} at a time)`, value: `${raw.perSecond}/s`, target: '', met: '' },
    { figure: 'end to end ÷ raw', value: pct(ratio), target: `≥ ${pct(TARGET_RATIO)}`, met: invalid ? 'invalid' : ratio >= TARGET_RATIO ? 'yes' : 'no' },
    { figure: 'end to end ÷ raw, each per second of CPU 0 it had (shared machine)', value: perCpuRatio === undefined ? 'unknown' : pct(perCpuRatio), target: '', met: '' },
    { figure: 'login latency p50 / p99 (5 HTTP requests)', value: `${m.load.latencyMs.p50} / ${m.load.latencyMs.p99} ms`, target: '', met: '' },
    { figure: 'password steps/s alone (the password POST → Response; logins opened beforehand)', value: `${steps.load.perSecond}/s`, target: '', met: '' },
    { figure: 'password step ÷ raw', value: pct(stepRatio), target: '', met: '' },
    { figure: 'password step latency p50 / p99', value: `${steps.load.latencyMs.p50} / ${steps.load.latencyMs.p99} ms`, target: '', met: '' },
    {
      figure: `broker's share of CPU ${BROKER_CPU} (of which main thread)`,
      value: m.cpu ? `${pct(m.cpu.broker)} (${pct(m.cpu.mainThread)})` : 'unknown',
      target: '',
      met: '',
    },
  ];

  const notes: string[] = [];
  if ((m.cpu?.others ?? 0) > 0.1 || (raw.cpu?.others ?? 0) > 0.1) {
    notes.push(
      `MACHINE BUSY: other processes took ${m.cpu ? pct(m.cpu.others) : '?'} of CPU ${BROKER_CPU} during the logins and ${raw.cpu ? pct(raw.cpu.others) : '?'} during the raw verifications; both figures are low and their ratio is noisy (load average at start ${machine.loadAverage})`,
    );
  }
  notes.push(
    `${m.load.ok} logins in ${m.load.seconds} s by ${connections} browsers at a time over ${m.ready.persons} persons, durable store ${store}; Response ${m.responseBytes} bytes; raw: ${raw.count} verifications in ${seconds} s, latency p50 ${raw.latencyMs.p50} ms / p99 ${raw.latencyMs.p99} ms`,
  );
  if (failures.length) notes.push(`FAILED LOGINS: ${failures.join(', ')}`);
  for (const p of m.problems) notes.push(`INVALID RESPONSE — ${p}`);
  if (m.cpu && m.load.ok) {
    // CPU per login from the thread clocks: what a login costs besides argon2id
    const windowMs = (m.window.toUs - m.window.fromUs) / 1000;
    const perLogin = (share: number) => ((share * windowMs) / m.load.ok).toFixed(2);
    const perVerify = raw.cpu && raw.count ? `${((raw.cpu.broker * seconds * 1000) / raw.count).toFixed(2)} ms of CPU` : `${(1000 / raw.perSecond).toFixed(2)} ms of this CPU`;
    notes.push(
      `CPU per login: ${perLogin(m.cpu.mainThread)} ms on the broker's main thread (HTTP, pages, SAML, database) + ${perLogin(m.cpu.broker - m.cpu.mainThread)} ms on its other threads (argon2id on libuv's pool, V8's helpers); one raw verify took ${perVerify}`,
    );
  }
  console.log(textTable(rows));
  console.log('\n' + notes.map((n) => `- ${n}`).join('\n'));

  if (values.profile) {
    // a fresh directory per run: the summary picks among the profiles it finds there
    await mkdir(path.resolve(values.profile), { recursive: true });
    const dir = await mkdtemp(path.join(path.resolve(values.profile), 'password-'));
    const profiledSeconds = Math.min(seconds, 6);
    console.log(`\nprofiling the password logins (node --cpu-prof, ${profiledSeconds} s) …`);
    const profiled = await measureLogins({ seconds: profiledSeconds, warmSeconds: 1, connections, persons, databaseUrl, nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
    const share = profiled.cpu ? `, broker had ${pct(profiled.cpu.broker)} of CPU ${BROKER_CPU} (main thread ${pct(profiled.cpu.mainThread)}), other processes ${pct(profiled.cpu.others)}` : '';
    console.log(`(${profiled.load.perSecond}/s while profiled${share})`);
    console.log('(the profile samples the main thread only, by wall time: while argon2id runs on the same CPU its "busy" time includes time it waited for the CPU; the shares say where, the thread clocks above say how much)');
    console.log(await summariseProfile(dir, profiled.window, profiled.load.ok, 15, { steps: LOGIN_STEPS, unit: 'login' }));
  }

  if (values['write-docs']) {
    const command = `npm run bench:password -- --write-docs${seconds !== 10 ? ` --seconds ${seconds}` : ''}${connections !== 6 ? ` --connections ${connections}` : ''}${persons !== 50 ? ` --persons ${persons}` : ''}${databaseUrl ? ' --database-url <PostgreSQL URL>' : ''}`;
    await writeDocsSection(rows, machine, pinning, command, notes, SECTION);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
