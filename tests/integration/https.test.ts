// HTTPS served directly: the real entry (npx tsx broker/main.ts) with tls.certFile/keyFile from the
// environment, checked from outside with node:https. The protocol floor and the cipher list are
// shown to be ours, not Node's defaults: the TLS 1.1 client and the non-forward-secret cipher are
// first shown to work against a permissive server, so their refusal by the broker means something.
// A renewed certificate is taken on SIGHUP; half a configuration stops the start with a message.
//
// Process handling as in npm-start.test.ts: the npx → sh → tsx → node chain runs in its own process
// group; signals go to the node running main.ts, and the group is killed only if a test failed.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { PROJECT_ROOT } from '../../broker/config.js';
import { throwawayTlsCert, type TlsPair } from '../helpers/browser.js';
import { exitOf, freePort, groupAlive, scriptProcessOfGroup } from '../helpers/processes.js';

interface Answer {
  readonly status: number;
  readonly protocol: string | null;
  readonly cipher: string;
  readonly peerCn: string;
}

/** GET /healthz over TLS with the client options given; the handshake's outcome with it. */
function healthz(port: number, opts: https.RequestOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', port, path: '/healthz', rejectUnauthorized: false, agent: false, ...opts }, (res) => {
      const socket = res.socket as TLSSocket;
      const answer = { status: res.statusCode ?? 0, protocol: socket.getProtocol(), cipher: socket.getCipher().standardName, peerCn: socket.getPeerCertificate().subject.CN as string };
      res.resume();
      res.on('end', () => resolve(answer));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
  });
}

// OpenSSL 3's default security level forbids TLS 1.1 on the client too; level 0 lets this client
// really offer it, so a refusal comes from the server.
const TLS11_CLIENT = { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' } as const;
// RSA key exchange, CBC: in Node's default list, not in Mozilla's intermediate one
const NO_FORWARD_SECRECY_CLIENT = { maxVersion: 'TLSv1.2', ciphers: 'AES128-SHA' } as const;

function spawnBroker(env: NodeJS.ProcessEnv, out: { text: string }): ChildProcess {
  const child = spawn('npx', ['tsx', 'broker/main.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so nothing it starts can outlive the test
  });
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out.text += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out.text += d));
  return child;
}




