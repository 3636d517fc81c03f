// The bytes of a trusted list, from a file under the project root or an http(s) URL. What makes
// a list trustworthy is its signature, not the transport, so plain http is allowed (some member
// states publish so); the fetch is bounded in time (the whole body, not only the headers) and in
// size, so a slow or endless server cannot hold a refresh or fill memory. Redirects are refused,
// as for SP metadata: the operator configures the list's final address.
import { open } from 'node:fs/promises';
import path from 'node:path';
import { TrustedListError } from './trusted-list-error.js';

export interface ReadSourceOptions {
  /** directory relative file sources are resolved against (the project root) */
  readonly root: string;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  /** injectable for tests */
  readonly fetch?: typeof fetch;
}

export function isUrlSource(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decode(source: string, bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new TrustedListError(source, 'not UTF-8');
  }
}

async function readFileSource(source: string, opts: ReadSourceOptions): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path.resolve(opts.root, source), 'r');
  } catch (err) {
    throw new TrustedListError(source, `unreadable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    const { size } = await handle.stat();
    if (size > opts.maxBytes) throw new TrustedListError(source, `larger than ${opts.maxBytes} bytes`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

async function readUrlSource(source: string, opts: ReadSourceOptions): Promise<Uint8Array> {
  const signal = AbortSignal.timeout(opts.timeoutMs);
  const failed = (err: unknown): TrustedListError =>
    err instanceof TrustedListError ? err : new TrustedListError(source, signal.aborted ? `no complete answer within ${opts.timeoutMs} ms` : `fetch failed: ${(err as Error).message}`);
  try {
    const res = await (opts.fetch ?? fetch)(source, { signal, redirect: 'error' });
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new TrustedListError(source, `HTTP ${res.status}`);
    }
    const declared = Number(res.headers.get('content-length') ?? 0);
    if (declared > opts.maxBytes) {
      await res.body?.cancel();
      throw new TrustedListError(source, `larger than ${opts.maxBytes} bytes`);
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    if (res.body) {
      for await (const chunk of res.body) {
        total += chunk.byteLength;
        if (total > opts.maxBytes) throw new TrustedListError(source, `larger than ${opts.maxBytes} bytes`);
        chunks.push(chunk);
      }
    }
    return Buffer.concat(chunks);
  } catch (err) {
    throw failed(err);
  }
}

/** The list's text. Throws TrustedListError (unreadable, HTTP status, timeout, too large, not UTF-8). */
export async function readTrustedListSource(source: string, opts: ReadSourceOptions): Promise<string> {
  return decode(source, isUrlSource(source) ? await readUrlSource(source, opts) : await readFileSource(source, opts));
}
