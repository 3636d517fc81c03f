// CRL client (RFC 5280 §5, §6.3): fetch the certificate's CRL distribution point over http(s)
// with a size cap, accept the CRL only when its issuer is the certificate's issuer (name and
// signature, cRLSign when key usage is present), it is complete (no delta, no scope narrower
// than "all end-entity certificates, all reasons"), and fresh at `at`; keep it until its
// nextUpdate (bounded by bytes), and look the serial number up in it. Several distribution points
// are tried in turn, all of them within one timeoutMs.
import type { X509Certificate } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { AsnConvert } from '@peculiar/asn1-schema';
import { IssuingDistributionPoint, id_ce_issuingDistributionPoint } from '@peculiar/asn1-x509';
import { hasKeyUsage, readCertificateFacts } from '../certificate-facts.js';
import { x509 } from '../x509.js';
import { type Fetch, type RevocationAnswer, unavailable } from './answer.js';
import { FetchFailed, fetchLimited } from './fetch-limited.js';
import { crlUrlsOf } from './urls.js';

/** CRLs kept in memory at most, in bytes of DER (several national CAs' CRLs). */
const CACHE_MAX_BYTES = 64 * 1024 * 1024;
const ACCEPTED_HASHES = new Set(['SHA-256', 'SHA-384', 'SHA-512']);
/** cRLNumber, authorityKeyIdentifier, issuingDistributionPoint (checked below) */
const RECOGNISED_CRL_EXTENSIONS = new Set(['2.5.29.20', '2.5.29.35', id_ce_issuingDistributionPoint]);

export interface CrlClientOptions {
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly skewMs: number;
  readonly fetch: Fetch;
}

export interface CrlClient {
  ask(cert: X509Certificate, issuer: X509Certificate, at: Date): Promise<RevocationAnswer>;
}

interface VerifiedCrl {
  readonly crl: x509.X509Crl;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  readonly bytes: number;
}

class CrlRefused extends Error {}

