// Cl@ve Permanente activation codes (seed 000 §5.3.1): issued at registration, printed once for
// the person, stored only as a hash. 16 characters from an alphabet without look-alikes (no 0/O,
// 1/I/L) give 80 bits, so an unsalted SHA-256 is enough: nobody can enumerate the space, and the
// lookup stays a plain comparison. Shown in groups of four for reading aloud at a counter.
import { createHash, randomInt } from 'node:crypto';
import { constantEquals } from '../constant-equals.js';

const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const LENGTH = 16;

export function newActivationCode(): string {
  let code = '';
  for (let i = 0; i < LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code.replace(/(.{4})(?!$)/g, '$1-');
}

/** What a person types, as stored: upper-case, without spaces or dashes. */
export function normaliseActivationCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '');
}

export function hashActivationCode(code: string): string {
  return createHash('sha256').update(`pasarela-activation:${normaliseActivationCode(code)}`, 'utf8').digest('base64url');
}

export function activationCodeMatches(typed: string, storedHash: string | null): boolean {
  // compared even when nothing is stored, so both cases cost the same
  return constantEquals(hashActivationCode(typed), storedHash ?? '\0none') && storedHash !== null;
}
