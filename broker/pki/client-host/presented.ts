// Where a client certificate comes from: the TLS connection of the broker's own client-certificate
// listener (direct mode), or the header a TLS-terminating proxy sets (proxy mode) — believed only
// when the TCP peer is one of the configured proxies, since anybody can send the header. The
// proxy must also clear the header on every other virtual host (docs/certificates.md).
import type { Request } from 'express';
import type { TLSSocket, DetailedPeerCertificate } from 'node:tls';
import type { Logger } from 'pino';

/** the chain as presented, leaf first (DER or PEM), or undefined when the browser sent none */
export type PresentedSource = (req: Request) => readonly (string | Buffer)[] | undefined;

/** The peer chain of this TLS connection, leaf first, each certificate once. */
export const fromTlsConnection: PresentedSource = (req) => {
  const socket = req.socket as TLSSocket;
  if (typeof socket.getPeerCertificate !== 'function') return undefined;
  let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  if (!cert || !cert.raw) return undefined;
  const chain: Buffer[] = [];
  const seen = new Set<string>();
  // Node links the chain through issuerCertificate; a self-signed top points at itself
  while (cert && cert.raw && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    chain.push(cert.raw);
    cert = cert.issuerCertificate;
  }
  return chain;
};

/** IPv4 peers of a dual-stack socket arrive as ::ffff:a.b.c.d */
const plainAddress = (a: string | undefined) => (a?.startsWith('::ffff:') ? a.slice(7) : a);

export function fromProxyHeader(opts: { name: string; trustedProxies: readonly string[]; log: Logger }): PresentedSource {
  const trusted = new Set(opts.trustedProxies.map(plainAddress));
  const header = opts.name.toLowerCase();
  return (req) => {
    const value = req.headers[header];
    if (value === undefined) return undefined;
    const peer = plainAddress(req.socket.remoteAddress);
    if (!trusted.has(peer)) {
      opts.log.warn({ peer, header: opts.name }, 'client-certificate header from an address that is not a trusted proxy: ignored');
      return undefined;
    }
    const text = Array.isArray(value) ? value.join('') : value;
    if (text.trim() === '') return undefined;
    try {
      return [decodeURIComponent(text)];
    } catch {
      // not URL-encoded: the validator refuses it as malformed
      return [text];
    }
  };
}
