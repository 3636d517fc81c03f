// The anti-automation check of the Cl@ve Permanente activation form. The real Cl@ve asks a
// "security question"; we ask the browser for a hashcash-style proof of work instead, so that no
// third-party service (CAPTCHA provider) sees our users and nobody has to read a picture. It does
// not tell people from bots: it makes every activation attempt cost CPU time, which is what
// matters against brute-forcing activation codes. The browser half is static/anti-automation.js;
// both halves must agree on the message (`${id}:${nonce}`, UTF-8) and on the nonce alphabet
// (a base-36 counter).
import { createHash, randomBytes } from 'node:crypto';
import type { EphemeralStore } from '../store/ephemeral.js';

export interface ProofOfWorkOptions {
  /** leading zero bits the SHA-256 must have; every extra bit doubles the expected work */
  readonly difficultyBits: number;
  /** how long an issued challenge may be redeemed */
  readonly ttlMs: number;
  readonly now: () => Date;
}

export interface Challenge {
  /** 32 random bytes, base64url */
  readonly id: string;
  readonly difficultyBits: number;
}

export interface ProofOfWork {
  /** stores a new single-use challenge for ttlMs */
  issue(): Promise<Challenge>;
  /** consumes the challenge whatever the outcome; true when the nonce solves it in time */
  redeem(id: string, nonce: string): Promise<boolean>;
}

const KEY_PREFIX = 'pow:';
// 32 bytes in base64url without padding are 43 characters. Anything else was never issued, so it
// is refused before it can become a store key (an attacker-chosen key of any length).
const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;
// What Number.prototype.toString(36) yields for a counter; 32 characters is far more than any
// counter a browser will reach, and bounds what we hash for a stranger.
const NONCE_PATTERN = /^[0-9a-z]{1,32}$/;
// A page solves by brute force in one thread: past 32 bits (~4e9 hashes on average) nobody's
// browser finishes, so a larger value is a configuration mistake rather than a stronger check.
const MAX_DIFFICULTY_BITS = 32;

interface StoredChallenge {
  /** difficulty at issue time: a later change of configuration applies to new challenges only */
  readonly bits: number;
  /** expiry by the injected clock; the store's own TTL is by its own clock, which may differ */
  readonly expiresAt: number;
}

function checkOptions(opts: ProofOfWorkOptions): void {
  if (!Number.isInteger(opts.difficultyBits) || opts.difficultyBits < 1 || opts.difficultyBits > MAX_DIFFICULTY_BITS) {
    throw new RangeError(`difficultyBits must be an integer from 1 to ${MAX_DIFFICULTY_BITS}, got ${opts.difficultyBits}`);
  }
  if (!Number.isFinite(opts.ttlMs) || opts.ttlMs <= 0) throw new RangeError(`ttlMs must be a positive number, got ${opts.ttlMs}`);
}

function parseStored(value: string): StoredChallenge | null {
  try {
    const v: unknown = JSON.parse(value);
    if (typeof v !== 'object' || v === null) return null;
    const { bits, expiresAt } = v as Record<string, unknown>;
    if (typeof bits !== 'number' || !Number.isInteger(bits) || bits < 1) return null;
    if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) return null;
    return { bits, expiresAt };
  } catch {
    return null;
  }
}

export function leadingZeroBits(digest: Uint8Array): number {
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    // clz32 counts over 32 bits; a byte occupies the low 8 of them
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

function powDigest(id: string, nonce: string): Buffer {
  return createHash('sha256').update(`${id}:${nonce}`, 'utf8').digest();
}

export function createProofOfWork(store: EphemeralStore, opts: ProofOfWorkOptions): ProofOfWork {
  checkOptions(opts);
  return {
    async issue() {
      const id = randomBytes(32).toString('base64url');
      const stored: StoredChallenge = { bits: opts.difficultyBits, expiresAt: opts.now().getTime() + opts.ttlMs };
      await store.set(KEY_PREFIX + id, JSON.stringify(stored), opts.ttlMs);
      return { id, difficultyBits: opts.difficultyBits };
    },

    async redeem(id, nonce) {
      if (typeof id !== 'string' || !ID_PATTERN.test(id)) return false;
      // Taken before the nonce is even looked at: one submission spends one challenge, so a
      // client gets exactly one attempt per challenge, however it fails.
      const value = await store.take(KEY_PREFIX + id);
      if (value === null) return false;
      if (typeof nonce !== 'string' || !NONCE_PATTERN.test(nonce)) return false;
      const stored = parseStored(value);
      if (!stored) return false;
      if (opts.now().getTime() >= stored.expiresAt) return false;
      return leadingZeroBits(powDigest(id, nonce)) >= stored.bits;
    },
  };
}

/** for tests and tools: finds a nonce (base-36 counter) */
export function solveChallenge(id: string, difficultyBits: number): string {
  if (!Number.isInteger(difficultyBits) || difficultyBits < 0 || difficultyBits > 256) {
    throw new RangeError(`difficultyBits must be an integer from 0 to 256, got ${difficultyBits}`);
  }
  // Same order as the browser's search, so both find the same nonce for a challenge. (Copying a
  // hash of the `${id}:` prefix saves nothing: the whole message fits in one SHA-256 block.)
  for (let n = 0; n <= Number.MAX_SAFE_INTEGER; n++) {
    const nonce = n.toString(36);
    if (leadingZeroBits(powDigest(id, nonce)) >= difficultyBits) return nonce;
  }
  throw new Error('no nonce found below Number.MAX_SAFE_INTEGER');
}
