// Equality of secrets (codes, tokens, CSRF values, contrast data) in constant time: both sides are
// hashed first, so the comparison takes the same time whatever the lengths and contents.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export function constantEquals(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}
