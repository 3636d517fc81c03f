// What one revocation source (an OCSP responder, a CRL) says about one certificate.
import type { Logger } from 'pino';

export type RevocationAnswer =
  | { readonly status: 'good'; readonly source: 'ocsp' | 'crl' }
  | { readonly status: 'revoked'; readonly source: 'ocsp' | 'crl'; readonly revokedAt: Date; readonly reason: string | null }
  /** no fresh, authentic answer: unreachable, too slow, too large, badly signed, stale, or "unknown" */
  | { readonly status: 'unavailable'; readonly source: 'ocsp' | 'crl'; readonly detail: string };

/** The calls a revocation source makes to the outside world, injectable in tests. */
export type Fetch = typeof fetch;

export type RevocationLog = Pick<Logger, 'warn'>;

export const unavailable = (source: 'ocsp' | 'crl', detail: string): RevocationAnswer => ({ status: 'unavailable', source, detail });
