// Where a certificate says its revocation status is published: the OCSP responders of its
// Authority Information Access (RFC 5280 §4.2.2.1) and its CRL distribution points (§4.2.1.13).
// Only http(s) URLs count; LDAP and other schemes are not fetched by the broker.
import type { X509Certificate } from 'node:crypto';
import { x509 } from '../x509.js';
import { isHttpUrl } from './fetch-limited.js';

function parsed(cert: X509Certificate): x509.X509Certificate {
  return new x509.X509Certificate(new Uint8Array(cert.raw));
}

export function ocspUrlsOf(cert: X509Certificate): string[] {
  const aia = parsed(cert).getExtension(x509.AuthorityInfoAccessExtension);
  return (aia?.ocsp ?? []).filter((n) => n.type === 'url').map((n) => n.value).filter(isHttpUrl);
}

export function crlUrlsOf(cert: X509Certificate): string[] {
  const dps = parsed(cert).getExtension(x509.CRLDistributionPointsExtension);
  return (dps?.distributionPoints ?? [])
    .flatMap((dp) => dp.distributionPoint?.fullName ?? [])
    .map((n) => n.uniformResourceIdentifier)
    .filter((u): u is string => u !== undefined && isHttpUrl(u));
}
