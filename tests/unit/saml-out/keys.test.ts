import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Config } from '../../../broker/config.js';
import { loadSigningKeys, signingKeysFromPem } from '../../../broker/saml/keys.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/keys');

function cfgWith(keys: Partial<Config['keys']>, alg: Config['saml']['signatureAlgorithm'] = 'rsa-sha256'): Config {
  return {
    keys: { dir: 'keys', pseudonymSecrets: [{ version: 1, secret: 'x'.repeat(16) }], ...keys },
    saml: { signatureAlgorithm: alg },
  } as unknown as Config;
}

describe('saml-out keys: loadSigningKeys', function () {
  this.timeout(60_000);
  let varDir: string;
  beforeEach(async () => {
    varDir = await mkdtemp(path.join(tmpdir(), 'pasarela-keys-'));
  });
  afterEach(async () => {
    await rm(varDir, { recursive: true, force: true });
  });

  it('loads configured files as a KeyObject with DER base64 and notAfter', async () => {
    const keys = await loadSigningKeys(
      cfgWith({
        signingKeyFile: path.join(FIXTURES, 'idp.key'),
        signingCertFile: path.join(FIXTURES, 'idp.crt'),
        nextSigningCertFile: path.join(FIXTURES, 'idp-next.crt'),
      }, 'rsa-sha512'),
      varDir,
    );
    const cert = new X509Certificate(await readFile(path.join(FIXTURES, 'idp.crt')));
    assert.equal(keys.privateKey.type, 'private');
    assert.equal(keys.certBase64, cert.raw.toString('base64'));
    assert.doesNotMatch(keys.certBase64, /-----|\n/);
    assert.equal(keys.notAfter.getTime(), new Date(cert.validTo).getTime());
    assert.equal(keys.nextCertBase64, new X509Certificate(await readFile(path.join(FIXTURES, 'idp-next.crt'))).raw.toString('base64'));
    assert.equal(keys.algorithm, 'rsa-sha512');
  });

  it('refuses a certificate that is not the key’s', async () => {
    await assert.rejects(
      loadSigningKeys(cfgWith({ signingKeyFile: path.join(FIXTURES, 'idp.key'), signingCertFile: path.join(FIXTURES, 'sp1.crt') }), varDir),
      /does not match/,
    );
  });

  it('an EC key signs with ECDSA', async () => {
    const keys = signingKeysFromPem(
      await readFile(path.join(FIXTURES, 'idp-p256.key'), 'utf8'),
      await readFile(path.join(FIXTURES, 'idp-p256.crt'), 'utf8'),
    );
    assert.equal(keys.algorithm, 'ecdsa-sha256');
  });

  it('generates RSA-3072, self-signed, 3 years, key mode 0600 — once, even with concurrent starts', async () => {
    const cfg = cfgWith({});
    const [a, b, c] = await Promise.all([loadSigningKeys(cfg, varDir), loadSigningKeys(cfg, varDir), loadSigningKeys(cfg, varDir)]);
    assert.equal(a!.certBase64, b!.certBase64);
    assert.equal(a!.certBase64, c!.certBase64);
    assert.equal(a!.privateKey.asymmetricKeyDetails?.modulusLength, 3072);
    const cert = new X509Certificate(a!.certPem);
    assert.ok(cert.verify(cert.publicKey), 'self-signed');
    const years = (a!.notAfter.getTime() - Date.now()) / (365 * 86_400_000);
    assert.ok(years > 2.95 && years < 3.05, `validity ${years} years`);
    const keyStat = await stat(path.join(varDir, 'keys', 'signing.key'));
    assert.equal(keyStat.mode & 0o777, 0o600);
    // a second start loads what is there
    const again = await loadSigningKeys(cfg, varDir);
    assert.equal(again.certBase64, a!.certBase64);
  });
});
