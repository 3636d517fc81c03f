// Shared inputs of the eIDAS connector's unit tests: a configuration with one country, a login
// transaction, and EC / RSA-3072 keys made with openssl (not our code).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../../broker/config.js';
import type { LoginTransaction } from '../../../broker/flow/login-transaction.js';
import type { RequestedLoa } from '../../../broker/loa.js';
import { eidasSigningKeys } from '../../../connectors/eidas/keys.js';
import type { SigningKeys } from '../../../broker/saml/keys.js';
import type { SignatureAlgorithmName } from '../../../broker/saml/sign-xml.js';

export const PUBLIC_URL = 'https://pasarela.test';
export const NOW = new Date('2026-05-04T10:00:00.000Z');

export function eidasConfig(eidas: Record<string, unknown> = {}): Config {
  return loadConfig({}, { publicUrl: PUBLIC_URL, connectors: { eidas: { countries: [{ code: 'DE', metadata: 'unused.xml', metadataSigningCertFile: 'unused.crt' }], ...eidas } } });
}

/** A key pair and self-signed certificate from openssl: `ec` (P-256) or `rsa` (3072 bits unless `rsaBits`). */
export function opensslPair(kind: 'ec' | 'rsa', rsaBits = 3072): { keyPem: string; certPem: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'eidas-key-'));
  try {
    const key = path.join(dir, 'k.pem');
    const crt = path.join(dir, 'c.pem');
    const newkey = kind === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', `rsa:${rsaBits}`];
    execFileSync('openssl', ['req', '-x509', ...newkey, '-nodes', '-keyout', key, '-out', crt, '-days', '2', '-subj', `/CN=TEST eidas ${kind}`], { stdio: 'pipe' });
    return { keyPem: readFileSync(key, 'utf8'), certPem: readFileSync(crt, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function keysOf(pair: { keyPem: string; certPem: string }, algorithm: SignatureAlgorithmName = 'rsa-pss-sha256'): SigningKeys {
  return eidasSigningKeys(pair, algorithm, 'test');
}

export function requestedLoa(over: Partial<RequestedLoa> = {}): RequestedLoa {
  return { rungs: ['3'], comparison: 'minimum', framework: 'eidas', exactOnlyUris: [], policyMinimum: '2', ...over };
}

export function loginTransaction(over: { loa?: RequestedLoa; requestedAttributes?: string[]; service?: LoginTransaction['service'] } = {}): LoginTransaction {
  return {
    id: 'AAAAAAAAAAAAAAAAAAAAAA',
    browserBinding: 'x',
    csrf: 'y',
    createdAt: NOW.getTime(),
    sp: { entityID: 'https://sp1.test/metadata', displayName: 'SP one' },
    request: {
      id: '_req1',
      acsUrl: 'https://sp1.test/acs',
      relayState: undefined,
      forceAuthn: false,
      isPassive: false,
      nameIDFormat: 'persistent',
      allowCreate: true,
      requestedAttributes: over.requestedAttributes ?? [],
      attributeConsumingServiceIndex: undefined,
      loa: over.loa ?? requestedLoa(),
    },
    methods: { byPolicy: ['eidas'], excluded: [] },
    connectorState: {},
    service: over.service ?? null,
  };
}
