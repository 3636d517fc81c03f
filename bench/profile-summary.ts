// Where a broker's CPU time went, from the .cpuprofile `node --cpu-prof` wrote: self time by
// package or broker file, the hottest functions, and the inclusive time of the steps of one SSO
// round trip (receive the request, the session, the Response, signing, the stores) or of
// whatever steps the caller names (the password benchmark's login).
// Usage: npx tsx bench/profile-summary.ts <dir-or-file> [round trips]
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/**
 * A step we want the inclusive time of: label, function name, a file fragment that identifies it,
 * and optionally a function that must be an ancestor (xmldom parses inbound messages too).
 */
export type Step = readonly [label: string, fn: string, file: string, under?: string];

/** the steps of one SSO round trip */
export const SSO_STEPS: readonly Step[] = [
  ['receiveAuthnRequest (inflate, parse, schema, checks, replay cache)', 'receiveAuthnRequest', 'receive-authn-request'],
  ['  validateSchema', 'validateSchema', ''],
  ['openLogin', 'openLogin', 'open-login'],
  ['  sessions.current (SSO session read + write)', 'current', 'sso-session'],
  ['handBack (sync part; its awaited queries are under database below)', 'handBack', 'hand-back'],
  ['  buildSuccessResponse', 'buildSuccessResponse', 'build-response'],
  ['    signTree (digest + SignedInfo + private key)', 'signTree', 'sign-tree'],
  ['      canonicalXml (exc-c14n from the tree)', 'canonicalXml', 'xml-serialize', 'signTree'],
  ['      crypto.sign (the private-key operation)', 'signOneShot', 'crypto/sig', 'signTree'],
  ['    serializeXml (the document sent)', 'serializeXml', 'xml-serialize', 'buildSuccessResponse'],
  ['  sendPostToSp (form page, ETag, write)', 'sendPostToSp', 'post-to-sp'],
];

/** Self time grouped coarsely, by where the code lives. */
const BUCKETS: readonly [label: string, test: (place: string) => boolean][] = [
  ['database: PGlite (WASM + JS) and kysely (login history batches, cache misses)', (p) => p.startsWith('wasm://') || p.includes('pglite') || p === 'kysely'],
  ['XML parsing of the AuthnRequest: @xmldom/xmldom, xpath, xml-crypto', (p) => p === '@xmldom/xmldom' || p === 'xpath' || p === 'xml-crypto'],
  ['node:crypto (signatures, hashes, random ids)', (p) => p.startsWith('node:crypto')],
  ['HTTP: node http/net/streams, express, router', (p) => /^node:(_http|http|net|stream|internal\/stream|streams|dns|timers|events)/.test(p) || ['express', 'router', 'body-parser', 'send', 'etag', 'finalhandler', 'cookie', 'qs', 'mime-types', 'content-type', 'statuses', 'on-finished'].includes(p)],
  ['garbage collector', (p) => p === '(garbage collector)'],
  ['broker code (broker/, connectors/)', (p) => p.startsWith('broker/') || p.startsWith('connectors/')],
  ['prom-client, zod, pino', (p) => ['prom-client', 'zod', 'pino'].includes(p)],
];

/** A short place for a script URL: `pkg` for node_modules, `broker/…` for ours, `node:…` for core. */
function place(url: string): string {
  if (!url) return '(native / VM)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return url.replace(/^node:internal\//, 'node:');
  const ours = /\/(broker|connectors|bench|tests)\/(.*)$/.exec(url.startsWith('file:') ? fileURLToPath(url) : url);
  return ours ? `${ours[1]}/${ours[2]}` : url;
}

function busyTime(p: CpuProfile): number {
  const idle = new Set(p.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  return p.samples.reduce((sum, id, i) => (idle.has(id) ? sum : sum + (p.timeDeltas[i] ?? 0)), 0);
}

/**
 * The profile of the thread that served requests. Under `--import tsx` the module-hooks worker
 * writes a profile of its own, so among the files of one run take the one with the most busy time.
 */
async function mainProfile(target: string): Promise<{ file: string; profile: CpuProfile }> {
  const files = (await stat(target)).isFile() ? [target] : (await readdir(target)).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(target, f));
  if (!files.length) throw new Error(`no .cpuprofile in ${target}`);
  let best: { file: string; profile: CpuProfile } | undefined;
  for (const file of files) {
    const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
    if (!best || busyTime(profile) > busyTime(best.profile)) best = { file, profile };
  }
  return best!;
}

