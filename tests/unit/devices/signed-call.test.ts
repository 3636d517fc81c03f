// The signed-call format of model.ts: the exact string to sign, ECDSA P-256 / SHA-256 in IEEE
// P1363 form; a DER signature, another key or any changed part does not verify.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { signCallHeaders, stringToSign, verifyDeviceSignature } from '../../../broker/identity/devices/signed-call.js';

describe('signed app calls (model.ts format)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  it('signs exactly METHOD, path with query, timestamp, nonce and base64url(SHA-256(body)), one per line', () => {
    const body = Buffer.from('{"a":1}');
    const expected = `POST\n/api/app/v1/x?y=1\n1700000000000\nnonce-nonce-nonce-1\n${createHash('sha256').update(body).digest('base64url')}`;
    assert.equal(stringToSign({ method: 'post', path: '/api/app/v1/x?y=1', timestamp: '1700000000000', nonce: 'nonce-nonce-nonce-1', body }), expected);
    assert.match(stringToSign({ method: 'GET', path: '/p', timestamp: '1', nonce: 'n', body: new Uint8Array() }), /\n47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU$/);
  });

  it('verifies the headers signCallHeaders makes, and nothing changed', () => {
    const h = signCallHeaders('d1d1d1d1-0000-4000-8000-000000000000', privateKey, { method: 'GET', path: '/api/app/v1/inbox', now: new Date(1_700_000_000_000), nonce: 'abcdefghijklmnop' });
    assert.equal(h['x-timestamp'], '1700000000000');
    assert.equal(h['x-nonce'], 'abcdefghijklmnop');
    const bytes = (path: string, ts = '1700000000000') => Buffer.from(stringToSign({ method: 'GET', path, timestamp: ts, nonce: 'abcdefghijklmnop', body: new Uint8Array() }));
    assert.equal(verifyDeviceSignature(publicKey, bytes('/api/app/v1/inbox'), h['x-signature']!), true);
    assert.equal(verifyDeviceSignature(publicKey, bytes('/api/app/v1/device'), h['x-signature']!), false);
    assert.equal(verifyDeviceSignature(publicKey, bytes('/api/app/v1/inbox', '1700000000001'), h['x-signature']!), false);
    assert.equal(verifyDeviceSignature(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey, bytes('/api/app/v1/inbox'), h['x-signature']!), false);
  });

  it('takes only IEEE P1363 (r || s): a DER signature of the same bytes is refused, as is junk', () => {
    const data = Buffer.from('hello');
    const der = sign('sha256', data, privateKey).toString('base64url');
    assert.equal(verifyDeviceSignature(publicKey, data, der), false);
    assert.equal(verifyDeviceSignature(publicKey, data, sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')), true);
    for (const junk of ['', 'AAAA', '*'.repeat(86), Buffer.alloc(64).toString('base64url')]) assert.equal(verifyDeviceSignature(publicKey, data, junk), false);
  });
});
