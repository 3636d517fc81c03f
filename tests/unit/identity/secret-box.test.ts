// Secret box: AES-256-GCM sealing of credential secrets under versioned keys. Every way of
// damaging a sealed value must end in SecretBoxError, never in a returned string.
import assert from 'node:assert/strict';
import { createSecretBox, SecretBoxError } from '../../../broker/identity/secret-box.js';

const K1 = 'first key secret, at least 32 characters long';
const K2 = 'second key secret, also 32 characters or more';
const SEED = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

// Flips one character of a base64url string to another valid one, so the damage is to the bytes
// and not to the encoding.
function flipChar(s: string, i: number): string {
  const c = s[i];
  assert.ok(c !== undefined);
  return s.slice(0, i) + (c === 'A' ? 'B' : 'A') + s.slice(i + 1);
}

function replacePart(sealed: string, index: number, change: (part: string) => string): string {
  const parts = sealed.split('.');
  const part = parts[index];
  assert.ok(part !== undefined);
  parts[index] = change(part);
  return parts.join('.');
}

describe('secret box', () => {
  it('round-trips text, including empty and non-ASCII text', () => {
    const box = createSecretBox({ '1': K1 }, '1');
    for (const text of [SEED, '', 'contraseña · ñ · 🔑']) assert.equal(box.open(box.seal(text)), text);
  });

  it('produces v<version>.<iv>.<ciphertext>.<tag> with a 12-byte IV and a 16-byte tag', () => {
    const sealed = createSecretBox({ '1': K1 }, '1').seal(SEED);
    assert.match(sealed, /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const [, iv, ciphertext, tag] = sealed.split('.');
    assert.equal(Buffer.from(iv ?? '', 'base64url').length, 12);
    assert.equal(Buffer.from(ciphertext ?? '', 'base64url').length, Buffer.byteLength(SEED));
    assert.equal(Buffer.from(tag ?? '', 'base64url').length, 16);
    assert.ok(!sealed.includes(SEED));
  });

  it('gives two different sealed values for the same text', () => {
    const box = createSecretBox({ '1': K1 }, '1');
    const a = box.seal(SEED);
    const b = box.seal(SEED);
    assert.notEqual(a, b);
    assert.notEqual(a.split('.')[1], b.split('.')[1]);
    assert.equal(box.open(a), box.open(b));
  });

  it('rotates: a value sealed under v1 opens in a box whose current is v2, and new seals use v2', () => {
    const old = createSecretBox({ '1': K1 }, '1');
    const sealedV1 = old.seal(SEED);
    const rotated = createSecretBox({ '1': K1, '2': K2 }, '2');
    assert.equal(rotated.open(sealedV1), SEED);
    const sealedV2 = rotated.seal(SEED);
    assert.ok(sealedV2.startsWith('v2.'));
    assert.equal(rotated.open(sealedV2), SEED);
    // The old box cannot read what the new key sealed.
    assert.throws(() => old.open(sealedV2), SecretBoxError);
  });

  it('accepts labels other than digits', () => {
    const box = createSecretBox({ '2025-a': K1 }, '2025-a');
    const sealed = box.seal(SEED);
    assert.ok(sealed.startsWith('v2025-a.'));
    assert.equal(box.open(sealed), SEED);
  });

  describe('refuses a tampered value', () => {
    const box = createSecretBox({ '1': K1, '2': K2 }, '1');
    const sealed = box.seal(SEED);

    for (const [name, index] of [['iv', 1], ['ciphertext', 2], ['tag', 3]] as const) {
      it(`a changed byte in the ${name}`, () => {
        const part = sealed.split('.')[index] ?? '';
        // First and last character positions: the last one covers the partial trailing byte.
        for (const i of [0, Math.floor(part.length / 2), part.length - 2]) {
          assert.throws(() => box.open(replacePart(sealed, index, (p) => flipChar(p, i))), SecretBoxError, `${name}[${i}]`);
        }
      });
    }

    it('a changed version label (moved to another known version)', () => {
      assert.throws(() => box.open(sealed.replace(/^v1\./, 'v2.')), SecretBoxError);
    });

    it('a changed version label even when both versions share one secret (the label is authenticated)', () => {
      const shared = createSecretBox({ '1': K1, '2': K1 }, '1');
      const v1 = shared.seal(SEED);
      assert.equal(shared.open(v1), SEED);
      assert.throws(() => shared.open(v1.replace(/^v1\./, 'v2.')), SecretBoxError);
    });

    it('a truncated or extended tag, or an IV of the wrong size', () => {
      assert.throws(() => box.open(replacePart(sealed, 3, (p) => p.slice(0, 16))), SecretBoxError);
      assert.throws(() => box.open(replacePart(sealed, 3, (p) => p + 'AAAA')), SecretBoxError);
      assert.throws(() => box.open(replacePart(sealed, 1, () => Buffer.alloc(16).toString('base64url'))), SecretBoxError);
    });

    it('a swapped ciphertext from another seal', () => {
      const other = box.seal('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJA');
      assert.throws(() => box.open(replacePart(sealed, 2, () => other.split('.')[2] ?? '')), SecretBoxError);
    });
  });

  it('refuses an unknown version', () => {
    const sealed = createSecretBox({ '3': K1 }, '3').seal(SEED);
    const box = createSecretBox({ '1': K1, '2': K2 }, '2');
    assert.throws(() => box.open(sealed), (e: unknown) => e instanceof SecretBoxError && /unknown key version/.test(e.message));
  });

  it('refuses a wrong format', () => {
    const box = createSecretBox({ '1': K1 }, '1');
    const sealed = box.seal(SEED);
    const bad = [
      '',
      SEED,
      sealed.slice(1), // no "v"
      sealed.split('.').slice(0, 3).join('.'),
      `${sealed}.extra`,
      replacePart(sealed, 2, (p) => `${p.slice(0, 4)}+/${p.slice(6)}`), // base64, not base64url
      replacePart(sealed, 2, (p) => `${p}=`), // padding
      replacePart(sealed, 2, (p) => `${p.slice(0, 4)}*${p.slice(5)}`), // Buffer.from would skip it
      replacePart(sealed, 1, () => ''),
    ];
    for (const s of bad) assert.throws(() => box.open(s), SecretBoxError, JSON.stringify(s));
    assert.throws(() => box.open(42 as unknown as string), SecretBoxError);
  });

  it('refuses a short key, a missing current version and a label with a dot at construction', () => {
    assert.throws(() => createSecretBox({ '1': 'x'.repeat(31) }, '1'), /at least 32 characters/);
    assert.doesNotThrow(() => createSecretBox({ '1': 'x'.repeat(32) }, '1'));
    assert.throws(() => createSecretBox({ '1': K1, '2': 'short' }, '1'), /"2".*at least 32/);
    assert.throws(() => createSecretBox({ '1': K1 }, '2'), /current key version "2"/);
    assert.throws(() => createSecretBox({}, '1'), /current key version "1"/);
    assert.throws(() => createSecretBox({ 'a.b': K1 }, 'a.b'), /key version "a\.b"/);
    // Construction errors are configuration problems, distinct from undecryptable data.
    try {
      createSecretBox({ '1': 'short' }, '1');
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(!(e instanceof SecretBoxError));
      assert.ok(!String(e).includes('short'), 'the secret is not echoed');
    }
  });
});
