// One HTTP exchange with a revocation source: http or https only, no redirects (a redirect could
// lead to another scheme or host the certificate never named), a hard deadline over connection,
// headers and body (AbortSignal.timeout), and a byte cap enforced while reading.
import type { Fetch } from './answer.js';

export class FetchFailed extends Error {
  override readonly name = 'FetchFailed';
}

export interface FetchLimits {
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly fetch: Fetch;
}

export function isHttpUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The response body of a 200 answer, or FetchFailed saying why not (for the audit log). */
export async function fetchLimited(url: string, init: { method: 'GET' | 'POST'; body?: Uint8Array<ArrayBuffer>; contentType?: string; accept: string }, limits: FetchLimits): Promise<Buffer> {
  if (!isHttpUrl(url)) throw new FetchFailed(`not an http(s) URL: ${url}`);
  const signal = AbortSignal.timeout(limits.timeoutMs);
  try {
    const res = await limits.fetch(url, {
      method: init.method,
      headers: { accept: init.accept, ...(init.contentType ? { 'content-type': init.contentType } : {}) },
      ...(init.body ? { body: init.body } : {}),
      redirect: 'manual',
      signal,
    });
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new FetchFailed(`${url} answered HTTP ${res.status}`);
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > limits.maxBytes) {
      await res.body?.cancel();
      throw new FetchFailed(`${url} announced ${declared} bytes, more than the ${limits.maxBytes} allowed`);
    }
    return await readCapped(res, url, limits.maxBytes);
  } catch (e) {
    if (e instanceof FetchFailed) throw e;
    if (signal.aborted) throw new FetchFailed(`${url} did not answer within ${limits.timeoutMs} ms`);
    throw new FetchFailed(`${url}: ${(e as Error).message}${(e as { cause?: Error }).cause ? ` (${(e as { cause: Error }).cause.message})` : ''}`);
  }
}

async function readCapped(res: Response, url: string, maxBytes: number): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new FetchFailed(`${url} sent more than the ${maxBytes} bytes allowed`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
