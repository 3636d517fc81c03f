// `npm run bench:sso`: SSO round trips per second through a real broker over HTTP, with the
// signature variants the targets name, plus the raw signature rates and samlify's IdP measured
// on the same CPU, in one run. Prints figures and targets; never fails on speed.
//
// Layout on a 2-CPU machine: each broker is a child under `taskset -c 0`, this process (and so
// autocannon) is pinned to CPU 1, the microbenchmarks are children under `taskset -c 0` again.
// Everything talks to 127.0.0.1 only; every child is killed on exit (see pinned-child.ts).
//
// Flags: --write-docs (update docs/benchmarks.md), --seconds N (measured time per variant,
// default 10), --connections N (default 10), --profile DIR (also run variant 1 once more under
// `node --cpu-prof` and print where its time goes), --profile-variant N (profile variant N instead).
import { mkdir, mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ALG } from '../broker/saml/namespaces.js';
import { checkSsoAnswer } from './check-response.js';
import { watchCpu, type CpuShare } from './cpu-share.js';
import { runLoad, type LoadResult } from './load.js';
import { loginOnce, send } from './login.js';
import { startBench } from './machine.js';
import { runPinned, startPinned } from './pinned-child.js';
import { monotonicUs, summariseProfile, type Window } from './profile-summary.js';
import { machineLine, textTable, writeDocsSection, type Row } from './report.js';
import { freshRedirectPath } from './authn-requests.js';

const BROKER_CPU = 0;
const LOAD_CPU = 1;
const DEADLINE_MS = 170_000; // the whole run stays under three minutes

interface Variant {
  readonly figure: string;
  readonly key: 'rsa' | 'p256';
  readonly sign: 'assertion' | 'both';
  readonly target: number;
  readonly cert: string;
  readonly algorithm: string;
  readonly signed: string[];
}

const VARIANTS: readonly Variant[] = [
  { figure: 'SSO/s, RSA-2048, Assertion signed', key: 'rsa', sign: 'assertion', target: 600, cert: 'tests/fixtures/keys/idp.crt', algorithm: ALG.rsaSha256, signed: ['Assertion'] },
  { figure: 'SSO/s, RSA-2048, Response + Assertion signed', key: 'rsa', sign: 'both', target: 320, cert: 'tests/fixtures/keys/idp.crt', algorithm: ALG.rsaSha256, signed: ['Response', 'Assertion'] },
  { figure: 'SSO/s, ECDSA P-256, Assertion signed', key: 'p256', sign: 'assertion', target: 2000, cert: 'tests/fixtures/keys/idp-p256.crt', algorithm: ALG.ecdsaSha256, signed: ['Assertion'] },
];

interface Measured {
  readonly variant: Variant;
  readonly load: LoadResult;
  /** when the measured load ran, on the clock CPU profiles use */
  readonly window: Window;
  /** the broker's and everything else's share of CPU 0 during the measured load */
  readonly cpu: CpuShare | undefined;
  readonly problems: string[];
  readonly responseBytes: number;
}

/** One broker: start pinned, log in once, check one round trip, warm up, measure, stop. */
async function measureVariant(v: Variant, o: { seconds: number; warmSeconds: number; connections: number; nodeFlags?: string[] }): Promise<Measured> {
  const server = startPinned('bench/sso-server.ts', [v.key, v.sign], { cpu: BROKER_CPU, timeoutMs: 30_000, nodeFlags: o.nodeFlags });
  try {
    const { url, varDir } = (await server.ready) as { url: string; varDir: string };
    const jar = await loginOnce(url, varDir);
    const probe = await send(url, jar, freshRedirectPath(url));
    const check = checkSsoAnswer(probe.status, probe.text, v.cert, { signed: v.signed, algorithm: v.algorithm });
    if (check.responseBytes === 0) throw new Error(`${v.figure}: the SSO round trip does not give a Response: ${check.problems.join('; ')}`);
    await runLoad(url, jar.header(), { connections: o.connections, seconds: o.warmSeconds });
    const share = watchCpu(BROKER_CPU, server.child.pid!);
    const fromUs = monotonicUs();
    const load = await runLoad(url, jar.header(), { connections: o.connections, seconds: o.seconds });
    const window = { fromUs, toUs: monotonicUs() };
    return { variant: v, load, window, cpu: share(), problems: check.problems, responseBytes: check.responseBytes };
  } finally {
    await server.stop();
  }
}

