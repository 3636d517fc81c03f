// The Cl@ve PIN (seed 000 §4.3.3): 3 characters from letters except E and digits except 0, 1, 8
// and 9, case-insensitive. crypto.randomInt draws each character without modulo bias.
import { randomInt } from 'node:crypto';

export const PIN_ALPHABET = 'ABCDFGHIJKLMNOPQRSTUVWXYZ234567';
export const PIN_LENGTH = 3;
export const PERSONAL_CODE = /^[A-Za-z0-9]{4}$/;

export function generatePin(): string {
  let pin = '';
  for (let i = 0; i < PIN_LENGTH; i++) pin += PIN_ALPHABET[randomInt(PIN_ALPHABET.length)];
  return pin;
}

/** what the person typed, as compared: upper-case, no spaces */
export function normaliseEntry(text: string): string {
  return text.replace(/\s+/g, '').toUpperCase();
}
