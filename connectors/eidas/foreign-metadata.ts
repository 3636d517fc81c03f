// The foreign proxy-service nodes, one per configured country (issue 6 "Request and metadata"):
// each node's metadata is read from its file or URL (timeout, size cap, no redirects), validated
// against the metadata schema, its enveloped signature verified against the certificate configured
// for that country (never a certificate the document carries), and read only from the signed
// reference. validUntil is honoured: an expired or unreadable document makes the country
// unavailable (logged; /readyz lists it as a warning), a failed refresh keeps the last good
// document while it is still valid. Documents are re-read every refreshMinutes.
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { PROJECT_ROOT, type Config } from '../../broker/config.js';
import { ACCEPTED_DIGEST_ALGORITHMS, ACCEPTED_SIGNATURE_ALGORITHMS } from '../../broker/saml/accepted-algorithms.js';
import { childElements } from '../../broker/saml/dom-read.js';
import { BINDING, NS } from '../../broker/saml/namespaces.js';
import { METADATA_LIMITS, parseXml } from '../../broker/saml/parse-xml.js';
import { SIGNATURE_ALGORITHMS } from '../../broker/saml/sign-xml.js';
import { toPem } from '../../broker/saml/sp-metadata.js';
import { verifyEnvelopedSignature } from '../../broker/saml/verify-signature.js';
import { validateXsd } from '../../broker/saml/xsd.js';
import { eidasKeyWeakness } from './key-strength.js';

export type EidasCountryConfig = Config['connectors']['eidas']['countries'][number];

/** What we use of one node's verified metadata. */
export interface ForeignNode {
  readonly country: string;
  readonly entityID: string;
  /** SingleSignOnService with the HTTP-POST binding */
  readonly ssoPostUrl: string;
  readonly signingCertificates: readonly string[];
  /** alg:SigningMethod / alg:DigestMethod the node publishes (empty when it publishes none) */
  readonly signingMethods: readonly string[];
  readonly digestMethods: readonly string[];
  /** signature algorithms we accept from this node: the country's allowlist */
  readonly acceptedSignatureAlgorithms: readonly string[];
  readonly validUntil: Date;
}

export type NodeAvailability = { readonly available: true; readonly node: ForeignNode } | { readonly available: false; readonly reason: string };

export class ForeignMetadataError extends Error {
  override name = 'ForeignMetadataError';
}

const fail = (detail: string): never => {
  throw new ForeignMetadataError(detail);
};

/**
 * The eIDAS set (crypto requirements §2.2: RSASSA-PSS and ECDSA) when a country names none; RSA
 * PKCS#1 v1.5 only for a country that lists it.
 */
export const DEFAULT_NODE_SIGNATURE_ALGORITHMS = ['rsa-pss-sha256', 'rsa-pss-sha512', 'ecdsa-sha256'] as const;

export function acceptedAlgorithmUris(country: EidasCountryConfig): string[] {
  const uris = (country.signatureAlgorithms ?? DEFAULT_NODE_SIGNATURE_ALGORITHMS).map((name) => SIGNATURE_ALGORITHMS[name].uri);
  // The ECDSA family is one choice: a node on P-384 signs with SHA-384.
  if (uris.includes(SIGNATURE_ALGORITHMS['ecdsa-sha256'].uri)) uris.push(...Object.keys(ACCEPTED_SIGNATURE_ALGORITHMS).filter((u) => u.includes('ecdsa') && !uris.includes(u)));
  return uris;
}

function readCertificate(pem: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    return fail('a signing certificate cannot be read');
  }
}