export function createCrlClient(o: CrlClientOptions): CrlClient {
  const cache = new LRUCache<string, VerifiedCrl>({ maxSize: CACHE_MAX_BYTES, sizeCalculation: (v) => Math.max(1, v.bytes) });
  const inFlight = new Map<string, Promise<VerifiedCrl>>();
  const fresh = (v: VerifiedCrl, at: Date): boolean => v.thisUpdate.getTime() <= at.getTime() + o.skewMs && at.getTime() - o.skewMs <= v.nextUpdate.getTime();

  async function load(url: string, issuer: X509Certificate, at: Date): Promise<VerifiedCrl> {
    const key = `${issuer.fingerprint256} ${url}`;
    const cached = cache.get(key);
    if (cached && fresh(cached, at)) return cached;
    let pending = inFlight.get(key);
    if (!pending) {
      pending = fetchLimited(url, { method: 'GET', accept: 'application/pkix-crl' }, { timeoutMs: o.timeoutMs, maxBytes: o.maxBytes, fetch: o.fetch })
        .then((der) => verifyCrl(der, url, issuer))
        .catch((e: unknown) => {
          // a CRL our decoders choke on is no answer, never a crash of the login
          throw e instanceof FetchFailed || e instanceof CrlRefused ? e : new CrlRefused(`unreadable CRL: ${(e as Error).message}`);
        })
        .finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    const loaded = await pending;
    if (!fresh(loaded, at)) {
      throw new CrlRefused(loaded.thisUpdate.getTime() > at.getTime() + o.skewMs
        ? `thisUpdate ${loaded.thisUpdate.toISOString()} is in the future`
        : `stale: nextUpdate ${loaded.nextUpdate.toISOString()} has passed`);
    }
    cache.set(key, loaded);
    return loaded;
  }

  return {
    async ask(cert, issuer, at) {
      const urls = crlUrlsOf(cert);
      if (!urls.length) return unavailable('crl', 'the certificate names no http(s) CRL distribution point');
      const failures: string[] = [];
      // every distribution point together within one timeoutMs, as the OCSP responders
      const deadline = performance.now() + o.timeoutMs;
      for (const url of urls) {
        const remainingMs = Math.ceil(deadline - performance.now());
        if (remainingMs <= 0) {
          failures.push(`${url}: not asked, the ${o.timeoutMs} ms were spent`);
          break;
        }
        let v: VerifiedCrl;
        try {
          v = await within(load(url, issuer, at), remainingMs, url);
        } catch (e) {
          if (!(e instanceof FetchFailed || e instanceof CrlRefused)) throw e;
          failures.push(e instanceof CrlRefused ? `${url}: ${e.message}` : e.message);
          continue;
        }
        const entry = v.crl.findRevoked(new x509.X509Certificate(new Uint8Array(cert.raw)));
        if (!entry) return { status: 'good', source: 'crl' };
        return { status: 'revoked', source: 'crl', revokedAt: entry.revocationDate, reason: entry.reason === undefined ? null : (x509.X509CrlReason[entry.reason] ?? String(entry.reason)) };
      }
      return unavailable('crl', failures.join('; '));
    },
  };
}

/**
 * `loading` or a FetchFailed after `ms`: a download shared with an earlier login (inFlight) runs
 * on its own timeout, which may end later than this login's budget; it still fills the cache.
 */
async function within<T>(loading: Promise<T>, ms: number, url: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new FetchFailed(`${url} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([loading, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** RFC 5280 §6.3.3 (b)–(g) for a complete CRL of `issuer`, as far as this broker uses CRLs. */
async function verifyCrl(der: Buffer, url: string, issuer: X509Certificate): Promise<VerifiedCrl> {
  let crl: x509.X509Crl;
  try {
    crl = new x509.X509Crl(new Uint8Array(der));
  } catch (e) {
    throw new CrlRefused(`undecodable CRL: ${(e as Error).message}`);
  }
  const issuerParsed = new x509.X509Certificate(new Uint8Array(issuer.raw));
  if (!Buffer.from(crl.issuerName.toArrayBuffer()).equals(Buffer.from(issuerParsed.subjectName.toArrayBuffer()))) {
    throw new CrlRefused(`CRL issuer '${crl.issuer}' is not the certificate's issuer '${issuerParsed.subject}'`);
  }
  const issuerFacts = readCertificateFacts(issuer);
  if (issuerFacts.keyUsage !== null && !hasKeyUsage(issuerFacts, x509.KeyUsageFlags.cRLSign)) throw new CrlRefused(`issuer '${issuerParsed.subject}' may not sign CRLs (no cRLSign)`);
  const alg = crl.signatureAlgorithm as { name: string; hash?: { name: string } };
  if (alg.hash && !ACCEPTED_HASHES.has(alg.hash.name)) throw new CrlRefused(`CRL signed with ${alg.name} with ${alg.hash.name}, not accepted`);
  let verified = false;
  try {
    verified = await crl.verify({ publicKey: issuerParsed.publicKey });
  } catch {
    verified = false;
  }
  if (!verified) throw new CrlRefused(`CRL signature does not verify with the key of '${issuerParsed.subject}'`);
  for (const ext of crl.extensions) {
    if (ext.critical && !RECOGNISED_CRL_EXTENSIONS.has(ext.type)) throw new CrlRefused(`CRL has an unrecognised critical extension ${ext.type} (a delta CRL?)`);
    if (ext.type === id_ce_issuingDistributionPoint) checkScope(AsnConvert.parse(ext.value, IssuingDistributionPoint), url);
  }
  if (!crl.nextUpdate) throw new CrlRefused('CRL has no nextUpdate: freshness unknown');
  return { crl, thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate, bytes: der.length };
}

/** §5.2.5: a CRL scoped to CA or attribute certificates, to some reasons, or indirect is not enough. */
function checkScope(idp: IssuingDistributionPoint, url: string): void {
  if (idp.onlyContainsCACerts || idp.onlyContainsAttributeCerts || idp.indirectCRL || idp.onlySomeReasons) {
    throw new CrlRefused('CRL scope (issuingDistributionPoint) does not cover end-entity certificates for every reason');
  }
  const names = (idp.distributionPoint?.fullName ?? []).map((n) => n.uniformResourceIdentifier).filter((u): u is string => u !== undefined);
  // a partitioned CRL answers only for the distribution point it names (§6.3.3 (b)(2)(i))
  if (names.length && !names.includes(url)) throw new CrlRefused(`CRL is the partition for ${names.join(', ')}, not ${url}`);
}