function loadNote(m: Measured): string {
  const l = m.load;
  const bad = [l.notSso && `${l.notSso} answers without SAMLResponse`, l.non2xx && `${l.non2xx} non-2xx`, l.errors && `${l.errors} errors`, l.timeouts && `${l.timeouts} timeouts`].filter(Boolean);
  const cpu = m.cpu ? `, broker used ${Math.round(100 * m.cpu.broker)}% of CPU ${BROKER_CPU} (other processes ${Math.round(100 * m.cpu.others)}%)` : '';
  return `${m.variant.figure}: ${l.ok} round trips in ${l.seconds} s, latency p50 ${l.latencyMs.p50} ms / p99 ${l.latencyMs.p99} ms, Response ${m.responseBytes} bytes${cpu}${bad.length ? '; ' + bad.join(', ') : ''}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'write-docs': { type: 'boolean', default: false },
      seconds: { type: 'string', default: '10' },
      connections: { type: 'string', default: '10' },
      profile: { type: 'string' },
      'profile-variant': { type: 'string', default: '1' },
    },
  });
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const { machine, pinning } = startBench('bench:sso', { deadlineMs: DEADLINE_MS, loadCpu: LOAD_CPU, pinned: `broker and microbenchmarks on CPU ${BROKER_CPU}, autocannon on CPU ${LOAD_CPU} (taskset)`, sharedCpu: 'ONE CPU ONLY: broker and autocannon share it, figures are low' });
  console.log(`bench:sso — ${machineLine(machine, pinning)}`);
  console.log(`${VARIANTS.length} variants × (2 s warm-up + ${seconds} s), ${connections} connections\n`);

  const measured: Measured[] = [];
  for (const v of VARIANTS) {
    const m = await measureVariant(v, { seconds, warmSeconds: 2, connections });
    console.log(`  ${v.figure}: ${m.load.perSecond}/s${m.problems.length ? '  (!) ' + m.problems.join('; ') : ''}`);
    measured.push(m);
  }
  const micro = (mode: string, ms: number) => runPinned<{ perSecond: number; count: number; ms: number }>('bench/micro.ts', [mode, String(ms)], { cpu: BROKER_CPU, timeoutMs: ms + 20_000 });
  const rsa = await micro('sign-rsa', 3000);
  console.log(`  raw RSA-2048 sign: ${rsa.perSecond}/s`);
  const p256 = await micro('sign-p256', 2000);
  console.log(`  raw P-256 sign: ${p256.perSecond}/s`);
  const samlify = await micro('samlify', 5000);
  console.log(`  samlify IdP: ${samlify.perSecond}/s\n`);

  const rows: Row[] = measured.map((m) => ({
    figure: m.variant.figure,
    value: `${m.load.perSecond}/s`,
    target: `≥ ${m.variant.target}/s`,
    met: m.problems.length ? 'invalid' : m.load.perSecond >= m.variant.target ? 'yes' : 'no',
  }));
  const first = measured[0]!;
  const ratio = first.load.perSecond / samlify.perSecond;
  rows.push(
    { figure: 'raw Node RSA-2048 sign (sha256, KeyObject)', value: `${rsa.perSecond}/s`, target: '', met: '' },
    { figure: 'raw Node ECDSA P-256 sign (sha256)', value: `${p256.perSecond}/s`, target: '', met: '' },
    { figure: 'samlify IdP, RSA-2048, Assertion signed', value: `${samlify.perSecond}/s`, target: '', met: '' },
    { figure: 'broker ÷ samlify (Assertion signed)', value: `${ratio.toFixed(1)}×`, target: '≥ 5×', met: first.problems.length ? 'invalid' : ratio >= 5 ? 'yes' : 'no' },
  );
  const notes = measured.map(loadNote);
  const crowded = measured.filter((m) => (m.cpu?.others ?? 0) > 0.1);
  if (crowded.length) notes.unshift(`MACHINE BUSY: other processes took ${crowded.map((m) => `${Math.round(100 * m.cpu!.others)}%`).join(' / ')} of CPU ${BROKER_CPU} during ${crowded.length} of ${measured.length} variants; those figures are low (load average at start ${machine.loadAverage})`);
  for (const m of measured) for (const p of m.problems) notes.push(`${m.variant.figure}: INVALID RESPONSE — ${p}`);
  // How much of the broker's time the private-key operations alone can explain, at the raw rates.
  const signShare = (m: Measured) => Math.round((100 * m.load.perSecond * (m.variant.sign === 'both' ? 2 : 1)) / (m.variant.key === 'rsa' ? rsa.perSecond : p256.perSecond));
  notes.push(`private-key operations at the raw rates explain only ${measured.map((m) => `${signShare(m)}% (${m.variant.key}, ${m.variant.sign})`).join(', ')} of the broker's CPU at the measured rates`);

  console.log(textTable(rows));
  console.log('\n' + notes.map((n) => `- ${n}`).join('\n'));

  if (values.profile) {
    // a fresh directory per run: the summary picks among the profiles it finds there
    await mkdir(path.resolve(values.profile), { recursive: true });
    const dir = await mkdtemp(path.join(path.resolve(values.profile), 'sso-'));
    console.log(`\nprofiling ${VARIANTS[0]!.figure} (node --cpu-prof, ${Math.min(seconds, 6)} s) …`);
    const variant = VARIANTS[Number(values['profile-variant']) - 1];
    if (!variant) throw new Error(`--profile-variant must be 1..${VARIANTS.length}`);
    const profiled = await measureVariant(variant, { seconds: Math.min(seconds, 6), warmSeconds: 1, connections, nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
    const share = profiled.cpu ? `, broker had ${Math.round(100 * profiled.cpu.broker)}% of CPU ${BROKER_CPU}, other processes ${Math.round(100 * profiled.cpu.others)}%` : '';
    console.log(`(${profiled.load.perSecond}/s while profiled${share})`);
    console.log(await summariseProfile(dir, profiled.window, profiled.load.ok));
  }

  if (values['write-docs']) {
    const command = `npm run bench:sso -- --write-docs${seconds !== 10 ? ` --seconds ${seconds}` : ''}${connections !== 10 ? ` --connections ${connections}` : ''}`;
    await writeDocsSection(rows, machine, pinning, command, notes);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
