// HTTPS served by the broker itself, when tls.certFile and tls.keyFile are set; otherwise plain HTTP
// behind a proxy (trustProxy). The files are read and checked before anything else opens, so a bad
// certificate stops the start with a ConfigError instead of failing the first handshake, and they
// are read again on SIGHUP so a renewed certificate needs no restart.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import tls from 'node:tls';
import type { RequestListener } from 'node:http';
import { ConfigError, PROJECT_ROOT, type Config } from './config.js';

export const TLS_MIN_VERSION = 'TLSv1.2';

// Mozilla's "intermediate" configuration (ssl-config.mozilla.org, guidelines 5.7): forward secrecy
// and AEAD only. The TLS 1.3 suites are listed too, because Node takes both from this one string.
// The DHE suites stay as Mozilla lists them; without a dhparam Node simply never picks them.
export const TLS_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'DHE-RSA-AES128-GCM-SHA256',
  'DHE-RSA-AES256-GCM-SHA384',
  'DHE-RSA-CHACHA20-POLY1305',
].join(':');

export const TLS_CURVES = 'X25519:prime256v1:secp384r1';

export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
}

function readPem(key: 'certFile' | 'keyFile', file: string): Buffer {
  const abs = path.resolve(PROJECT_ROOT, file);
  try {
    return readFileSync(abs);
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  tls.${key}: cannot read ${abs}: ${(err as Error).message}`);
  }
}

/**
 * The certificate and key of the configuration, read and checked to belong together; null when
 * HTTPS is not configured. parseConfig already refused one file without the other.
 */
export function readTlsMaterial(cfg: Config): TlsMaterial | null {
  const { certFile, keyFile } = cfg.tls;
  if (!certFile || !keyFile) return null;
  const material = { cert: readPem('certFile', certFile), key: readPem('keyFile', keyFile) };
  try {
    tls.createSecureContext(material);
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  tls: cannot use certificate ${certFile} with key ${keyFile}: ${(err as Error).message}`);
  }
  return material;
}

/** An HTTPS server with our protocol floor and ciphers, or plain HTTP when `material` is null. */
export function createServer(material: TlsMaterial | null, app: RequestListener): http.Server {
  if (!material) return http.createServer(app);
  return https.createServer({ ...material, minVersion: TLS_MIN_VERSION, ciphers: TLS_CIPHERS, ecdhCurve: TLS_CURVES }, app);
}

/**
 * SIGHUP: read the files again and use them for new connections. A file that cannot be read or a
 * key that does not match throws (ConfigError) and leaves the server with its current certificate.
 * Returns false when the server is plain HTTP.
 */
export function reloadTls(server: http.Server, cfg: Config): boolean {
  if (!(server instanceof https.Server)) return false;
  const material = readTlsMaterial(cfg);
  if (!material) return false;
  // setSecureContext replaces every secure-context option, so the protocol floor and ciphers go again
  server.setSecureContext({ ...material, minVersion: TLS_MIN_VERSION, ciphers: TLS_CIPHERS, ecdhCurve: TLS_CURVES });
  return true;
}
