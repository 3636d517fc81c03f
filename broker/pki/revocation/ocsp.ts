// OCSP client (RFC 6960): POST application/ocsp-request to the certificate's responders (or the
// configured one), read the answer with ./ocsp-response.ts, and keep good and revoked answers
// until their nextUpdate in a bounded LRU (a cached answer needs no nonce: it was checked when
// it arrived). An AIA naming several responders is asked in its order until one gives an
// authentic answer, all of them within one timeoutMs: a down first responder does not cost the
// person the login, and several slow ones do not multiply the wait.
import type { X509Certificate } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { type Fetch, type RevocationAnswer, unavailable } from './answer.js';
import { FetchFailed, fetchLimited } from './fetch-limited.js';
import { buildOcspRequest } from './ocsp-request.js';
import { type OcspNoncePolicy, readOcspResponse } from './ocsp-response.js';
import { ocspUrlsOf } from './urls.js';

/** OCSP answers are a few kilobytes; a responder sending more is not one. */
const OCSP_MAX_BYTES = 1024 * 1024;
const CACHE_ENTRIES = 10_000;

export interface OcspClientOptions {
  readonly timeoutMs: number;
  readonly noncePolicy: OcspNoncePolicy;
  readonly skewMs: number;
  /** asked instead of the certificate's AIA responder when set */
  readonly responderUrl: string | null;
  readonly fetch: Fetch;
}

export interface OcspClient {
  ask(cert: X509Certificate, issuer: X509Certificate, at: Date): Promise<RevocationAnswer>;
}

export function createOcspClient(o: OcspClientOptions): OcspClient {
  const cache = new LRUCache<string, { answer: RevocationAnswer; until: Date }>({ max: CACHE_ENTRIES });
  return {
    async ask(cert, issuer, at) {
      const key = `${issuer.fingerprint256}/${cert.serialNumber}`;
      const cached = cache.get(key);
      if (cached && at.getTime() <= cached.until.getTime() + o.skewMs) return cached.answer;

      const urls = o.responderUrl ? [o.responderUrl] : ocspUrlsOf(cert);
      if (urls.length === 0) return unavailable('ocsp', 'the certificate names no http(s) OCSP responder');
      const query = buildOcspRequest(cert, issuer);
      const deadline = performance.now() + o.timeoutMs;
      const failures: string[] = [];
      for (const url of urls) {
        const remainingMs = Math.ceil(deadline - performance.now());
        if (remainingMs <= 0) {
          failures.push(`${url}: not asked, the ${o.timeoutMs} ms were spent`);
          break;
        }
        let der: Buffer;
        try {
          der = await fetchLimited(url, { method: 'POST', body: new Uint8Array(query.der), contentType: 'application/ocsp-request', accept: 'application/ocsp-response' },
            { timeoutMs: remainingMs, maxBytes: OCSP_MAX_BYTES, fetch: o.fetch });
        } catch (e) {
          if (!(e instanceof FetchFailed)) throw e;
          failures.push(e.message);
          continue;
        }
        const reading = readOcspResponse(der, { issuer, certId: query.certId, nonceValue: query.nonceValue, noncePolicy: o.noncePolicy, at, skewMs: o.skewMs });
        if (reading.answer.status === 'unavailable') {
          failures.push(`${url}: ${reading.answer.detail}`);
          continue;
        }
        if (reading.cacheUntil) cache.set(key, { answer: reading.answer, until: reading.cacheUntil });
        return reading.answer;
      }
      return unavailable('ocsp', failures.join('; '));
    },
  };
}
