// `pasarela config-docs [--write|--check]`: docs/config.md, the configuration reference, rendered
// from the zod schema (types, descriptions), config/default.yaml (defaults) and the table of
// environment variables in broker/config.ts, so the reference cannot drift from the code. A unit
// test fails when the checked-in file differs from what this renders.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { configSchema, spPolicySchema, ENV_VARIABLES, PROJECT_ROOT, readYamlFile, type Json } from '../broker/config.js';
import { consoleIo, type Io } from './io.js';

export const CONFIG_DOCS = path.join(PROJECT_ROOT, 'docs', 'config.md');
const REGENERATE = 'npx pasarela config-docs --write';

// What zod 4 exposes on its schema instances; read through this one view so the walk has one
// place that knows zod's shape.
interface ZodView {
  readonly description?: string;
  readonly def: {
    readonly type: string;
    readonly innerType?: ZodView;
    readonly defaultValue?: unknown;
    readonly shape?: Record<string, ZodView>;
    readonly element?: ZodView;
    readonly valueType?: ZodView;
    readonly checks?: readonly { readonly _zod: { readonly def: { readonly check: string; readonly minimum?: number; readonly maximum?: number; readonly format?: string; readonly pattern?: RegExp } } }[];
  };
  readonly format?: string | null;
  readonly minLength?: number | null;
  readonly maxLength?: number | null;
  readonly isInt?: boolean;
  readonly minValue?: number | null;
  readonly maxValue?: number | null;
  readonly options?: readonly string[];
}

const view = (s: z.ZodType): ZodView => s as unknown as ZodView;

/** Names of a record's keys in a dotted path; a record without an entry here is `<name>`. */
const RECORD_KEYS: Readonly<Record<string, string>> = {
  'sps.policies': '<entityID>',
  'loa.methodRungs': '<connector>',
};

interface Unwrapped {
  readonly inner: ZodView;
  readonly optional: boolean;
  readonly nullable: boolean;
  readonly zodDefault?: unknown;
  readonly description?: string;
}

function unwrap(s: ZodView): Unwrapped {
  let cur = s;
  let optional = false;
  let nullable = false;
  let zodDefault: unknown;
  let description = s.description;
  for (;;) {
    const { type, innerType } = cur.def;
    if (!innerType || !['optional', 'nullable', 'default', 'prefault', 'readonly'].includes(type)) break;
    if (type === 'optional') optional = true;
    if (type === 'nullable') nullable = true;
    if (type === 'default') zodDefault = cur.def.defaultValue;
    cur = innerType;
    description ??= cur.description;
  }
  return { inner: cur, optional, nullable, zodDefault, description };
}

const isPolicy = (s: ZodView) => s.def.shape !== undefined && s.def.shape === view(spPolicySchema).def.shape;

function bound(v: number | null | undefined): number | undefined {
  return typeof v === 'number' && Math.abs(v) < Number.MAX_SAFE_INTEGER ? v : undefined;
}

function range(lo: number | undefined, hi: number | undefined, unit = ''): string {
  if (lo !== undefined && hi !== undefined) return ` ${lo}–${hi}${unit}`;
  if (lo !== undefined) return ` ≥ ${lo}${unit}`;
  if (hi !== undefined) return ` ≤ ${hi}${unit}`;
  return '';
}

