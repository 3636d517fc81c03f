// The direct mode's own HTTPS listener (connectors.certificate.clientTls): the client-certificate
// host, as real gateways use a host of its own for client certificates so that the main host
// never asks the browser for one. It asks for a certificate in every handshake but accepts any
// (requestCert, rejectUnauthorized: false): the broker validates it against the trusted lists
// itself, with revocation and qualification, which TLS verification cannot do. The anchors go out
// as the acceptable CAs, so browsers offer only certificates that can pass.
import https from 'node:https';
import type tls from 'node:tls';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { constants as cryptoConstants, webcrypto } from 'node:crypto';
import express from 'express';
import { ConfigError, PROJECT_ROOT } from '../../config.js';
import type { BrokerServices } from '../../services.js';
import { TLS_CIPHERS, TLS_CURVES, TLS_MIN_VERSION } from '../../tls.js';
import { loadOrGenerateKeyPair } from '../../saml/keys.js';
import { securityHeaders } from '../../web/security-headers.js';
import { languageMiddleware } from '../../web/language.js';
import { errorHandler, notFound } from '../../flow/error-handler.js';
import { closeServer } from '../../broker.js';
import { STATIC_DIR } from '../../app.js';
import { x509 } from '../x509.js';
import { clientHostRouter } from './router.js';
import { fromTlsConnection } from './presented.js';
import { clientHostUrl } from './url.js';
import { certificateTicketsFor } from './tickets.js';
import type { TrustedLists } from '../model.js';

export interface ClientCertificateListener {
  /** the listener's external base URL (clientTls.publicUrl, or https://<publicUrl host>:<port>) */
  readonly url: string;
  readonly server: https.Server;
  close(): Promise<void>;
}

const DEV_VALIDITY_MS = 3 * 365 * 86_400_000;
/** how often the acceptable CAs are compared with the trusted lists (which refresh far less often) */
const ANCHORS_REFRESH_MS = 60_000;

/** A development server pair for the client-certificate host: P-256, localhost and 127.0.0.1. */
async function generateDevelopmentPair(now: Date, hostname: string): Promise<{ keyPem: string; certPem: string }> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const names = [...new Set(['localhost', hostname])].filter((n) => !/^[\d.]+$/.test(n)).map((value) => ({ type: 'dns' as const, value }));
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^./, '7'),
    name: 'CN=Pasarela development client-certificate host, O=Pasarela',
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + DEV_VALIDITY_MS),
    signingAlgorithm: alg,
    keys,
    extensions: [
      new x509.SubjectAlternativeNameExtension([...names, { type: 'ip', value: '127.0.0.1' }]),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END PRIVATE KEY-----\n`;
  return { keyPem, certPem: cert.toString('pem') + '\n' };
}

async function serverPair(services: BrokerServices, hostname: string): Promise<{ keyPem: string; certPem: string }> {
  const { config: cfg } = services;
  const { certFile, keyFile } = cfg.connectors.certificate.clientTls;
  if (certFile && keyFile) {
    try {
      return { certPem: readFileSync(path.resolve(PROJECT_ROOT, certFile), 'utf8'), keyPem: readFileSync(path.resolve(PROJECT_ROOT, keyFile), 'utf8') };
    } catch (err) {
      throw new ConfigError(`invalid configuration:\n  connectors.certificate.clientTls: cannot read ${certFile} / ${keyFile}: ${(err as Error).message}`);
    }
  }
  const dir = path.resolve(PROJECT_ROOT, cfg.varDir, cfg.keys.dir);
  return loadOrGenerateKeyPair(dir, services.now(), 'client-tls', (now) => generateDevelopmentPair(now, hostname));
}

/** the certificates of the granted CA/QC services now, sent to browsers as acceptable CAs */
function anchorsPem(trustedLists: TrustedLists, at: Date): string[] {
  return trustedLists.grantedCaServicesAt(at).flatMap((s) => s.certificates.map((c) => c.toString()));
}

/**
 * Starts the client-certificate listener on clientTls.host:port when the certificate connector is
 * enabled in direct mode; undefined otherwise. Its pages: router.ts.
 */
export async function startClientCertificateListener(services: BrokerServices): Promise<ClientCertificateListener | undefined> {
  const { config: cfg } = services;
  if (!cfg.connectors.enabled.includes('certificate') || cfg.connectors.certificate.mode !== 'direct') return undefined;
  const { trustedLists, validator } = services.certificates;
  const opts = cfg.connectors.certificate.clientTls;
  const url = clientHostUrl(cfg);
  const pair = await serverPair(services, new URL(url).hostname);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(securityHeaders);
  app.use('/static', express.static(STATIC_DIR, { maxAge: '1h', index: false }));
  app.use(languageMiddleware);
  app.use(clientHostRouter({ services, validator, tickets: certificateTicketsFor(cfg, services.ephemeral), source: fromTlsConnection }));
  app.use(notFound);
  app.use(errorHandler(services));
  const secureContext = (ca: string[]): tls.SecureContextOptions => ({
    cert: pair.certPem,
    key: pair.keyPem,
    minVersion: TLS_MIN_VERSION,
    ciphers: TLS_CIPHERS,
    ecdhCurve: TLS_CURVES,
    // No session resumption: OpenSSL keeps only the leaf of a resumed session, not the
    // intermediates the browser sent, so a path through them would fail on every return visit.
    // Without tickets (and without a session cache, which Node's server has not by default)
    // every connection makes a full handshake.
    secureOptions: cryptoConstants.SSL_OP_NO_TICKET,
    ...(ca.length ? { ca } : {}),
  });
  let ca = anchorsPem(trustedLists, services.now());
  const server = https.createServer({ ...secureContext(ca), requestCert: true, rejectUnauthorized: false }, app);
  // the acceptable CAs follow the trusted lists as they are refreshed (a hint to browsers only)
  const refresh = setInterval(() => {
    const now = anchorsPem(trustedLists, services.now());
    if (now.join() === ca.join()) return;
    ca = now;
    server.setSecureContext(secureContext(ca));
    services.log.info({ anchors: ca.length }, 'client-certificate host: acceptable CAs updated from the trusted lists');
  }, ANCHORS_REFRESH_MS);
  refresh.unref();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  services.log.info({ url, anchors: ca.length }, 'client-certificate host listening');
  return {
    url,
    server,
    close: () => {
      clearInterval(refresh);
      return closeServer(server, 1000);
    },
  };
}
