// Organisation identifiers (issue 7): normalised and validated before anything is stored or
// looked up, so "9000 0001" and "90000001" are the same organisation. Each type also has the
// NameQualifier of the eHerkenning EntityConcernedID that names it and its eIDAS
// LegalPersonIdentifier form, which the assertion attributes use.
//
// Check digits follow the published algorithms: RSIN the Dutch eleven-test (as for a BSN: the
// last digit weighs -1); Spanish CIF the Orden EHA/451/2008 control character; LEI ISO 17442 with
// ISO 7064 MOD 97-10. DNI/NIE-form NIFs (sole traders) reuse the person document check.
import { documentTypeOf } from '../identity/documents.js';
import type { OrganisationIdentifier, OrganisationIdentifierType } from './model.js';

export class IdentifierError extends Error {
  override name = 'IdentifierError';
}

export const IDENTIFIER_TYPES: readonly OrganisationIdentifierType[] = ['kvk', 'rsin', 'nif', 'vat', 'lei', 'eidas'];

/** the country this node is in: the destination part of the eIDAS identifiers it issues */
export const NODE_COUNTRY = 'ES';

const EU_VAT_PREFIXES = new Set(['AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'EL', 'ES', 'FI', 'FR', 'HR', 'HU', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK', 'XI']);

/** national parts checked more strictly where the format is simple and fixed */
const VAT_NATIONAL: Readonly<Record<string, RegExp>> = {
  NL: /^\d{9}B\d{2}$/,
  DE: /^\d{9}$/,
  BE: /^[01]\d{9}$/,
  AT: /^U\d{8}$/,
  FR: /^[0-9A-Z]{2}\d{9}$/,
  IT: /^\d{11}$/,
  PT: /^\d{9}$/,
};

/** trim, upper-case, drop spaces, dots and dashes (never slashes: eIDAS uses them) */
function compact(raw: string): string {
  return raw.trim().toUpperCase().replace(/[\s.-]/g, '');
}