function typeOf(s: ZodView): string {
  const { inner, nullable } = unwrap(s);
  let t: string;
  switch (inner.def.type) {
    case 'string': {
      const pattern = inner.def.checks?.map((c) => c._zod.def.pattern).find((p) => p !== undefined);
      if (inner.format === 'url') t = 'URL';
      else if (pattern) t = `string matching \`${pattern.source}\``;
      else t = 'string';
      t += range(bound(inner.minLength), bound(inner.maxLength), ' characters');
      break;
    }
    case 'number':
      t = (inner.isInt ? 'integer' : 'number') + range(bound(inner.minValue), bound(inner.maxValue));
      break;
    case 'boolean':
      t = 'boolean';
      break;
    case 'enum':
      t = (inner.options ?? []).map((o) => `\`"${o}"\``).join(' \\| ');
      break;
    case 'array': {
      const min = inner.def.checks?.map((c) => c._zod.def).find((d) => d.check === 'min_length')?.minimum;
      const element = unwrap(inner.def.element!).inner;
      t = `list of ${element.def.type === 'object' ? 'objects' : typeOf(inner.def.element!)}${min ? `, at least ${min}` : ''}`;
      break;
    }
    case 'record':
      t = isPolicy(unwrap(inner.def.valueType!).inner) ? 'map of SP policy entries (below)' : 'map';
      break;
    case 'object':
      t = isPolicy(inner) ? 'SP policy entry (below)' : 'object';
      break;
    default:
      t = inner.def.type;
  }
  return nullable ? `${t} or null` : t;
}

interface Row {
  readonly key: string;
  readonly type: string;
  readonly optional: boolean;
  readonly default: string;
  readonly env: string;
  readonly description: string;
}

function at(value: Json | undefined, key: string): Json | undefined {
  let cur = value;
  for (const k of key.split('.')) cur = cur && typeof cur === 'object' && !Array.isArray(cur) ? cur[k] : undefined;
  return cur;
}

const show = (v: unknown) => `\`${JSON.stringify(v)}\``;

/**
 * One row per key under `schema`, depth first. `defaults` is where this level's default values are
 * read from (default.yaml), or null under a record or a list, whose defaults are their container's.
 */
function rows(schema: ZodView, prefix: string, defaults: Json | undefined | null, out: Row[], problems: string[]): void {
  for (const [name, child] of Object.entries(schema.def.shape ?? {})) {
    const key = prefix + name;
    const u = unwrap(child);
    const env = ENV_VARIABLES.filter((e) => e.path.join('.') === key).map((e) => `\`${e.name}\``).join(', ');
    let def = '';
    // an object's default is its keys' defaults, each on its own row
    if (u.inner.def.type === 'object' && !isPolicy(u.inner)) def = '';
    else if (defaults !== null) {
      const d = at(defaults, key);
      def = d === undefined ? '' : show(d);
    } else if (u.zodDefault !== undefined) def = show(u.zodDefault);
    if (!u.description) problems.push(`${key}: no description in broker/config.ts`);
    out.push({ key, type: typeOf(child), optional: u.optional, default: def, env, description: u.description ?? '' });
    const inner = u.inner;
    if (isPolicy(inner)) continue;
    if (inner.def.type === 'object') rows(inner, `${key}.`, defaults, out, problems);
    else if (inner.def.type === 'record') {
      const value = unwrap(inner.def.valueType!).inner;
      if (value.def.type === 'object' && !isPolicy(value)) rows(value, `${key}.${RECORD_KEYS[key] ?? '<name>'}.`, null, out, problems);
    } else if (inner.def.type === 'array') {
      const element = unwrap(inner.def.element!).inner;
      if (element.def.type === 'object') rows(element, `${key}[].`, null, out, problems);
    }
  }
}

const cell = (s: string) => s.replace(/\n/g, ' ');

function table(list: readonly Row[], strip = ''): string[] {
  const lines = ['| key | type | default | environment | description |', '| --- | --- | --- | --- | --- |'];
  for (const r of list) {
    const def = r.default || (r.optional ? 'unset' : '');
    lines.push(`| \`${r.key.slice(strip.length)}\` | ${cell(r.type)} | ${def} | ${r.env} | ${cell(r.description).replace(/\|/g, '\\|')} |`);
  }
  return lines;
}

