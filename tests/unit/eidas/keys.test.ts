// The connector's key pairs at start-up (connectors/eidas/keys.ts): configured files are checked
// against the eIDAS key strength rule, and the encryption key must be RSA (nodes transport the
// content key with RSA-OAEP; ECDH-ES is not supported), so a wrong key stops the start with a
// ConfigError instead of failing every answer later.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../../broker/config.js';
import { loadEidasKeys } from '../../../connectors/eidas/keys.js';
import { eidasConfig, opensslPair } from './fixtures.js';

describe('eidas keys: configured key pairs checked at start', function () {
  this.timeout(30_000);
  let dir: string;
  let rsa: { keyPem: string; certPem: string };
  let ec: { keyPem: string; certPem: string };
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'eidas-keys-'));
    rsa = opensslPair('rsa');
    ec = opensslPair('ec');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function files(name: string, pair: { keyPem: string; certPem: string }): { key: string; cert: string } {
    const key = path.join(dir, `${name}.key`);
    const cert = path.join(dir, `${name}.crt`);
    writeFileSync(key, pair.keyPem);
    writeFileSync(cert, pair.certPem);
    return { key, cert };
  }

  function configWithEncryption(encryption: { key: string; cert: string }) {
    const signing = files('signing', ec);
    return eidasConfig({
      metadataSigningKeyFile: signing.key,
      metadataSigningCertFile: signing.cert,
      requestSigningKeyFile: signing.key,
      requestSigningCertFile: signing.cert,
      encryptionKeyFile: encryption.key,
      encryptionCertFile: encryption.cert,
    });
  }

  it('accepts an RSA-3072 encryption key with its certificate', async () => {
    const keys = await loadEidasKeys(configWithEncryption(files('enc-rsa', rsa)), dir);
    assert.equal(keys.encryption.privateKey.asymmetricKeyType, 'rsa');
  });

  it('refuses an EC encryption key with a clear ConfigError (ECDH-ES is not supported)', async () => {
    await assert.rejects(loadEidasKeys(configWithEncryption(files('enc-ec', ec)), dir), (err: Error) => err instanceof ConfigError && /encryption key: must be an RSA key.*ECDH-ES/.test(err.message));
  });

  it('refuses an RSA encryption key under 3072 bits', async () => {
    const weak = files('enc-weak', opensslPair('rsa', 2048));
    await assert.rejects(loadEidasKeys(configWithEncryption(weak), dir), (err: Error) => err instanceof ConfigError && /encryption key: RSA keys need at least 3072 bits/.test(err.message));
  });

  it('loads the previous encryption key of a rollover, RSA only', async () => {
    const cfg = configWithEncryption(files('enc-rsa', rsa));
    const previous = files('enc-previous', opensslPair('rsa'));
    const keys = await loadEidasKeys({ ...cfg, connectors: { ...cfg.connectors, eidas: { ...cfg.connectors.eidas, previousEncryptionKeyFile: previous.key } } }, dir);
    assert.equal(keys.encryption.previousPrivateKey?.asymmetricKeyType, 'rsa');
    assert.equal((await loadEidasKeys(cfg, dir)).encryption.previousPrivateKey, undefined);
    const ecPrevious = files('enc-previous-ec', ec);
    await assert.rejects(
      loadEidasKeys({ ...cfg, connectors: { ...cfg.connectors, eidas: { ...cfg.connectors.eidas, previousEncryptionKeyFile: ecPrevious.key } } }, dir),
      (err: Error) => err instanceof ConfigError && /previous encryption key: must be an RSA key/.test(err.message),
    );
  });

  it('refuses an encryption certificate of another key', async () => {
    const mismatched = files('enc-mismatch', { keyPem: rsa.keyPem, certPem: opensslPair('rsa').certPem });
    await assert.rejects(loadEidasKeys(configWithEncryption(mismatched), dir), (err: Error) => err instanceof ConfigError && /does not match/.test(err.message));
  });
});
