// Shared set-up of the inbound SAML tests: a configuration whose SP registry reads
// tests/fixtures/metadata, the in-memory replay cache, and a fixed clock. TEST ONLY.
import { loadConfig, type Config } from '../../../broker/config.js';
import { BrokerError, type BrokerErrorCode } from '../../../broker/errors.js';
import { createSpRegistry, type SpRegistry } from '../../../broker/saml/sp-registry.js';
import { createMemoryStore } from '../../../broker/store/ephemeral-memory.js';
import type { EphemeralStore } from '../../../broker/store/ephemeral.js';
import assert from 'node:assert/strict';

export const NOW = new Date();
export const SSO_URL = 'http://localhost:8080/saml/sso';
export const SLO_URL = 'http://localhost:8080/saml/slo';
export const SP1 = 'https://sp1.test/metadata';
export const SP2 = 'https://sp2.test/metadata';
export const KC = 'http://kc.test/realms/demo';

export const silentLog = { warn: () => {}, info: () => {} };

export function testConfig(overrides: Record<string, unknown> = {}): Config {
  return loadConfig({}, {
    publicUrl: 'http://localhost:8080',
    sps: { metadataDirs: ['tests/fixtures/metadata'], metadataUrls: [] },
    ...overrides,
  } as never);
}

export interface Harness {
  cfg: Config;
  registry: SpRegistry;
  replayCache: EphemeralStore;
  now: Date;
}

export async function harness(overrides: Record<string, unknown> = {}): Promise<Harness> {
  const cfg = testConfig(overrides);
  return { cfg, registry: await createSpRegistry(cfg, silentLog), replayCache: createMemoryStore(), now: NOW };
}

/** Assert a promise/function rejects with a BrokerError of `code`; returns it. */
export async function rejectsWith(p: Promise<unknown> | (() => unknown), code: BrokerErrorCode): Promise<BrokerError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    assert.ok(err instanceof BrokerError, `expected BrokerError, got ${(err as Error)?.stack ?? err}`);
    assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${err.detail}`);
    return err;
  }
  assert.fail(`expected BrokerError ${code}, but it succeeded`);
}
