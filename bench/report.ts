// The printed table and the docs/benchmarks.md text, from the same rows so they never disagree.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Machine } from './machine.js';
import { PROJECT_ROOT } from './pinned-child.js';

export interface Row {
  readonly figure: string;
  readonly value: string;
  /** '' when the figure has no target (context only) */
  readonly target: string;
  readonly met: 'yes' | 'no' | '' | 'invalid';
  readonly note?: string;
}

function pad(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export function textTable(rows: readonly Row[]): string {
  return pad([['figure', 'value', 'target', 'met?'], ...rows.map((r) => [r.figure, r.value, r.target, r.met])]);
}

export function machineLine(m: Machine, pinning: string): string {
  return `${m.date} · ${m.cpu} (${m.cpus} CPUs) · Node ${m.node} · ${m.os} · load average ${m.loadAverage} · ${pinning}`;
}

/** A generated section of docs/benchmarks.md: which benchmark writes it, its heading and what it measures. */
export interface DocSection {
  /** the npm script's suffix: `bench:<name>` */
  readonly name: string;
  readonly heading: string;
  /** the paragraph under the heading: how the figures were measured */
  readonly intro: readonly string[];
}

export const SSO_SECTION: DocSection = {
  name: 'sso',
  heading: 'SSO round trips',
  intro: [
    'A live broker SSO session (one PIN login over HTTP first), then autocannon sends',
    '`GET /saml/sso?SAMLRequest=…` (HTTP-Redirect, a fresh unsigned AuthnRequest from test SP sp2',
    'each time: the replay cache refuses a repeated ID) with the session cookie; a round trip counts',
    'only when the answer is the auto-post form with a SAMLResponse. The broker runs alone on CPU 0',
    '(`taskset -c 0`) with its embedded stores (in-memory ephemeral store, PGlite in memory) and',
    'logging off; the load generator runs on CPU 1. The raw signature rates and samlify (its IdP:',
    '`parseLoginRequest` + `createLoginResponse`, no-op schema validator, same key, same four eIDAS',
    'attributes, Assertion signed only) run afterwards on CPU 0 too.',
  ],
};

const begin = (name: string) => `<!-- bench:${name}:begin (written by \`npm run bench:${name} -- --write-docs\`) -->`;
const end = (name: string) => `<!-- bench:${name}:end -->`;

const HEADER = [
  '# Benchmarks',
  '',
  'Figures printed by the benchmarks in `bench/`; each section says when, on what and with which',
  'command it was measured. They are measurements, not tests: nothing fails on speed.',
  '',
].join('\n');

/**
 * `doc` with the generated section of `bench:<name>` replaced. A document without that section
 * gets it appended, so the other sections and the hand-written text stay; only a missing or
 * empty document is written anew, with the header.
 */
export function replaceSection(doc: string | undefined, section: string, name = SSO_SECTION.name): string {
  const BEGIN = begin(name);
  const END = end(name);
  const block = `${BEGIN}\n${section.trimEnd()}\n${END}`;
  const i = doc?.indexOf(BEGIN) ?? -1;
  const j = doc?.indexOf(END) ?? -1;
  if (doc && i >= 0 && j > i) return doc.slice(0, i) + block + doc.slice(j + END.length);
  if (doc?.trim()) return `${doc.trimEnd()}\n\n${block}\n`;
  return `${HEADER}\n${block}\n`;
}

export function markdown(rows: readonly Row[], m: Machine, pinning: string, command: string, notes: readonly string[], section: DocSection = SSO_SECTION): string {
  const lines = [
    `## ${section.heading} (\`npm run bench:${section.name}\`)`,
    '',
    ...section.intro,
    '',
    `- measured: ${m.date}`,
    `- machine: ${m.cpu}, ${m.cpus} CPUs, ${m.os}; load average ${m.loadAverage} at start`,
    `- Node ${m.node}; ${pinning}`,
    `- command: \`${command}\``,
    '',
    '| figure | value | target | met? |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.figure} | ${r.value} | ${r.target || '—'} | ${r.met || '—'} |`),
    '',
  ];
  if (notes.length) lines.push('Notes from this run:', '', ...notes.map((n) => `- ${n}`), '');
  return lines.join('\n');
}

/** Replaces (or appends) `section` of docs/benchmarks.md with this run's rows and notes. */
export async function writeDocsSection(rows: readonly Row[], m: Machine, pinning: string, command: string, notes: readonly string[], section: DocSection = SSO_SECTION): Promise<void> {
  const file = path.join(PROJECT_ROOT, 'docs', 'benchmarks.md');
  const before = await readFile(file, 'utf8').catch(() => undefined);
  await writeFile(file, replaceSection(before, markdown(rows, m, pinning, command, notes, section), section.name));
  console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
}
