// Encryption at rest for credential secrets (TOTP seeds): a database dump alone must not let
// anyone mint codes. AES-256-GCM under versioned keys, so a key can be rotated by adding a new
// version, making it `current`, and re-sealing at leisure while old values still open.
//
// Sealed format: v<version>.<iv>.<ciphertext>.<tag>, each part base64url, IV 12 random bytes,
// tag 16 bytes. The version label is the additional authenticated data: even if two versions
// happen to share a secret, a value cannot be relabelled from one version to another.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

/** A sealed value that cannot be opened: unknown version, wrong format or failed authentication. */
export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const MIN_SECRET_CHARS = 32;
const HKDF_INFO = 'pasarela secret-box v1';
// Labels end up between dots in the sealed text, so they must not contain one.
const VERSION_LABEL = /^[A-Za-z0-9_-]{1,32}$/;
const B64URL = /^[A-Za-z0-9_-]*$/;

// Configured secrets are passphrase-like strings, not uniform random keys; HKDF turns each into
// a proper AES key. No salt: the secrets are per-deployment already, and the same secret must
// always give the same key or old values would stop opening.
function deriveKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), HKDF_INFO, KEY_BYTES));
}

// Buffer.from(..., 'base64url') silently skips characters it does not know and ignores
// non-zero trailing bits; accepting only the canonical encoding keeps "any changed character
// is refused" true.
function decodePart(part: string, what: string): Buffer {
  if (!B64URL.test(part)) throw new SecretBoxError(`sealed value: ${what} is not base64url`);
  const bytes = Buffer.from(part, 'base64url');
  if (bytes.toString('base64url') !== part) throw new SecretBoxError(`sealed value: ${what} is not canonical base64url`);
  return bytes;
}

/**
 * keys: version → secret (any string ≥ 32 chars; the AES key is derived with HKDF-SHA256,
 * info 'pasarela secret-box v1'); `current` is the version new seals use.
 */
export function createSecretBox(keys: Readonly<Record<string, string>>, current: string): SecretBox {
  const derived = new Map<string, Buffer>();
  for (const [version, secret] of Object.entries(keys)) {
    if (!VERSION_LABEL.test(version)) {
      throw new Error(`secret box: key version "${version}" must be 1-32 characters of A-Z, a-z, 0-9, _ or -`);
    }
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_CHARS) {
      throw new Error(`secret box: the secret of key version "${version}" must be at least ${MIN_SECRET_CHARS} characters`);
    }
    derived.set(version, deriveKey(secret));
  }
  const currentKey = derived.get(current);
  if (!currentKey) {
    const known = [...derived.keys()].join(', ') || 'none';
    throw new Error(`secret box: current key version "${current}" is not among the configured versions (${known})`);
  }

  return {
    seal(plaintext: string): string {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, currentKey, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(current, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return `v${current}.${iv.toString('base64url')}.${ciphertext.toString('base64url')}.${tag.toString('base64url')}`;
    },

    open(sealed: string): string {
      if (typeof sealed !== 'string') throw new SecretBoxError('sealed value: not a string');
      const parts = sealed.split('.');
      if (parts.length !== 4) throw new SecretBoxError('sealed value: expected v<version>.<iv>.<ciphertext>.<tag>');
      const [label, ivPart, ciphertextPart, tagPart] = parts as [string, string, string, string];
      if (!label.startsWith('v')) throw new SecretBoxError('sealed value: missing version prefix');
      const version = label.slice(1);
      const key = derived.get(version);
      // The label is attacker-influenced text, so it is not echoed back.
      if (!key) throw new SecretBoxError('sealed value: unknown key version');
      const iv = decodePart(ivPart, 'iv');
      const ciphertext = decodePart(ciphertextPart, 'ciphertext');
      const tag = decodePart(tagPart, 'tag');
      if (iv.length !== IV_BYTES) throw new SecretBoxError('sealed value: iv has the wrong length');
      // A shortened tag would weaken authentication, so only the full 16 bytes are accepted.
      if (tag.length !== TAG_BYTES) throw new SecretBoxError('sealed value: tag has the wrong length');
      try {
        const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(version, 'utf8'));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretBoxError('sealed value: authentication failed');
      }
    },
  };
}
