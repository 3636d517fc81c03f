// The highest TSLSequenceNumber seen per trusted-list source, kept on disk so that the rollback
// guard (never accept a list older than one already accepted: someone replaying a list from
// before a CA was withdrawn) survives a restart. A small JSON object { source: number } under
// varDir, replaced atomically (write a temporary file, then rename over the old one) so a crash
// mid-write leaves the previous version, never half a file.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface SequenceStore {
  /** the highest sequence number accepted for `source`, or undefined when none was */
  highest(source: string): number | undefined;
  /** records `sequenceNumber` for `source` when it is higher than the one held */
  record(source: string, sequenceNumber: number): Promise<void>;
}

/**
 * Opens the store at `file` (absent: empty). An unreadable or malformed file is an error, not an
 * empty store: starting without the guard would silently accept a replayed list.
 */
export async function openSequenceStore(file: string): Promise<SequenceStore> {
  const seen = new Map<string, number>();
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`trusted-list sequence file ${file} unreadable: ${(err as Error).message}`);
  }
  if (text !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new Error(`trusted-list sequence file ${file} is not JSON: ${(err as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`trusted-list sequence file ${file} is not an object`);
    for (const [source, n] of Object.entries(parsed)) {
      if (!Number.isSafeInteger(n)) throw new Error(`trusted-list sequence file ${file}: ${source} is not an integer`);
      seen.set(source, n as number);
    }
  }

  // writes one after another, so an older snapshot never renames over a newer one
  let writing: Promise<void> = Promise.resolve();
  const persist = async (): Promise<void> => {
    await mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(Object.fromEntries(seen), null, 2)}\n`);
    await rename(temporary, file);
  };

  return {
    highest: (source) => seen.get(source),
    record(source, sequenceNumber) {
      const held = seen.get(source);
      if (held !== undefined && held >= sequenceNumber) return writing;
      seen.set(source, sequenceNumber);
      writing = writing.then(persist, persist);
      return writing;
    },
  };
}
