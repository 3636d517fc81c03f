import { randomBytes, createHash, timingSafeEqual } from 'node:crypto';

/** 128 bits of randomness, URL-safe */
export function randomId(): string {
  return randomBytes(16).toString('base64url');
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/** constant-time equality of two strings (length leaks nothing useful: both are fixed-size here) */
export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}