async function until<T>(what: string, ms: number, probe: () => Promise<T>, log: { text: string }): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await probe();
    } catch (err) {
      if (Date.now() > end) throw new Error(`${what} not within ${ms} ms (${(err as Error).message}); output:\n${log.text}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const cnOf = (pair: TlsPair) => new X509Certificate(pair.cert).subject.match(/CN=([^\n]+)/)![1]!;

describe('HTTPS served directly (tls.certFile / tls.keyFile)', function () {
  this.timeout(60_000);
  let work: string;
  let live: string; // the files the broker is configured with
  let first: TlsPair;
  let renewed: TlsPair;
  let renewedDir: string;
  let baseEnv: NodeJS.ProcessEnv;
  const started: ChildProcess[] = [];

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'pasarela-https-'));
    live = path.join(work, 'live');
    renewedDir = path.join(work, 'renewed');
    await Promise.all([mkdir(live), mkdir(renewedDir)]);
    [first, renewed] = await Promise.all([throwawayTlsCert(live, ['broker.test']), throwawayTlsCert(renewedDir, ['renewed.broker.test'])]);
    // an in-memory database and no demo persons or organisations: the start is the subject here, not the data
    const config = path.join(work, 'config.yaml');
    await writeFile(config, 'database:\n  pgliteDir: "memory://"\nseedFile: null\nmandates:\n  seedFile: null\n');
    baseEnv = { PASARELA_CONFIG: config, VAR_DIR: work, TLS_CERT_FILE: path.join(live, 'tls.crt'), TLS_KEY_FILE: path.join(live, 'tls.key') };
  });
  after(async () => {
    // only if a failed test left one running: the process groups we started, by their ids
    for (const c of started) if (c.pid && groupAlive(c.pid)) process.kill(-c.pid, 'SIGKILL');
    await rm(work, { recursive: true, force: true });
  });

  it('the test clients are able: a permissive server accepts TLS 1.1 and a cipher without forward secrecy', async () => {
    const server = https.createServer({ ...first, minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      assert.equal((await healthz(port, TLS11_CLIENT)).protocol, 'TLSv1.1');
      assert.equal((await healthz(port, NO_FORWARD_SECRECY_CLIENT)).cipher, 'TLS_RSA_WITH_AES_128_CBC_SHA');
    } finally {
      server.close();
    }
  });

  it('serves /healthz over TLS 1.3 and 1.2 with modern ciphers, refuses TLS 1.1 and weak ciphers, takes a renewed certificate on SIGHUP, exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const out = { text: '' };
    const child = spawnBroker({ ...baseEnv, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `https://broker.test:${port}` }, out);
    started.push(child);
    const exited = exitOf(child, 55_000).then((e) => {
      throw new Error(`broker exited early (${e.code ?? e.signal}):\n${out.text}`);
    });
    exited.catch(() => undefined);

    const tls13 = await Promise.race([until('HTTPS /healthz', 40_000, () => healthz(port), out), exited]);
    assert.equal(tls13.status, 200);
    assert.equal(tls13.protocol, 'TLSv1.3');
    assert.equal(tls13.peerCn, cnOf(first));

    const tls12 = await healthz(port, { maxVersion: 'TLSv1.2' });
    assert.equal(tls12.status, 200);
    assert.equal(tls12.protocol, 'TLSv1.2');
    assert.match(tls12.cipher, /^TLS_ECDHE_RSA_WITH_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256)$/);

    await assert.rejects(healthz(port, TLS11_CLIENT), /alert protocol version/);
    await assert.rejects(healthz(port, NO_FORWARD_SECRECY_CLIENT), /alert handshake failure/);
    // renewal: the files are replaced where they are (as certbot or an operator does), then SIGHUP
    const main = scriptProcessOfGroup(child.pid!, 'broker/main.ts').pid;
    await copyFile(path.join(renewedDir, 'tls.key'), path.join(live, 'tls.key'));
    await copyFile(path.join(renewedDir, 'tls.crt'), path.join(live, 'tls.crt'));
    assert.equal((await healthz(port)).peerCn, cnOf(first), 'nothing changes before the signal');
    process.kill(main, 'SIGHUP');
    const after = await until('the renewed certificate', 5000, async () => {
      const a = await healthz(port);
      if (a.peerCn !== cnOf(renewed)) throw new Error(`still ${a.peerCn}`);
      return a;
    }, out);
    assert.equal(after.status, 200);
    assert.equal((await healthz(port, { maxVersion: 'TLSv1.2' })).protocol, 'TLSv1.2');
    await assert.rejects(healthz(port, TLS11_CLIENT), /alert protocol version/, 'the floor holds after the reload');
    await assert.rejects(healthz(port, NO_FORWARD_SECRECY_CLIENT), /alert handshake failure/, 'so do the ciphers');

    // a broken renewal (key of another certificate) keeps the current certificate
    await writeFile(path.join(live, 'tls.key'), first.key);
    process.kill(main, 'SIGHUP');
    await until('the reload failure logged', 5000, async () => assert.match(out.text, /TLS certificate reload failed/), out);
    assert.equal((await healthz(port)).peerCn, cnOf(renewed));

    process.kill(main, 'SIGTERM');
    const { code, signal } = await exitOf(child, 10_000);
    assert.equal(signal, null, `killed by ${signal}; output:\n${out.text}`);
    assert.equal(code, 0, `exit code ${code}; output:\n${out.text}`);
    assert.doesNotMatch(out.text, /cannot start/);
  });

  it('refuses to start with half a configuration or an unreadable file: exit 1 and a message naming the key', async () => {
    // the file's tls keys are null, and an empty variable leaves its key unset
    const cases = [
      { env: { TLS_KEY_FILE: '' }, message: /tls\.keyFile: required when tls\.certFile is set/ },
      { env: { TLS_CERT_FILE: '' }, message: /tls\.certFile: required when tls\.keyFile is set/ },
      { env: { TLS_KEY_FILE: '/nonexistent/tls.key' }, message: /tls\.keyFile: cannot read \/nonexistent\/tls\.key: ENOENT/ },
    ];
    // in parallel: each is a whole npx → tsx start
    await Promise.all(
      cases.map(async ({ env, message }) => {
        const out = { text: '' };
        const child = spawnBroker({ ...baseEnv, PORT: String(await freePort()), ...env }, out);
        started.push(child);
        const { code } = await exitOf(child, 30_000);
        assert.equal(code, 1, out.text);
        assert.match(out.text, message);
        assert.doesNotMatch(out.text, /\n\s+at /, 'a message, not a stack trace');
      }),
    );
  });
});
