// OCSP client (RFC 6960): POST application/ocsp-request to the certificate's responder (or the
// configured one), read the answer with ./ocsp-response.ts, and keep good and revoked answers
// until their nextUpdate in a bounded LRU (a cached answer needs no nonce: it was checked when
// it arrived).
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

      const url = o.responderUrl ?? ocspUrlsOf(cert)[0];
      if (!url) return unavailable('ocsp', 'the certificate names no http(s) OCSP responder');
      const query = buildOcspRequest(cert, issuer);
      let der: Buffer;
      try {
        der = await fetchLimited(url, { method: 'POST', body: new Uint8Array(query.der), contentType: 'application/ocsp-request', accept: 'application/ocsp-response' },
          { timeoutMs: o.timeoutMs, maxBytes: OCSP_MAX_BYTES, fetch: o.fetch });
      } catch (e) {
        if (e instanceof FetchFailed) return unavailable('ocsp', e.message);
        throw e;
      }
      const reading = readOcspResponse(der, { issuer, certId: query.certId, nonceValue: query.nonceValue, noncePolicy: o.noncePolicy, at, skewMs: o.skewMs });
      const answer = reading.answer.status === 'unavailable' ? unavailable('ocsp', `${url}: ${reading.answer.detail}`) : reading.answer;
      if (reading.cacheUntil && answer.status !== 'unavailable') cache.set(key, { answer, until: reading.cacheUntil });
      return answer;
    },
  };
}
