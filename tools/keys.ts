// `pasarela keys status|next|promote|retire|pseudonym-secret`: the signing-key rollover of
// docs/key-rollover.md as commands on the key directory (<varDir>/<keys.dir>, or an absolute
// keys.dir shared by every node). next publishes a new certificate beside the signing one; promote
// makes it sign and keeps the old certificate published (previous.crt); retire stops publishing
// the old one. Each step is followed by a rolling restart. Files are written under a temporary name
// and renamed, the key before its certificate, as the broker's own key generation does.
import { X509Certificate, createHash, randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../broker/config.js';
import { KEY_FILES, generateSelfSigned, keyDirectory, signingKeysFromPem } from '../broker/saml/keys.js';
import { commandFailed, consoleIo, UsageError, type Io } from './io.js';

const USAGE = `usage:
  pasarela keys status
  pasarela keys next [--key FILE --cert FILE]   publish a next signing certificate (generated: RSA-3072, 3 years)
  pasarela keys promote                          sign with the next key; keep publishing the old certificate
  pasarela keys retire                           stop publishing the old certificate
  pasarela keys pseudonym-secret                 a new persistent-NameID secret entry for keys.pseudonymSecrets
options: --dir DIR (default: the configured key directory)
after next, promote and retire: restart every node (rolling), then check /saml/metadata`;


async function writeAtomically(file: string, content: string, mode: number): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, content, { mode });
  await rename(tmp, file);
}

function describe(label: string, pem: string | undefined): string {
  if (!pem) return `${label.padEnd(9)} -`;
  const cert = new X509Certificate(pem);
  const sha256 = createHash('sha256').update(cert.raw).digest('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');
  return `${label.padEnd(9)} ${cert.subject.replace(/\n/g, ', ')}; valid until ${new Date(cert.validTo).toISOString().slice(0, 10)}; SHA-256 ${sha256}`;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, io: Io = consoleIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { dir: { type: 'string' }, key: { type: 'string' }, cert: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
    const [action] = positionals;
    if (values.help || !action) {
      io.out(USAGE);
      return values.help ? 0 : 2;
    }
    const cfg = loadConfig(env);
    if (action === 'pseudonym-secret') {
      const version = Math.max(...cfg.keys.pseudonymSecrets.map((s) => s.version)) + 1;
      io.out('# add to keys.pseudonymSecrets (keep every older entry: issued pseudonyms keep their version), then restart every node');
      io.out(`- version: ${version}\n  secret: ${randomBytes(32).toString('base64url')}`);
      return 0;
    }
    if (!values.dir && (cfg.keys.signingKeyFile || cfg.keys.nextSigningCertFile)) {
      throw new UsageError('keys.signingKeyFile / nextSigningCertFile are configured: roll those over by hand (docs/key-rollover.md), or use a key directory (keys.dir) and these commands');
    }
    const dir = values.dir ? path.resolve(values.dir) : keyDirectory(cfg, cfg.varDir);
    const file = (name: string) => path.join(dir, name);
    const read = (name: string) => readFile(file(name), 'utf8').catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : Promise.reject(err)));
    const current = { key: await read(KEY_FILES.key), cert: await read(KEY_FILES.cert) };
    if (!current.key || !current.cert) throw new UsageError(`no signing key in ${dir} (the broker generates one on its first start)`);
    const next = { key: await read(KEY_FILES.nextKey), cert: await read(KEY_FILES.nextCert) };
    const previous = await read(KEY_FILES.previousCert);

    switch (action) {
      case 'status':
        io.out(`key directory ${dir}`);
        io.out(describe('signing', current.cert));
        io.out(describe('next', next.cert));
        io.out(describe('previous', previous));
        return 0;
      case 'next': {
        if (next.cert || next.key) throw new UsageError('a next key is already published: promote it, or remove next.key and next.crt');
        if (previous) throw new UsageError('the previous certificate is still published: retire it first (metadata carries one other certificate)');
        if (!!values.key !== !!values.cert) throw new UsageError('--key and --cert go together');
        const pair = values.key ? { keyPem: await readFile(values.key, 'utf8'), certPem: await readFile(values.cert!, 'utf8') } : await generateSelfSigned(new Date());
        signingKeysFromPem(pair.keyPem, pair.certPem, cfg.saml.signatureAlgorithm); // refuses a certificate of another key
        await writeAtomically(file(KEY_FILES.nextKey), pair.keyPem, 0o600);
        await writeAtomically(file(KEY_FILES.nextCert), pair.certPem, 0o644);
        io.out(describe('next', pair.certPem));
        io.out('published at the next restart: restart every node, then wait until every SP has our new metadata (saml.metadataCacheDuration) before promote');
        return 0;
      }
      case 'promote': {
        if (!next.key || !next.cert) throw new UsageError('no next key to promote: run `pasarela keys next` first');
        signingKeysFromPem(next.key, next.cert, cfg.saml.signatureAlgorithm);
        await writeAtomically(file(KEY_FILES.previousCert), current.cert, 0o644);
        await rename(file(KEY_FILES.nextKey), file(KEY_FILES.key));
        await rename(file(KEY_FILES.nextCert), file(KEY_FILES.cert));
        io.out(describe('signing', next.cert));
        io.out(describe('previous', current.cert));
        io.out('restart every node: they sign with the new key and still publish the old certificate; retire it once every SP has refreshed our metadata');
        return 0;
      }
      case 'retire':
        if (!previous) throw new UsageError('no previous certificate is published');
        await rm(file(KEY_FILES.previousCert));
        io.out('the old certificate is no longer published after the next restart: restart every node');
        return 0;
      default:
        throw new UsageError(`unknown keys action "${action}"`);
    }
  } catch (err) {
    return commandFailed(io, err, 'pasarela keys', USAGE);
  }
}
