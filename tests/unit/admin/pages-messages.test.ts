// The management pages' messages: every section file has the same keys in Dutch, English and
// Spanish, every placeholder of a text appears in its translations, no key is defined twice
// across sections (the shell's catalogue refuses that at start-up), and every refusal reason the
// registry throws that the users pages map to a field has a text of its own (invalid role and level
// never reach the registry: the pages check them first).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
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

  it('every refusal reason a users page maps to a field has its own text', async () => {
    const dir = path.join(PROJECT_ROOT, 'broker', 'admin', 'pages', 'users');
    const sources = await Promise.all(['change.ts', 'add.ts', 'link.ts', 'end.ts'].map((f) => readFile(path.join(dir, f), 'utf8')));
    const reasons = new Set(sources.flatMap((src) => [...src.matchAll(/'([a-z]+(?:-[a-z]+)+)': '[a-zA-Z]+'/g)].map((m) => m[1]!)));
    const catalogue = createAdminCatalogue(all.map(([, m]) => m));
    const missing = [...reasons].filter((r) => !catalogue.has(`refusal.${r}`) && !['invalid-role', 'invalid-level'].includes(r));
    assert.deepEqual(missing, []);
  });
});
