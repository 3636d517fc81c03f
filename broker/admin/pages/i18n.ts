// The management pages' messages: Dutch, English and Spanish complete for every page (the module's
// users are the seed's Dutch organisations and the broker's Spanish ones). Each section brings its
// own file under messages/, merged here, so two sections never edit one file. A browser asking for
// another broker language (ca, eu, gl, fr) gets the Spanish pages, as the broker's catalogues fall
// back to Spanish.
import type { Response } from 'express';

export const ADMIN_LANGUAGES = ['nl', 'en', 'es'] as const;
export type AdminLanguage = (typeof ADMIN_LANGUAGES)[number];

export const ADMIN_LANGUAGE_NAMES: Record<AdminLanguage, string> = { nl: 'Nederlands', en: 'English', es: 'Español' };

/** One section's messages; every language has the same keys (tests/unit/admin-pages-messages.test.ts). */
export type SectionMessages = Readonly<Record<AdminLanguage, Readonly<Record<string, string>>>>;

export type Translate = (key: string, vars?: Record<string, string>) => string;

export interface AdminCatalogue {
  translator(lang: AdminLanguage): Translate;
  has(key: string): boolean;
}

export function adminLanguageOf(res: Response): AdminLanguage {
  const lang = res.locals.lang as unknown;
  return (ADMIN_LANGUAGES as readonly unknown[]).includes(lang) ? (lang as AdminLanguage) : 'es';
}

/** Merges the sections' messages; a key defined twice is a programmer error caught at start-up. */
export function createAdminCatalogue(all: readonly SectionMessages[]): AdminCatalogue {
  const merged = {} as Record<AdminLanguage, Record<string, string>>;
  for (const lang of ADMIN_LANGUAGES) {
    merged[lang] = {};
    for (const messages of all) {
      for (const [key, text] of Object.entries(messages[lang])) {
        if (key in merged[lang]) throw new TypeError(`management page message ${key} is defined twice`);
        merged[lang][key] = text;
      }
    }
  }
  return {
    translator: (lang) => (key, vars = {}) => {
      const text = merged[lang][key];
      if (text === undefined) throw new TypeError(`missing management page message ${key} (${lang})`);
      return text.replace(/\{(\w+)\}/g, (m, name: string) => vars[name] ?? m);
    },
    has: (key) => key in merged.es,
  };
}
