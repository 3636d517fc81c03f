// Password hashing with argon2id (design.md "Stack": @node-rs/argon2, OWASP parameters). The
// library computes each hash on libuv's worker threads, so the event loop never blocks; on top of
// that this module bounds how many hashes run at once (each holds `memoryKiB` of memory) and how
// many may wait, so a flood of logins is answered 503 instead of exhausting memory. The
// semaphore is hand-written: it is a dozen lines and the queue limit is what matters here.
import { hash, parseOptions, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';

export interface Argon2Parameters {
  readonly memoryKiB: number;
  readonly iterations: number;
  readonly parallelism: number;
}

export interface PasswordHasherOptions extends Argon2Parameters {
  readonly concurrency: number;
  readonly queueLimit: number;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(passwordHash: string, password: string): Promise<boolean>;
  /**
   * Costs what verify costs and answers false: used when there is no hash to check (unknown
   * person, no active account), so such answers take as long as a wrong password.
   */
  verifyNothing(password: string): Promise<false>;
  /** true when `passwordHash` was made with other parameters than the configured ones */
  needsRehash(passwordHash: string): boolean;
  /** hashes running and waiting right now (metrics, tests) */
  load(): { running: number; waiting: number };
}

/** The pool is full: the caller answers 503 and the person tries again shortly. */
export class HasherBusyError extends Error {
  override name = 'HasherBusyError';
}

const ARGON2ID = 2; // Algorithm.Argon2id: a const enum the isolated-modules build cannot import

export function createPasswordHasher(opts: PasswordHasherOptions): PasswordHasher {
  const options = { memoryCost: opts.memoryKiB, timeCost: opts.iterations, parallelism: opts.parallelism, algorithm: ARGON2ID as never };
  let running = 0;
  const waiting: (() => void)[] = [];

  async function slot<T>(work: () => Promise<T>): Promise<T> {
    if (running >= opts.concurrency) {
      if (waiting.length >= opts.queueLimit) throw new HasherBusyError('too many password checks waiting');
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else {
      running++;
    }
    try {
      return await work();
    } finally {
      // hand the slot straight to the next waiter, so `running` never dips and overtakes
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  }

  // A real hash of a random password with the current parameters: verifying against it costs
  // exactly what verifying a person's hash costs.
  const decoy = hash(randomBytes(18).toString('base64'), options);

  return {
    hash: (password) => slot(() => hash(password, options)),
    verify: (passwordHash, password) => slot(() => verify(passwordHash, password)),
    async verifyNothing(password) {
      const decoyHash = await decoy;
      await slot(() => verify(decoyHash, password));
      return false;
    },
    needsRehash(passwordHash) {
      try {
        const p = parseOptions(passwordHash);
        return p.algorithm !== ARGON2ID || p.memoryCost !== opts.memoryKiB || p.timeCost !== opts.iterations || p.parallelism !== opts.parallelism;
      } catch {
        return true;
      }
    },
    load: () => ({ running, waiting: waiting.length }),
  };
}