/** docs/config.md as the schema, default.yaml and the environment table make it now. */
export function renderConfigDocs(): string {
  const defaults = readYamlFile(path.join(PROJECT_ROOT, 'config', 'default.yaml'));
  const problems: string[] = [];
  const all: Row[] = [];
  rows(view(configSchema), '', defaults, all, problems);
  const policy: Row[] = [];
  rows(view(spPolicySchema), '', null, policy, problems);
  for (const e of ENV_VARIABLES) if (!all.some((r) => r.key === e.path.join('.'))) problems.push(`${e.name}: overrides ${e.path.join('.')}, which is not in the schema`);
  if (problems.length) throw new Error(`cannot document the configuration:\n  ${problems.join('\n  ')}`);

  const top = Object.entries(view(configSchema).def.shape ?? {});
  const sections = top.filter(([, s]) => unwrap(s).inner.def.type === 'object' && !isPolicy(unwrap(s).inner));
  const general = all.filter((r) => !r.key.includes('.') && !sections.some(([n]) => n === r.key));
  const md = [
    '# Configuration reference',
    '',
    `<!-- Generated from broker/config.ts and config/default.yaml by \`${REGENERATE}\`; do not edit by hand. -->`,
    '',
    'The broker reads `config/default.yaml` (laptop-safe defaults), then the YAML file named by',
    '`PASARELA_CONFIG` (deep-merged: objects merge key by key, lists and scalars replace), then the',
    'environment variables below. An invalid configuration stops the start with a message naming',
    'each bad key. See `config/production.example.yaml` for a production file.',
    '',
    'Paths are relative to the project root unless a key says otherwise. "default" is the value in',
    '`config/default.yaml`; "unset" marks an optional key that it leaves out.',
    '',
    '## Top level',
    '',
    ...table(general),
  ];
  for (const [name, s] of sections) {
    md.push('', `## \`${name}\`: ${unwrap(s).description ?? ''}`, '', ...table(all.filter((r) => r.key.startsWith(`${name}.`))));
  }
  md.push(
    '',
    '## SP policy entry',
    '',
    `${unwrap(view(spPolicySchema)).description ?? ''}: the value of each \`sps.policies.<entityID>\` and of \`sps.defaultPolicy\`. The default here is the one a key takes when the entry leaves it out.`,
    '',
    ...table(policy),
    '',
    '## Environment variables',
    '',
    'Each wins over both files; an empty variable counts as unset.',
    '',
    '| variable | key | read as |',
    '| --- | --- | --- |',
    ...ENV_VARIABLES.map((e) => `| \`${e.name}\` | \`${e.path.join('.')}\` | ${e.note ?? 'as it is'} |`),
    '| `PASARELA_CONFIG` | | the YAML file merged over `config/default.yaml` |',
    '',
  );
  return md.join('\n');
}

export async function main(argv: string[], _env: NodeJS.ProcessEnv = process.env, io: Io = consoleIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { write: { type: 'boolean' }, check: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (err) {
    io.err(`pasarela config-docs: ${(err as Error).message}`);
    return 2;
  }
  if (values.help) {
    io.out(['usage: pasarela config-docs [--write | --check]', '', '  (none)    print docs/config.md as the schema makes it now', '  --write   write it to docs/config.md', '  --check   exit 1 when docs/config.md is not up to date'].join('\n'));
    return 0;
  }
  let text: string;
  try {
    text = renderConfigDocs();
  } catch (err) {
    io.err((err as Error).message);
    return 1;
  }
  if (values.write) {
    writeFileSync(CONFIG_DOCS, text);
    io.out(`wrote ${path.relative(PROJECT_ROOT, CONFIG_DOCS)}`);
  } else if (values.check) {
    let current = '';
    try {
      current = readFileSync(CONFIG_DOCS, 'utf8');
    } catch {
      // a missing file is out of date like any other
    }
    if (current !== text) {
      io.err(`${path.relative(PROJECT_ROOT, CONFIG_DOCS)} is out of date: run \`${REGENERATE}\``);
      return 1;
    }
    io.out(`${path.relative(PROJECT_ROOT, CONFIG_DOCS)} is up to date`);
  } else io.out(text.replace(/\n$/, ''));
  return 0;
}
