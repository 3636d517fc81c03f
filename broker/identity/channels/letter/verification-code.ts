// The secure verification code (CSV) of an invitation letter (seed 000 §2.2.2: "16 digits and
// upper-case letters"). 16 characters from crypto.randomInt over A–Z and 0–9 give 82 bits: nobody
// can enumerate the space, so an unsalted SHA-256 is a sufficient way to keep only a hash, and a
// typed code is found by comparing hashes in constant time. Printed in groups of four.
import { createHash, randomInt } from 'node:crypto';
import { constantEquals } from '../../../constant-equals.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export const CSV_LENGTH = 16;

export function newVerificationCode(): string {
  let code = '';
  for (let i = 0; i < CSV_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/** As printed in the letter: four groups of four. */
export function formatVerificationCode(code: string): string {
  return code.replace(/(.{4})(?!$)/g, '$1 ');
}

/** What a person types, as hashed: upper-case, without spaces or dashes. */
export function normaliseVerificationCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '');
}

export function isWellFormedVerificationCode(typed: string): boolean {
  return new RegExp(`^[A-Z0-9]{${CSV_LENGTH}}$`).test(normaliseVerificationCode(typed));
}

export function hashVerificationCode(code: string): string {
  return createHash('sha256').update(`pasarela-letter-csv:${normaliseVerificationCode(code)}`, 'utf8').digest('base64url');
}

/** compared even when no letter is stored, so both cases cost the same */
export function verificationCodeMatches(typed: string, storedHash: string | undefined): boolean {
  return constantEquals(hashVerificationCode(typed), storedHash ?? '\0none') && storedHash !== undefined;
}
