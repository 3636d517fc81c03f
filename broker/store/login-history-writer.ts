// Write-behind for the login history: an SSO round trip must not wait for an INSERT (it was a
// third of the broker's CPU per round trip on the embedded database, docs/benchmarks.md). Entries
// are queued and written in one multi-row INSERT every `flushMs` or every `maxBatch` entries, and
// on close (SIGTERM drains it). A crash loses at most the last `flushMs` of history; a failed
// write is retried with the next batch, and only past `maxQueued` are the oldest entries dropped,
// with an error in the log.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DbSchema } from './schema.js';
import { recordLogins, type LoginEntry } from './login-history.js';

export interface LoginHistoryWriter {
  record(entry: LoginEntry): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function createLoginHistoryWriter(db: Kysely<DbSchema>, log: Logger, opts: { flushMs?: number; maxBatch?: number; maxQueued?: number } = {}): LoginHistoryWriter {
  const flushMs = opts.flushMs ?? 200;
  const maxBatch = opts.maxBatch ?? 500;
  const maxQueued = opts.maxQueued ?? 50_000;
  let queue: LoginEntry[] = [];
  let writing: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  function flush(): Promise<void> {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    writing = writing.then(async () => {
      while (queue.length > 0) {
        const batch = queue.slice(0, maxBatch);
        try {
          await recordLogins(db, batch);
          queue = queue.slice(batch.length);
        } catch (err) {
          log.error({ err: (err as Error).message, queued: queue.length }, 'login history write failed; will retry');
          if (queue.length > maxQueued) {
            log.error({ dropped: queue.length - maxQueued }, 'login history queue full: oldest entries dropped');
            queue = queue.slice(queue.length - maxQueued);
          }
          return;
        }
      }
    });
    return writing;
  }

  return {
    record(entry) {
      queue.push({ ...entry, at: entry.at ?? new Date() });
      if (queue.length >= maxBatch) void flush();
      else timer ??= setTimeout(() => void flush(), flushMs).unref();
    },
    flush,
    async close() {
      await flush();
    },
  };
}
