// Message catalogues. Spanish is the reference and English is complete; the co-official and
// neighbouring languages start partial and fall back to Spanish key by key, so a page is never
// half-translated into nothing. Connectors with many pages bring their own messages, merged here.
import { es as brokerEs } from './es.js';
import { en as brokerEn } from './en.js';
import { permanenteMessages } from '../../../connectors/permanente/messages.js';
import { movilMessages } from '../../../connectors/movil/messages.js';
import { eidasMessages } from '../../../connectors/eidas/messages.js';
import { deviceMessages } from '../../identity/devices/messages.js';
import { adminMessages } from '../../admin/messages.js';
import { staffMessages } from '../../identity/staff/messages.js';
import { officeMessages } from '../../identity/channels/office/messages.js';
import { certificateMessages } from '../../pki/messages.js';
import { accountMessages } from '../../identity/self-service/messages.js';
import { certificateRegistrationMessages } from '../../identity/channels/certificate/messages.js';
import { letterMessages } from '../../identity/channels/letter/messages.js';
import { videoMessages } from '../../identity/channels/video/messages.js';
import { ca, eu, gl, nl, fr } from './partial.js';

export type Catalogue = Readonly<Record<string, string>>;

export const LANGUAGES = ['es', 'en', 'ca', 'eu', 'gl', 'nl', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];

export const LANGUAGE_NAMES: Record<Language, string> = {
  es: 'Español', en: 'English', ca: 'Català', eu: 'Euskara', gl: 'Galego', nl: 'Nederlands', fr: 'Français',
};

const es: Catalogue = { ...brokerEs, ...permanenteMessages.es, ...movilMessages.es, ...eidasMessages.es, ...deviceMessages.es, ...adminMessages.es, ...staffMessages.es, ...officeMessages.es, ...certificateMessages.es, ...letterMessages.es, ...videoMessages.es, ...accountMessages.es, ...certificateRegistrationMessages.es };
const en: Catalogue = { ...brokerEn, ...permanenteMessages.en, ...movilMessages.en, ...eidasMessages.en, ...deviceMessages.en, ...adminMessages.en, ...staffMessages.en, ...officeMessages.en, ...certificateMessages.en, ...letterMessages.en, ...videoMessages.en, ...accountMessages.en, ...certificateRegistrationMessages.en };
// the video identification e-mails go out in the interview's language, Dutch and French too
const catalogues: Record<Language, Catalogue> = { es, en, ca, eu, gl, nl: { ...nl, ...videoMessages.nl }, fr: { ...fr, ...videoMessages.fr } };

export function isLanguage(v: unknown): v is Language {
  return typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);
}

export function catalogueOf(lang: Language): Catalogue {
  return catalogues[lang];
}

/** Translate `key` in `lang`, falling back to Spanish; an unknown key is a programmer error. */
export function translate(lang: Language, key: string, vars: Record<string, string> = {}): string {
  const text = catalogues[lang][key] ?? es[key];
  if (text === undefined) throw new TypeError(`missing message key ${key}`);
  return text.replace(/\{(\w+)\}/g, (m, name: string) => vars[name] ?? m);
}

/** The best language for an Accept-Language header, Spanish by default. */
export function negotiateLanguage(acceptLanguage: string | undefined): Language {
  if (!acceptLanguage) return 'es';
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.toLowerCase().split('-')[0] ?? '', q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((r) => r.tag && Number.isFinite(r.q) && r.q > 0)
    .sort((a, b) => b.q - a.q);
  return ranked.map((r) => r.tag).find(isLanguage) ?? 'es';
}
