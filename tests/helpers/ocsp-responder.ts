// OCSP responders for the revocation tests: a real one (`openssl ocsp` over an index.txt written
// from the test PKI), a proxy that replays the first answer it got (so the nonce of every later
// request is not echoed), a server that accepts connections and never answers, and a port where
// nothing listens. Stop what you start in `after`.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { exitOf, freePort } from './processes.js';
import type { TestCertificate, TestPki } from './test-pki.js';

export interface RunningServer {
  readonly url: string;
  /** requests received (the openssl responder does not count) */
  readonly requests: () => number;
  stop(): Promise<void>;
}

export type OcspResponder = RunningServer;

/** openssl says so on stderr once it accepts; probing the port instead would cost its one connection slot. */
async function waitForReady(child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!output().includes('waiting for OCSP client connections')) {
    if (child.exitCode !== null) throw new Error(`openssl ocsp exited (${child.exitCode}): ${output()}`);
    if (Date.now() > deadline) throw new Error(`openssl ocsp not ready: ${output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * `openssl ocsp` answering for the test PKI's intermediate from `pki.ocspIndex()`, signing with
 * `signer` (default the delegated responder; `pki.unauthorisedResponder` for the negative case,
 * `pki.intermediate` for a CA-signed answer), nextUpdate `nextUpdateMinutes` after each answer.
 */
export async function startOcspResponder(o: { pki: TestPki; port?: number; signer?: TestCertificate; nextUpdateMinutes?: number }): Promise<OcspResponder> {
  const port = o.port ?? (await freePort());
  const signer = o.signer ?? o.pki.ocspResponder;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pasarela-ocsp-'));
  await writeFile(path.join(dir, 'index.txt'), o.pki.ocspIndex());
  await writeFile(path.join(dir, 'ca.pem'), o.pki.intermediate.pem);
  await writeFile(path.join(dir, 'signer.pem'), signer.pem);
  await writeFile(path.join(dir, 'signer.key'), signer.keyPem, { mode: 0o600 });
  const child = spawn('openssl', ['ocsp', '-index', 'index.txt', '-port', String(port), '-rsigner', 'signer.pem', '-rkey', 'signer.key',
    '-CA', 'ca.pem', '-nmin', String(o.nextUpdateMinutes ?? 60)], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  await waitForReady(child, () => output);
  return {
    url: `http://127.0.0.1:${port}/`,
    requests: () => 0,
    async stop() {
      child.kill('SIGTERM');
      await exitOf(child, 5000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function track(server: http.Server | net.Server, sockets: Set<net.Socket>): void {
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
}

async function listen(server: http.Server | net.Server, port?: number): Promise<number> {
  port ??= await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return port;
}

function closer(server: http.Server | net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  return () => {
    for (const s of sockets) s.destroy();
    return new Promise((resolve) => server.close(() => resolve()));
  };
}

/** Forwards the first request to `target` and answers every request with that first answer. */
export async function startReplayingProxy(target: string): Promise<RunningServer> {
  let first: { status: number; type: string; body: Buffer } | null = null;
  let count = 0;
  const sockets = new Set<net.Socket>();
  const server = http.createServer(async (req, res) => {
    count++;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (!first) {
      const upstream = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: Buffer.concat(chunks) });
      first = { status: upstream.status, type: upstream.headers.get('content-type') ?? 'application/ocsp-response', body: Buffer.from(await upstream.arrayBuffer()) };
    }
    res.writeHead(first.status, { 'content-type': first.type, 'content-length': first.body.length }).end(first.body);
  });
  track(server, sockets);
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}/`, requests: () => count, stop: closer(server, sockets) };
}

/** Accepts TCP connections and never says a word: a responder that hangs. */
export async function startHangingServer(): Promise<RunningServer> {
  let count = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer(() => count++);
  track(server, sockets);
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}/`, requests: () => count, stop: closer(server, sockets) };
}

/** What the file server answers: `streamed` sends the bytes chunked, without Content-Length. */
export interface ServedFile {
  readonly status?: number;
  readonly bytes: Buffer;
  readonly streamed?: boolean;
  readonly location?: string;
}

/** An http server answering every request with whatever `body()` gives now (CRLs, canned OCSP answers). */
export async function startFileServer(body: () => ServedFile, port?: number): Promise<RunningServer> {
  let count = 0;
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => {
    count++;
    const b = body();
    res.writeHead(b.status ?? 200, {
      'content-type': 'application/octet-stream',
      ...(b.streamed ? {} : { 'content-length': b.bytes.length }),
      ...(b.location ? { location: b.location } : {}),
    });
    if (b.streamed) res.write(b.bytes);
    res.end(b.streamed ? undefined : b.bytes);
  });
  track(server, sockets);
  const bound = await listen(server, port);
  return { url: `http://127.0.0.1:${bound}/`, requests: () => count, stop: closer(server, sockets) };
}

/** A loopback URL where nothing listens (connection refused). */
export async function downUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}/`;
}