/** Read a node from metadata text: schema, signature by `signingCertPem`, validity at `now`. */
export function readForeignNode(xml: string, country: EidasCountryConfig, signingCertPem: string, now: Date): ForeignNode {
  const xsd = validateXsd(xml, 'metadata');
  if (!xsd.ok) fail(`schema: ${xsd.errors.slice(0, 3).join('; ')}`);
  const parsed = parseXml(xml, METADATA_LIMITS);
  let verified;
  try {
    verified = verifyEnvelopedSignature(xml, parsed, [signingCertPem], now, METADATA_LIMITS);
  } catch (err) {
    return fail(`signature: ${(err as Error & { detail?: string }).detail ?? (err as Error).message}`);
  }
  const entity = verified.root;
  if (entity.namespaceURI !== NS.md || entity.localName !== 'EntityDescriptor') fail('the root is not an EntityDescriptor');
  const validUntilText = entity.getAttribute('validUntil');
  if (!validUntilText) fail('no validUntil: a node metadata without an end of validity is not accepted');
  const validUntil = new Date(validUntilText!);
  if (Number.isNaN(validUntil.getTime())) fail(`bad validUntil ${validUntilText}`);
  if (validUntil.getTime() <= now.getTime()) fail(`expired at ${validUntil.toISOString()}`);
  const entityID = entity.getAttribute('entityID') ?? '';
  const idp = childElements(entity, NS.md, 'IDPSSODescriptor').find((d) => (d.getAttribute('protocolSupportEnumeration') ?? '').split(/\s+/).includes(NS.samlp));
  if (!idp) return fail('no SAML 2.0 IDPSSODescriptor');
  const ssoPostUrl = childElements(idp, NS.md, 'SingleSignOnService').find((s) => s.getAttribute('Binding') === BINDING.post)?.getAttribute('Location');
  if (!ssoPostUrl || !/^https?:\/\//.test(ssoPostUrl)) fail('no http(s) SingleSignOnService with the HTTP-POST binding');
  // We never encrypt to a node (it encrypts to us): only its signing keys matter.
  const signing: string[] = [];
  for (const kd of childElements(idp, NS.md, 'KeyDescriptor')) {
    if (kd.getAttribute('use') === 'encryption') continue;
    const certs = kd.getElementsByTagNameNS(NS.ds, 'X509Certificate');
    for (let i = 0; i < certs.length; i++) signing.push(toPem((certs[i]!.textContent ?? '').trim()));
  }
  if (signing.length === 0) fail('no signing certificate');
  for (const pem of signing) {
    const weakness = eidasKeyWeakness(readCertificate(pem).publicKey);
    if (weakness) fail(`signing certificate too weak: ${weakness} (eIDAS crypto requirements)`);
  }
  const methods = (name: string) =>
    [...childElements(entity, NS.md, 'Extensions'), ...childElements(idp, NS.md, 'Extensions')].flatMap((ext) => childElements(ext, NS.alg, name).map((m) => m.getAttribute('Algorithm') ?? ''));
  return {
    country: country.code,
    entityID,
    ssoPostUrl: ssoPostUrl!,
    signingCertificates: signing,
    signingMethods: methods('SigningMethod'),
    digestMethods: methods('DigestMethod'),
    acceptedSignatureAlgorithms: acceptedAlgorithmUris(country),
    validUntil,
  };
}

/** The digest algorithms we accept from any node: those of accepted-algorithms.ts. */
export const NODE_DIGEST_ALGORITHMS: readonly string[] = ACCEPTED_DIGEST_ALGORITHMS;

async function readSource(source: string, timeoutMs: number, maxBytes: number, fetchFn: typeof fetch): Promise<string> {
  if (!/^https?:\/\//i.test(source)) {
    const text = await readFile(path.resolve(PROJECT_ROOT, source), 'utf8');
    if (Buffer.byteLength(text) > maxBytes) fail(`larger than ${maxBytes} bytes`);
    return text;
  }
  const res = await fetchFn(source, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  if (!res.ok) fail(`HTTP ${res.status}`);
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > maxBytes) fail(`larger than ${maxBytes} bytes`);
  // Read at most maxBytes even when Content-Length lies or is absent.
  const reader = res.body?.getReader();
  if (!reader) return fail('empty body');
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      fail(`larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface ForeignNodes {
  /** the countries in configuration order, for the country page */
  readonly countries: readonly { readonly code: string; readonly name: string }[];
  /** the node of `country` as last read, if its metadata is still valid */
  availability(country: string): NodeAvailability;
  /** countries whose node cannot be used now, with the reason (for /readyz) */
  unavailable(): { country: string; reason: string }[];
  /** read every country's metadata now (start-up, tests) */
  refreshAll(): Promise<void>;
  /**
   * Read again the countries that cannot be used now, at most once per `minIntervalMs` each
   * (the country page calls it: a node that was down at start need not wait for refreshMinutes).
   */
  refreshUnavailable(minIntervalMs: number): Promise<void>;
  close(): void;
}

interface Entry {
  node?: ForeignNode;
  error?: string;
  lastAttempt?: number;
}

export function createForeignNodes(cfg: Config, log: Logger, opts: { now: () => Date; fetch?: typeof fetch; timers?: boolean }): ForeignNodes {
  const e = cfg.connectors.eidas;
  const entries = new Map<string, Entry>();
  const timers: NodeJS.Timeout[] = [];
  const fetchFn = opts.fetch ?? fetch;

  async function refresh(country: EidasCountryConfig): Promise<void> {
    const entry = entries.get(country.code) ?? {};
    entry.lastAttempt = opts.now().getTime();
    entries.set(country.code, entry);
    try {
      const cert = await readFile(path.resolve(PROJECT_ROOT, country.metadataSigningCertFile), 'utf8');
      const xml = await readSource(country.metadata, e.metadataFetchTimeoutMs, e.metadataMaxBytes, fetchFn);
      entry.node = readForeignNode(xml, country, cert, opts.now());
      delete entry.error;
      log.info({ country: country.code, entityID: entry.node.entityID, validUntil: entry.node.validUntil.toISOString() }, 'eIDAS node metadata read');
      const ours = SIGNATURE_ALGORITHMS[e.requestSignatureAlgorithm];
      const { signingMethods, digestMethods } = entry.node;
      // A node that lists what it verifies and leaves ours out will refuse our requests: say so
      // early. (An EC request key signs with ECDSA whatever is configured; that key's operator knows.)
      if ((signingMethods.length > 0 && !signingMethods.includes(ours.uri)) || (digestMethods.length > 0 && !digestMethods.includes(ours.digestUri)))
        log.warn({ country: country.code, configured: ours.uri, signingMethods, digestMethods }, 'eIDAS node does not list our configured request signature algorithm');
    } catch (err) {
      entry.error = err instanceof ForeignMetadataError ? err.message : `unreadable: ${(err as Error).message}`;
      log.warn({ country: country.code, reason: entry.error, keepsPrevious: !!entry.node }, 'eIDAS node metadata refused');
    }
    entries.set(country.code, entry);
  }

  if (opts.timers !== false) {
    for (const country of e.countries) {
      const t = setInterval(() => void refresh(country), country.refreshMinutes * 60_000);
      t.unref();
      timers.push(t);
    }
  }

  const availability = (code: string): NodeAvailability => {
    const entry = entries.get(code);
    if (!entry) return { available: false, reason: 'not configured or not read yet' };
    const node = entry.node;
    if (node && node.validUntil.getTime() > opts.now().getTime()) return { available: true, node };
    if (node) return { available: false, reason: `metadata expired at ${node.validUntil.toISOString()}` };
    return { available: false, reason: entry.error ?? 'metadata not read' };
  };

  return {
    countries: e.countries.map((c) => ({ code: c.code, name: c.name ?? c.code })),
    availability,
    unavailable: () =>
      e.countries.flatMap((c) => {
        const a = availability(c.code);
        return a.available ? [] : [{ country: c.code, reason: a.reason }];
      }),
    refreshAll: async () => {
      await Promise.all(e.countries.map(refresh));
    },
    refreshUnavailable: async (minIntervalMs) => {
      const t = opts.now().getTime();
      const stale = e.countries.filter((c) => !availability(c.code).available && t - (entries.get(c.code)?.lastAttempt ?? 0) >= minIntervalMs);
      await Promise.all(stale.map(refresh));
    },
    close: () => {
      for (const t of timers) clearInterval(t);
    },
  };
}
