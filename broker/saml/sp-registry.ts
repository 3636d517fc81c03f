// The trusted service providers: every *.xml of cfg.sps.metadataDirs plus cfg.sps.metadataUrls
// (fetched with a timeout, refreshed, their own enveloped signature verified where a
// signingCertFile is configured). A broken source is logged and skipped; a URL that fails to
// refresh keeps its previous good entries. reload() re-reads everything (the app calls it on SIGHUP).
// The broker's own SPs (localEntries) come first, so no metadata file can redefine them.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, type Config } from '../config.js';
import { parseXml, METADATA_LIMITS } from './parse-xml.js';
import { parseSpMetadata, readSpEntries, type SpEntry } from './sp-metadata.js';
import { verifyEnvelopedSignature } from './verify-signature.js';
import { validateXsd } from './xsd.js';

export interface RegistryLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface SpRegistry {
  /** the SP with this entityID, when registered and its metadata has not expired */
  get(entityID: string): SpEntry | undefined;
  all(): SpEntry[];
  reload(): Promise<void>;
  /** stop refresh timers */
  close(): void;
}

export interface SpRegistryOptions {
  /** injectable for tests */
  fetch?: typeof fetch;
  now?: () => Date;
  fetchTimeoutMs?: number;
  /** SPs of the broker itself (the management module), registered in-process ahead of any source */
  localEntries?: readonly SpEntry[];
}

type UrlSource = Config['sps']['metadataUrls'][number];

function readDirEntries(dir: string, log: RegistryLog): SpEntry[] {
  const abs = path.resolve(PROJECT_ROOT, dir);
  let files: string[];
  try {
    files = readdirSync(abs).filter((f) => f.endsWith('.xml')).sort();
  } catch (err) {
    log.warn({ dir: abs, err: (err as Error).message }, 'SP metadata directory unreadable');
    return [];
  }
  const out: SpEntry[] = [];
  for (const f of files) {
    const file = path.join(abs, f);
    try {
      out.push(...parseSpMetadata(readFileSync(file, 'utf8')));
    } catch (err) {
      log.warn({ file, err: (err as Error & { detail?: string }).detail ?? (err as Error).message }, 'SP metadata file skipped');
    }
  }
  return out;
}

async function fetchUrlEntries(src: UrlSource, fetchFn: typeof fetch, timeoutMs: number, now: Date): Promise<SpEntry[]> {
  const res = await fetchFn(src.url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const xml = await res.text();
  if (!src.signingCertFile) return parseSpMetadata(xml);
  const xsd = validateXsd(xml, 'metadata');
  if (!xsd.ok) throw new Error(`schema: ${xsd.errors.slice(0, 3).join('; ')}`);
  const cert = readFileSync(path.resolve(PROJECT_ROOT, src.signingCertFile), 'utf8');
  const parsed = parseXml(xml, METADATA_LIMITS);
  // read the entries only from what the metadata signature covers
  const verified = verifyEnvelopedSignature(xml, parsed, [cert], now, METADATA_LIMITS);
  return readSpEntries(verified.root);
}

export async function createSpRegistry(cfg: Config, log: RegistryLog, opts: SpRegistryOptions = {}): Promise<SpRegistry> {
  const fetchFn = opts.fetch ?? fetch;
  const now = opts.now ?? (() => new Date());
  const timeoutMs = opts.fetchTimeoutMs ?? 10_000;
  let fileEntries: SpEntry[] = [];
  const urlEntries = new Map<string, SpEntry[]>();
  let byId = new Map<string, SpEntry>();
  const timers: NodeJS.Timeout[] = [];

  function rebuild(): void {
    const next = new Map<string, SpEntry>();
    const at = now();
    for (const e of [...(opts.localEntries ?? []), ...fileEntries, ...[...urlEntries.values()].flat()]) {
      if (e.validUntil && e.validUntil <= at) {
        log.warn({ entityID: e.entityID, validUntil: e.validUntil.toISOString() }, 'SP metadata expired; entry dropped');
        continue;
      }
      if (next.has(e.entityID)) {
        log.warn({ entityID: e.entityID }, 'SP entityID defined twice; first definition kept');
        continue;
      }
      next.set(e.entityID, e);
    }
    byId = next;
  }

  async function refreshUrl(src: UrlSource): Promise<void> {
    try {
      const entries = await fetchUrlEntries(src, fetchFn, timeoutMs, now());
      urlEntries.set(src.url, entries);
      log.info({ url: src.url, count: entries.length }, 'SP metadata fetched');
    } catch (err) {
      // keep the previous good entries of this URL
      log.warn({ url: src.url, err: (err as Error & { detail?: string }).detail ?? (err as Error).message }, 'SP metadata fetch failed; previous entries kept');
    }
  }

  async function reload(): Promise<void> {
    fileEntries = cfg.sps.metadataDirs.flatMap((d) => readDirEntries(d, log));
    await Promise.all(cfg.sps.metadataUrls.map(refreshUrl));
    rebuild();
    log.info({ count: byId.size }, 'SP registry loaded');
  }

  await reload();
  for (const src of cfg.sps.metadataUrls) {
    const t = setInterval(() => void refreshUrl(src).then(rebuild), src.refreshSeconds * 1000);
    t.unref();
    timers.push(t);
  }

  return {
    get(entityID) {
      const e = byId.get(entityID);
      if (e?.validUntil && e.validUntil <= now()) return undefined;
      return e;
    },
    all: () => [...byId.values()],
    reload,
    close() {
      for (const t of timers) clearInterval(t);
      timers.length = 0;
    },
  };
}
