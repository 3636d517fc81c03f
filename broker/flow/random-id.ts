import { randomBytes, createHash } from 'node:crypto';

/** 128 bits of randomness, URL-safe */
export function randomId(): string {
  return randomBytes(16).toString('base64url');
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}
