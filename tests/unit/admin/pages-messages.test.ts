// The management pages' messages: every section file has the same keys in Dutch, English and
// Spanish, every placeholder of a text appears in its translations, no key is defined twice
// across sections (the shell's catalogue refuses that at start-up), and every refusal reason the
// registry can throw (read from broker/mandates/) has a text of its own, so no page falls back to
// the registry's English message.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { adminSections } from '../../../broker/admin/pages/router.js';
import { shellMessages } from '../../../broker/admin/pages/messages/shell.js';
import { ADMIN_LANGUAGES, createAdminCatalogue, type SectionMessages } from '../../../broker/admin/pages/i18n.js';
import { PROJECT_ROOT } from '../../../broker/config.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('management pages: messages in nl, en and es', () => {
  const all: [string, SectionMessages][] = [['shell', shellMessages], ...adminSections.map((s): [string, SectionMessages] => [s.id, s.messages])];

  for (const [name, messages] of all) {
    it(`${name}: the same keys and placeholders in every language, no empty text`, () => {
      const keys = Object.keys(messages.en).sort();
      for (const lang of ADMIN_LANGUAGES) {
        assert.deepEqual(Object.keys(messages[lang]).sort(), keys, `${name} ${lang} keys`);
        for (const key of keys) {
          assert.ok(messages[lang][key]!.trim(), `${name} ${lang} ${key} is empty`);
          assert.deepEqual(placeholders(messages[lang][key]!), placeholders(messages.en[key]!), `${name} ${lang} ${key} placeholders`);
        }
      }
    });
  }

  it('no key is defined by two sections', () => {
    assert.doesNotThrow(() => createAdminCatalogue(all.map(([, m]) => m)));
    assert.throws(() => createAdminCatalogue([shellMessages, shellMessages]), /defined twice/);
  });

  it('every refusal reason the registry can throw, and every one a users page maps to a field, has its own text in nl, en and es', async () => {
    const mandates = path.join(PROJECT_ROOT, 'broker', 'mandates');
    const registrySources = await Promise.all((await readdir(mandates)).filter((f) => f.endsWith('.ts')).map(async (f) => [f, await readFile(path.join(mandates, f), 'utf8')] as const));
    const reasons = new Set(registrySources.flatMap(([file, src]) => thrownReasons(file, src)));
    assert.ok(reasons.has('last-administrator') && reasons.has('invalid-input') && reasons.size > 40, `the reasons were read from the source (${reasons.size})`);
    const users = path.join(PROJECT_ROOT, 'broker', 'admin', 'pages', 'users');
    const pageSources = await Promise.all(['change.ts', 'add.ts', 'link.ts', 'end.ts', 'document.ts'].map((f) => readFile(path.join(users, f), 'utf8')));
    for (const src of pageSources) for (const m of src.matchAll(/'([a-z]+(?:-[a-z]+)+)': '[a-zA-Z]+'/g)) reasons.add(m[1]!);
    for (const lang of ADMIN_LANGUAGES) {
      const missing = [...reasons].filter((r) => !all.some(([, m]) => `refusal.${r}` in m[lang]));
      assert.deepEqual(missing, [], `${lang}: reasons without a refusal text`);
    }
  });
});

/**
 * The reasons of the registry's refusals in one source file: the last argument of every
 * `new MandateRuleError(…)` and `invalid(…)` (whose reason defaults to 'invalid-input'). A reason
 * that is not a string literal fails the test, so a refusal cannot slip past it unread.
 */
function thrownReasons(file: string, src: string): string[] {
  const reasons: string[] = [];
  for (const call of src.matchAll(/(?:new MandateRuleError|\binvalid)\(/g)) {
    if (/function\s+$/.test(src.slice(0, call.index))) continue;
    const args = callArguments(src, call.index + call[0].length);
    const isInvalid = !call[0].startsWith('new');
    const last = args.length === (isInvalid ? 2 : 3) ? args[args.length - 1]! : null;
    if (isInvalid && args.length === 1) reasons.push('invalid-input');
    else if (last && /^'[a-z0-9-]+'$/.test(last)) reasons.push(last.slice(1, -1));
    else if (!(file === 'input.ts' && last === 'reason')) throw new Error(`${file}: a refusal whose reason is not a literal: ${src.slice(call.index, call.index + 120)}`);
  }
  return reasons;
}

/** the top-level arguments of the call whose argument list starts at `from`, as source text */
function callArguments(src: string, from: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = from;
  for (let i = from; i < src.length; i += 1) {
    const c = src[i]!;
    if (quote) {
      if (c === '\\') i += 1;
      else if (c === quote) quote = null;
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth += 1;
    else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth -= 1;
    else if (c === ',' && depth === 0) {
      args.push(src.slice(start, i).trim());
      start = i + 1;
    } else if (c === ')') {
      args.push(src.slice(start, i).trim());
      return args.filter(Boolean);
    }
  }
  throw new Error('an unclosed call');
}
