// The device key and push address rules (issue 4): only ECDSA P-256 SPKI keys; webhooks https,
// plain http only to loopback while the broker itself runs on http; tokens bounded.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { normaliseDevicePublicKey } from '../../../broker/identity/devices/device-key.js';
import { pushAddressRules, validatePushAddress } from '../../../broker/identity/devices/push-address.js';
import { validateLabel } from '../../../broker/identity/devices/registry.js';
import { DeviceError } from '../../../broker/identity/devices/device-error.js';

const spki = (k: ReturnType<typeof generateKeyPairSync>['publicKey']) => k.export({ type: 'spki', format: 'pem' }).toString();
const refusedAs = (code: string, pattern?: RegExp) => (err: unknown) => err instanceof DeviceError && err.code === code && (!pattern || pattern.test(err.message));

describe('device key (issue 4: ECDSA P-256, SPKI PEM)', () => {
  it('accepts a P-256 public key and stores it in canonical PEM', () => {
    const pem = spki(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
    assert.equal(normaliseDevicePublicKey(`\n${pem.replace(/\n/g, '\r\n')}`), pem);
  });

  it('refuses RSA, other curves, Ed25519, private keys and junk, saying what is expected', () => {
    assert.throws(() => normaliseDevicePublicKey(spki(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey)), refusedAs('invalid-key', /rsa key.*P-256/));
    assert.throws(() => normaliseDevicePublicKey(spki(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey)), refusedAs('invalid-key', /secp384r1/));
    assert.throws(() => normaliseDevicePublicKey(spki(generateKeyPairSync('ed25519').publicKey)), refusedAs('invalid-key', /ed25519/));
    const priv = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    assert.throws(() => normaliseDevicePublicKey(priv), refusedAs('invalid-key', /PUBLIC KEY/));
    assert.throws(() => normaliseDevicePublicKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'), refusedAs('invalid-key'));
    assert.throws(() => normaliseDevicePublicKey(42), refusedAs('invalid-key'));
    assert.throws(() => normaliseDevicePublicKey(`-----BEGIN PUBLIC KEY-----${'A'.repeat(5000)}`), refusedAs('invalid-key'));
  });
});

describe('push address (issue 4: https webhook or push token)', () => {
  const production = pushAddressRules('https://broker.example');
  const development = pushAddressRules('http://localhost:8080');

  it('accepts https webhooks and bounded tokens', () => {
    assert.deepEqual(validatePushAddress({ kind: 'webhook', url: 'https://phone.example/push' }, production), { kind: 'webhook', url: 'https://phone.example/push' });
    assert.deepEqual(validatePushAddress({ kind: 'token', token: 'fcm:APA91b-token_value.0123' }, production), { kind: 'token', token: 'fcm:APA91b-token_value.0123' });
  });

  it('allows plain http only to 127.0.0.1 or localhost, and only when the broker itself is on http', () => {
    assert.equal(validatePushAddress({ kind: 'webhook', url: 'http://127.0.0.1:9000/push' }, development).kind, 'webhook');
    assert.equal(validatePushAddress({ kind: 'webhook', url: 'http://localhost:9000/push' }, development).kind, 'webhook');
    assert.throws(() => validatePushAddress({ kind: 'webhook', url: 'http://127.0.0.1:9000/push' }, production), refusedAs('invalid-push-address', /https/));
    assert.throws(() => validatePushAddress({ kind: 'webhook', url: 'http://phone.example/push' }, development), refusedAs('invalid-push-address'));
  });

  it('refuses other schemes, credentials in the URL, short or spaced tokens and unknown kinds', () => {
    for (const bad of [
      { kind: 'webhook', url: 'ftp://phone.example/x' },
      { kind: 'webhook', url: 'https://user:pw@phone.example/x' },
      { kind: 'webhook', url: 'not a url' },
      { kind: 'webhook', url: `https://phone.example/${'a'.repeat(3000)}` },
      { kind: 'token', token: 'short' },
      { kind: 'token', token: 'has spaces in the middle of it' },
      { kind: 'sms', to: '+34600000001' },
      null,
    ]) assert.throws(() => validatePushAddress(bad, development), refusedAs('invalid-push-address'), JSON.stringify(bad));
  });

  it('labels are 1 to 60 printable characters', () => {
    assert.equal(validateLabel('  Pixel de Carmen '), 'Pixel de Carmen');
    for (const bad of ['', '   ', 'x'.repeat(61), 'tab\there', 7]) assert.throws(() => validateLabel(bad), refusedAs('invalid-label'));
  });
});