/** Dutch eleven-test over 9 digits, weights 9..2 and -1 for the last. */
export function passesElevenTest(digits: string): boolean {
  if (!/^\d{9}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * Number(digits[i]);
  sum -= Number(digits[8]);
  return sum % 11 === 0;
}

const CIF_LETTERS = 'ABCDEFGHJNPQRSUVW';
/** control always a letter for these entity letters, always a digit for the next; either for the rest */
const CIF_LETTER_CONTROL = 'NPQRSW';
const CIF_DIGIT_CONTROL = 'ABEH';
const CIF_CONTROL_LETTERS = 'JABCDEFGHI';

/** The control digit of a CIF's 7 digits: odd positions doubled (digits summed), even as they are. */
export function cifControlDigit(sevenDigits: string): number {
  let sum = 0;
  for (let i = 0; i < 7; i++) {
    const d = Number(sevenDigits[i]);
    if (i % 2 === 0) {
      const doubled = d * 2;
      sum += Math.floor(doubled / 10) + (doubled % 10);
    } else sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function isValidCif(value: string): boolean {
  const m = /^([A-Z])(\d{7})([0-9A-J])$/.exec(value);
  if (!m || !CIF_LETTERS.includes(m[1]!)) return false;
  const digit = cifControlDigit(m[2]!);
  const control = m[3]!;
  const asLetter = CIF_CONTROL_LETTERS[digit]!;
  if (CIF_LETTER_CONTROL.includes(m[1]!)) return control === asLetter;
  if (CIF_DIGIT_CONTROL.includes(m[1]!)) return control === String(digit);
  return control === asLetter || control === String(digit);
}

/** A Spanish NIF: a legal person's CIF, or a sole trader's DNI/NIE. */
export function isValidSpanishNif(value: string): boolean {
  return isValidCif(value) || documentTypeOf(value) !== undefined;
}

/** ISO 7064 MOD 97-10 over letters as 10..35 and digits as themselves: valid when the remainder is 1. */
export function mod97(value: string): number {
  let remainder = 0;
  for (const ch of value) {
    const n = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const digit of n) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder;
}

export function isValidLei(value: string): boolean {
  return /^[0-9A-Z]{18}\d{2}$/.test(value) && mod97(value) === 1;
}

export function normaliseBranchNumber(raw: string): string {
  const s = compact(raw);
  if (!/^\d{12}$/.test(s)) throw new IdentifierError('a branch number (vestigingsnummer) is 12 digits');
  return s;
}

export function normaliseRsin(raw: string): string {
  const s = compact(raw);
  if (!/^\d{9}$/.test(s)) throw new IdentifierError('an RSIN is 9 digits');
  if (!passesElevenTest(s)) throw new IdentifierError('this RSIN fails the eleven-test (check the digits)');
  return s;
}

function normaliseValue(type: OrganisationIdentifierType, raw: string): string {
  switch (type) {
    case 'kvk': {
      const s = compact(raw);
      if (!/^\d{8}$/.test(s)) throw new IdentifierError('a KvK number is exactly 8 digits');
      return s;
    }
    case 'rsin':
      return normaliseRsin(raw);
    case 'nif': {
      const s = compact(raw);
      if (!isValidSpanishNif(s)) throw new IdentifierError('not a valid Spanish NIF: a CIF (entity letter, 7 digits, control character) or a DNI/NIE with its check letter');
      return s;
    }
    case 'vat': {
      const s = compact(raw);
      const m = /^([A-Z]{2})([0-9A-Z]{2,12})$/.exec(s);
      if (!m) throw new IdentifierError('a VAT number is a 2-letter EU country prefix and 2 to 12 letters or digits');
      const [, prefix, national] = m as unknown as [string, string, string];
      if (!EU_VAT_PREFIXES.has(prefix)) throw new IdentifierError(`"${prefix}" is not an EU VAT country prefix`);
      if (prefix === 'ES' && !isValidSpanishNif(national)) throw new IdentifierError('a Spanish VAT number is ES followed by a valid NIF');
      const strict = VAT_NATIONAL[prefix];
      if (strict && !strict.test(national)) throw new IdentifierError(`the national part does not have the format of a ${prefix} VAT number`);
      return s;
    }
    case 'lei': {
      const s = compact(raw);
      if (!/^[0-9A-Z]{18}\d{2}$/.test(s)) throw new IdentifierError('an LEI is 20 characters: 18 letters or digits and 2 check digits');
      if (mod97(s) !== 1) throw new IdentifierError('this LEI fails its check digits (ISO 7064 MOD 97-10)');
      return s;
    }
    case 'eidas': {
      const s = raw.trim();
      const m = /^([A-Za-z]{2})\/([A-Za-z]{2})\/(\S{1,200})$/.exec(s);
      if (!m) throw new IdentifierError('an eIDAS LegalPersonIdentifier is XX/YY/value: two country codes and the identifier');
      return `${m[1]!.toUpperCase()}/${m[2]!.toUpperCase()}/${m[3]!}`;
    }
  }
}

/** Normalises and validates; throws IdentifierError with a message safe to show. */
export function normaliseIdentifier(input: { type: string; value: string }): OrganisationIdentifier {
  if (!(IDENTIFIER_TYPES as readonly string[]).includes(input.type)) {
    throw new IdentifierError(`unknown identifier type "${input.type}" (known: ${IDENTIFIER_TYPES.join(', ')})`);
  }
  if (typeof input.value !== 'string' || !input.value.trim()) throw new IdentifierError('the identifier is empty');
  const type = input.type as OrganisationIdentifierType;
  return { type, value: normaliseValue(type, input.value) };
}

/**
 * NameQualifier of urn:etoegang:core:LegalSubjectID (EntityConcernedID). KvK and RSIN are the
 * eHerkenning URNs; the others have none there, so they are ours, under urn:pasarela.
 */
export const ENTITY_CONCERNED_QUALIFIER: Readonly<Record<OrganisationIdentifierType, string>> = {
  kvk: 'urn:etoegang:1.9:EntityConcernedID:KvKnr',
  rsin: 'urn:etoegang:1.9:EntityConcernedID:RSIN',
  nif: 'urn:pasarela:EntityConcernedID:NIF',
  vat: 'urn:pasarela:EntityConcernedID:VAT',
  lei: 'urn:pasarela:EntityConcernedID:LEI',
  eidas: 'urn:pasarela:EntityConcernedID:eIDAS',
};

/** VAT prefixes that are not the ISO 3166 code eIDAS uses */
const VAT_TO_ISO: Readonly<Record<string, string>> = { EL: 'GR', XI: 'GB' };

/**
 * The country an identifier comes from, as eIDAS's first part. An LEI belongs to no country
 * (GLEIF issues them worldwide), so it takes the user-assigned ISO 3166 code XX, "no country".
 */
export function identifierCountry(id: OrganisationIdentifier): string {
  switch (id.type) {
    case 'kvk':
    case 'rsin':
      return 'NL';
    case 'nif':
      return 'ES';
    case 'vat': {
      const prefix = id.value.slice(0, 2);
      return VAT_TO_ISO[prefix] ?? prefix;
    }
    case 'lei':
      return 'XX';
    case 'eidas':
      return id.value.slice(0, 2);
  }
}

/** eIDAS LegalPersonIdentifier: `<origin>/ES/<value>`, e.g. NL/ES/90000001; an eIDAS one as it is. */
export function eidasLegalPersonIdentifier(id: OrganisationIdentifier): string {
  if (id.type === 'eidas') return id.value;
  return `${identifierCountry(id)}/${NODE_COUNTRY}/${id.value}`;
}
