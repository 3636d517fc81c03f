// The secrets of one video identification (seed 002): the personal security code shown once at
// the request, the link tokens of the appointment and activation e-mails. Only their hashes are
// stored. Each kind hashes under its own label, so a value of one kind never matches another.
// The codes use the activation codes' alphabet and length (80 bits, no look-alikes), which is
// why an unsalted SHA-256 is enough; link tokens carry 128 random bits.
import { createHash } from 'node:crypto';
import { newActivationCode, normaliseActivationCode } from '../../activation-code.js';
import { constantEquals } from '../../../constant-equals.js';
import { randomId } from '../../../flow/random-id.js';

type SecretKind = 'security-code' | 'appointment-link' | 'activation-link';

function hashOf(kind: SecretKind, value: string): string {
  return createHash('sha256').update(`pasarela-video-${kind}:${value}`, 'utf8').digest('base64url');
}

export function newSecurityCode(): string {
  return newActivationCode();
}

export function hashSecurityCode(typed: string): string {
  return hashOf('security-code', normaliseActivationCode(typed));
}

export function securityCodeMatches(typed: string, storedHash: string): boolean {
  return constantEquals(hashSecurityCode(typed), storedHash);
}

export function newLinkToken(): string {
  return randomId();
}

/** what a link in an e-mail is looked up by; anything but a well-formed token hashes to nothing stored */
export function hashLinkToken(kind: 'appointment-link' | 'activation-link', token: string): string | undefined {
  return /^[A-Za-z0-9_-]{22}$/.test(token) ? hashOf(kind, token) : undefined;
}
