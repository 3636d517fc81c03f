// The configured trusted lists, loaded and kept fresh: each source is read (file or URL),
// its XAdES signature verified against its own configured signer certificate, and the list read
// from what that signature covers. A source that fails at start is absent (logged): its
// certificates find no anchor and are refused, so a failure closes. On refresh a failing source
// keeps its last good list, and so does a list older than the one held (a lower
// TSLSequenceNumber: someone replaying a list from before a CA was withdrawn); the highest number
// accepted per source is kept on disk (sequence-store.ts), so a restart does not forget it.
//
// A list past its NextUpdate is a /readyz warning, and still used for `graceHours` after it (a
// scheme operator publishing a few hours late should not stop every certificate login); after
// that its anchors are dropped until a fresh list is read. A closed list (no NextUpdate: its
// scheme ceased) is never renewed, so its anchors are not used at all.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TrustedList, TrustedLists, TrustService } from '../model.js';
import { TRUSTED_LIST_LIMITS } from './parse.js';
import { readTrustedListSource } from './read-source.js';
import { openSequenceStore } from './sequence-store.js';
import { isGrantedCaQcAt } from './status-at.js';
import { TrustedListError } from './trusted-list-error.js';
import { verifyAndReadOffThread } from './verify-off-thread.js';

export interface TrustedListsLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface TrustedListSource {
  /** a path relative to `root` (e.g. metadata/tsl/ES.xml) or an http(s) URL */
  readonly source: string;
  /** PEM certificate the list's signature must verify with; relative to `root` */
  readonly signerCertFile: string;
}

export interface TrustedListsOptions {
  readonly sources: readonly TrustedListSource[];
  readonly refreshMinutes: number;
  /** hours after its NextUpdate a list is still used */
  readonly graceHours: number;
  /** JSON file keeping the highest sequence number accepted per source (under varDir) */
  readonly sequenceFile: string;
  readonly log: TrustedListsLog;
  readonly now: () => Date;
  readonly fetchTimeoutMs: number;
  readonly maxBytes: number;
  /** directory relative paths are resolved against; the project root */
  readonly root: string;
  /** injectable for tests */
  readonly fetch?: typeof fetch;
}

/** Read, verify and parse one configured list (the last two in a worker thread). Throws TrustedListError. */
export async function loadTrustedList(src: TrustedListSource, opts: Omit<TrustedListsOptions, 'sources' | 'refreshMinutes' | 'graceHours' | 'sequenceFile'>): Promise<TrustedList> {
  let signerPem: string;
  try {
    signerPem = await readFile(path.resolve(opts.root, src.signerCertFile), 'utf8');
  } catch (err) {
    throw new TrustedListError(src.source, `signer certificate ${src.signerCertFile} unreadable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const xml = await readTrustedListSource(src.source, { root: opts.root, timeoutMs: opts.fetchTimeoutMs, maxBytes: opts.maxBytes, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  const { list, warnings } = await verifyAndReadOffThread(xml, signerPem, src.source, opts.now(), { ...TRUSTED_LIST_LIMITS, maxBytes: opts.maxBytes });
  for (const warning of warnings) opts.log.warn({ source: src.source, warning }, 'trusted list entry read with a caveat');
  return list;
}

/**
 * Load every source once, then re-read them every `refreshMinutes` (timer unref'd; `close()`
 * stops it). Resolves when the first load has finished, whatever its outcome per source.
 */
export async function openTrustedLists(opts: TrustedListsOptions): Promise<TrustedLists> {
  const current = new Map<number, TrustedList>();
  const sequences = await openSequenceStore(opts.sequenceFile);
  let running: Promise<void> | undefined;

  async function refreshOne(index: number, src: TrustedListSource): Promise<void> {
    const held = current.get(index);
    try {
      const list = await loadTrustedList(src, opts);
      const highest = sequences.highest(src.source);
      if (highest !== undefined && list.sequenceNumber < highest) {
        const message = held ? 'trusted list older than the one held; keeping the held list' : 'trusted list older than one accepted before; not loaded, its certificates will be refused';
        opts.log.warn({ source: src.source, sequenceNumber: list.sequenceNumber, held: highest }, message);
        return;
      }
      current.set(index, list);
      // the guard holds in memory either way; a varDir that cannot be written only loses it at the next restart
      await sequences.record(src.source, list.sequenceNumber).catch((err: Error) => opts.log.warn({ source: src.source, reason: err.message }, 'trusted list sequence number not saved'));
      opts.log.info({ source: src.source, territory: list.territory, sequenceNumber: list.sequenceNumber, services: list.services.length, nextUpdate: list.nextUpdate?.toISOString() ?? null }, 'trusted list loaded');
    } catch (err) {
      const reason = err instanceof TrustedListError ? err.reason : (err as Error).message;
      opts.log.warn({ source: src.source, reason, kept: held ? held.sequenceNumber : null }, held ? 'trusted list refresh failed; last good list kept' : 'trusted list not loaded; its certificates will be refused');
    }
  }

  // Two lists at a time: each verification is a worker thread with up to a gigabyte of heap
  // and a core's worth of CPU, and the EU's thirty-odd lists at once would take the machine.
  async function refreshAll(): Promise<void> {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < opts.sources.length) {
        const index = next++;
        await refreshOne(index, opts.sources[index]!);
      }
    };
    await Promise.all([lane(), lane()]);
  }

  function refresh(): Promise<void> {
    running ??= refreshAll().finally(() => {
      running = undefined;
    });
    return running;
  }

  const lists = (): TrustedList[] => [...current.entries()].sort(([a], [b]) => a - b).map(([, list]) => list);
  await refresh();
  const timer = setInterval(() => void refresh(), opts.refreshMinutes * 60_000);
  timer.unref();

  return {
    lists,
    grantedCaServicesAt: (at: Date): TrustService[] =>
      lists()
        .filter((list) => list.nextUpdate !== null && at.getTime() <= list.nextUpdate.getTime() + opts.graceHours * 3_600_000)
        .flatMap((list) => list.services.filter((s) => isGrantedCaQcAt(s, at))),
    // a closed list (no NextUpdate: its scheme ceased) will never be renewed, so it counts as stale too
    staleAt: (at: Date) => lists().filter((l) => l.nextUpdate === null || l.nextUpdate.getTime() < at.getTime()).map((l) => ({ source: l.source, nextUpdate: l.nextUpdate })),
    refresh,
    close: () => clearInterval(timer),
  };
}
