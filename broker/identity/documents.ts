// Spanish identity document numbers and the other identifiers a person is registered with.
// DNI: 8 digits + a check letter; NIE: X, Y or Z + 7 digits + the check letter, computed as for a
// DNI with X=0, Y=1, Z=2 in front (Real Decreto 1553/2005, art. 11; Orden INT/2058/2008).
// Input is normalised first (trim, upper-case, spaces, dashes and dots dropped), so "12.345.678-z"
// and "12345678Z" are the same person; everything stored and compared is the normalised form.
import type { DocumentType } from './person.js';

const CHECK_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
const NIE_PREFIX: Record<string, string> = { X: '0', Y: '1', Z: '2' };

/** Trim, upper-case, drop spaces, dashes and dots. Does not validate. */
export function normaliseDocument(raw: string): string {
  return raw.trim().toUpperCase().replace(/[\s.-]/g, '');
}

function checkLetter(digits: string): string {
  return CHECK_LETTERS[Number(digits) % 23]!;
}

/** The document type of a well-formed number with the right check letter, else undefined. */
export function documentTypeOf(raw: string): DocumentType | undefined {
  const s = normaliseDocument(raw);
  let m = /^(\d{8})([A-Z])$/.exec(s);
  if (m) return checkLetter(m[1]!) === m[2] ? 'DNI' : undefined;
  m = /^([XYZ])(\d{7})([A-Z])$/.exec(s);
  if (m) return checkLetter(NIE_PREFIX[m[1]!]! + m[2]!) === m[3] ? 'NIE' : undefined;
  return undefined;
}

export function isValidDocument(raw: string): boolean {
  return documentTypeOf(raw) !== undefined;
}

/** NIE card support number: one letter and 8 digits (e.g. E12345678), normalised like a document. */
export function normaliseSupportNumber(raw: string): string {
  return normaliseDocument(raw);
}

export function isValidSupportNumber(raw: string): boolean {
  return /^[A-Z]\d{8}$/.test(normaliseSupportNumber(raw));
}

/**
 * E.164 as typed by people: spaces, dashes, dots and parentheses dropped, a leading international
 * "00" read as "+". No country is assumed for a number without one.
 */
export function normaliseMobile(raw: string): string {
  const s = raw.trim().replace(/[\s.()-]/g, '');
  return s.startsWith('00') ? `+${s.slice(2)}` : s;
}

/** E.164: "+", a country code not starting with 0, at most 15 digits in all. */
export function isValidMobile(raw: string): boolean {
  return /^\+[1-9]\d{6,14}$/.test(normaliseMobile(raw));
}

/** A calendar date written yyyy-mm-dd (2023-02-29 is not one). */
export function isIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}