const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1).padStart(5)}%`;

/** A time window in µs of the monotonic clock (what V8 stamps profiles with, and process.hrtime reads). */
export interface Window {
  readonly fromUs: number;
  readonly toUs: number;
}

export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/**
 * Summary of the samples inside `window` (the measured load, so start-up — module loading, PGlite
 * initialisation, migrations — stays out), or of the whole profile without one.
 */
export async function summariseProfile(
  target: string,
  window?: Window,
  roundTrips?: number,
  top = 15,
  what: { readonly steps: readonly Step[]; readonly unit: string } = { steps: SSO_STEPS, unit: 'round trip' },
): Promise<string> {
  const { file, profile } = await mainProfile(target);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    if (window && (at < window.fromUs || at > window.toUs)) return;
    self.set(id, (self.get(id) ?? 0) + dt);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)').reduce((a, [, t]) => a + t, 0);
  const busy = total - idle;

  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // inclusive time per node, children before parents (ids are not ordered: walk from the root)
  const inclusive = new Map<number, number>();
  const root = profile.nodes.find((n) => !parent.has(n.id))!;
  const order: number[] = [];
  const stack = [root.id];
  while (stack.length) {
    const id = stack.pop()!;
    order.push(id);
    for (const c of byId.get(id)!.children ?? []) stack.push(c);
  }
  for (const id of order.reverse()) {
    inclusive.set(id, (self.get(id) ?? 0) + (byId.get(id)!.children ?? []).reduce((a, c) => a + (inclusive.get(c) ?? 0), 0));
  }

  const byPlace = new Map<string, number>();
  const byFn = new Map<string, number>();
  for (const [id, t] of self) {
    const f = byId.get(id)!.callFrame;
    if (f.functionName === '(idle)') continue;
    const p = f.functionName.startsWith('(') ? f.functionName : place(f.url);
    byPlace.set(p, (byPlace.get(p) ?? 0) + t);
    const fn = `${f.functionName || '(anonymous)'}  ${place(f.url)}${f.url ? ':' + (f.lineNumber + 1) : ''}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + t);
  }

  /** inclusive time of a function, counting each call tree once even when it recurses */
  const stepTime = (fn: string, fileFragment: string, under?: string): number => {
    const matches = (n: ProfileNode) => n.callFrame.functionName === fn && n.callFrame.url.includes(fileFragment);
    let sum = 0;
    for (const n of profile.nodes) {
      if (!matches(n)) continue;
      let p = parent.get(n.id);
      let nested = false;
      let inside = under === undefined;
      while (p !== undefined) {
        const pn = byId.get(p)!;
        if (matches(pn)) nested = true;
        if (pn.callFrame.functionName === under) inside = true;
        p = parent.get(p);
      }
      if (!nested && inside) sum += inclusive.get(n.id) ?? 0;
    }
    return sum;
  };

  const ms = (us: number) => `${Math.round(us / 1000)} ms`;
  // with the number of round trips in the window, each share also as CPU time per round trip
  const per = (us: number) => (roundTrips ? `  ${(us / 1000 / roundTrips).toFixed(2).padStart(5)} ms` : '');
  const out: string[] = [];
  const span = window ? `window of ${ms(window.toUs - window.fromUs)}` : 'whole run';
  if (window && (window.fromUs < profile.startTime || window.toUs > profile.endTime)) out.push(`(window partly outside the profile ${profile.startTime}–${profile.endTime})`);
  out.push(`profile ${path.basename(file)}, ${span}: ${ms(total)} sampled, ${ms(busy)} busy (${pct(busy, total).trim()}), shares below are of busy time`);
  if (roundTrips) out.push(`${roundTrips} ${what.unit}s in the window: ${(busy / 1000 / roundTrips).toFixed(2)} ms of CPU each; second column = ms per ${what.unit}`);
  const buckets = new Map<string, number>();
  for (const [p, t] of byPlace) {
    const label = BUCKETS.find(([, test]) => test(p))?.[0] ?? 'other (module loader, VM, small packages)';
    buckets.set(label, (buckets.get(label) ?? 0) + t);
  }
  out.push('', 'self time by kind of work:');
  for (const [label, t] of [...buckets].sort((a, b) => b[1] - a[1])) out.push(`  ${pct(t, busy)}${per(t)}  ${label}`);
  out.push('', 'self time by place:');
  for (const [p, t] of [...byPlace].sort((a, b) => b[1] - a[1]).slice(0, top)) out.push(`  ${pct(t, busy)}${per(t)}  ${p}`);
  out.push('', 'hottest functions (self):');
  for (const [f, t] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) out.push(`  ${pct(t, busy)}${per(t)}  ${f}`);
  out.push('', `steps of one ${what.unit} (inclusive, synchronous call trees only):`);
  for (const [label, fn, frag, under] of what.steps) {
    const t = stepTime(fn, frag, under);
    out.push(`  ${pct(t, busy)}${per(t)}  ${label}`);
  }
  return out.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const target = process.argv[2];
  if (!target) throw new Error('usage: profile-summary.ts <dir-or-file>');
  console.log(await summariseProfile(target, undefined, process.argv[3] ? Number(process.argv[3]) : undefined));
}
