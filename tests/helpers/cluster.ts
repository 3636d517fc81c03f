// Several broker processes behind nginx, as production runs them (design.md "Scaling out"): each
// node is `node --import tsx broker/main.ts` in its own process group, configured like the others
// (same PUBLIC_URL — nginx's —, signing key, SP metadata, secrets, database, Redis prefix and
// outbox directory); nginx from Debian balances round robin without stickiness. Which node served
// a response is read from nginx's $upstream_addr (header X-Upstream), so the broker needs no node id.
// Also: a dedicated redis-server and a dedicated PostgreSQL cluster that a suite may stop and
// start without disturbing any other suite, an outbox reader shared by many concurrent logins, and
// a small cookie-keeping HTTP client.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SP1, SP2 } from './test-broker.js';
import { freePort } from './processes.js';
export { freePort };

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');


export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function until(what: string, ms: number, check: () => Promise<boolean> | boolean, every = 50): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(every);
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child we started, its output kept (the last 2 MB), and its exit. */
class Child {
  output = '';
  readonly exited: Promise<Exit>;
  constructor(readonly proc: ChildProcess) {
    const keep = (d: string) => {
      this.output += d;
      if (this.output.length > 2_000_000) this.output = this.output.slice(-1_000_000);
    };
    proc.stdout?.setEncoding('utf8').on('data', keep);
    proc.stderr?.setEncoding('utf8').on('data', keep);
    this.exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  }
  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }
  /** signal to the child's process group (it was started detached), so nothing it started survives */
  signal(sig: NodeJS.Signals): void {
    if (!this.running || !this.proc.pid) return;
    try {
      process.kill(-this.proc.pid, sig);
    } catch {
      /* already gone */
    }
  }
  async stop(graceMs = 5000): Promise<Exit> {
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }
}

/** Programs these suites start; under CI a missing one fails the suite, elsewhere it is skipped. */
export function describeCluster(name: string, needs: ('nginx' | 'redis-server' | 'postgresql')[], body: (this: Mocha.Suite) => void): void {
  const missing = needs.filter((p) => {
    if (p === 'postgresql') return !existsSync('/usr/lib/postgresql');
    try {
      execFileSync('sh', ['-c', `command -v ${p} || test -x /usr/sbin/${p}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length === 0) describe(name, body);
  else if (process.env.CI) {
    describe(name, () => {
      it('has what it runs on', () => {
        throw new Error(`missing ${missing.join(', ')} (Debian packages; .ci/run installs them)`);
      });
    });
  } else describe.skip(`${name} (install ${missing.join(', ')} to run)`, body);
}

// ---------------------------------------------------------------------------------------------
// Redis and PostgreSQL of one suite

export interface OwnRedis {
  readonly url: string;
  readonly port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A redis-server on a loopback port (default: a free one), without persistence: a restart loses every key. */
export async function ownRedis(port?: number): Promise<OwnRedis> {
  port ??= await freePort();
  let child: Child | undefined;
  const r: OwnRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      child = new Child(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true }));
      await until(`redis-server on ${port}`, 5000, async () => {
        if (!child!.running) throw new Error(`redis-server exited:\n${child!.output}`);
        return portOpen(port);
      });
    },
    async stop() {
      await child?.stop();
      child = undefined;
    },
  };
  await r.start();
  return r;
}

export interface OwnPostgres {
  /** the `postgres` database of this cluster (createTestDatabase makes one per suite on it) */
  readonly url: string;
  start(): Promise<void>;
  /** fast shutdown: every session is ended, as in a failover or a restart for an upgrade */
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

function pgBin(): string {
  const dirs = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b)) : [];
  const v = dirs.at(-1);
  if (!v) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql (Debian package postgresql)');
  return `/usr/lib/postgresql/${v}/bin`;
}

/** A PostgreSQL cluster of our own (initdb in a temporary directory), so restarting it disturbs no one. */
export async function ownPostgres(): Promise<OwnPostgres> {
  const bin = pgBin();
  const root = await mkdtemp(path.join(tmpdir(), 'pasarela-pg-'));
  const data = path.join(root, 'data');
  const port = await freePort();
  // PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    if (!asRoot) return execFileSync(`${bin}/${cmd}`, args, { stdio: 'pipe' });
    const line = [`${bin}/${cmd}`, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    return execFileSync('su', ['postgres', '-c', line], { stdio: 'pipe' });
  };
  chmodSync(root, 0o755);
  await mkdir(data);
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(data, uid, gid);
    chownSync(root, uid, gid);
  }
  run('initdb', ['-D', data, '--auth=trust', '--username=postgres', '-E', 'UTF8']);
  const opts = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const pg: OwnPostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async start() {
      run('pg_ctl', ['-D', data, '-l', path.join(root, 'pg.log'), '-w', '-o', opts, 'start']);
    },
    async stop() {
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    },
    async destroy() {
      if (existsSync(path.join(data, 'postmaster.pid'))) run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      await rm(root, { recursive: true, force: true });
    },
  };
  await pg.start();
  return pg;
}

// ---------------------------------------------------------------------------------------------
// Broker nodes and nginx

export const REGISTRAR_TOKEN = 'cluster-registrar-token-0123456789abcdef';

/** Persons for load: valid DNIs with their own mobile, so each concurrent login reads its own SMS. */
export interface LoadPerson {
  readonly document: string;
  readonly documentDate: string;
  readonly mobile: string;
}

export function loadPersons(n: number): LoadPerson[] {
  const letters = 'TRWAGMYFPDXBNJZSQVHLCKE';
  return Array.from({ length: n }, (_, i) => {
    const number = 40_000_000 + i;
    return { document: `${number}${letters[number % 23]}`, documentDate: '2031-01-01', mobile: `+3461${String(i).padStart(7, '0')}` };
  });
}

export interface NodeOptions {
  /** environment overrides for this node (e.g. an unreachable REDIS_URL) */
  readonly env?: Record<string, string>;
  /** wait until /readyz answers 200 (default true) */
  readonly waitReady?: boolean;
}

export class BrokerNode {
  child: Child | undefined;
  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get output(): string {
    return this.child?.output ?? '';
  }
  get running(): boolean {
    return this.child?.running ?? false;
  }
  get exited(): Promise<Exit> {
    assert.ok(this.child, `${this.name} was started`);
    return this.child.exited;
  }

  async start(opts: NodeOptions = {}): Promise<void> {
    assert.ok(!this.running, `${this.name} is not running`);
    this.child = new Child(
      spawn(process.execPath, ['--import', 'tsx', 'broker/main.ts'], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, ...this.env, ...opts.env },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      }),
    );
    const child = this.child;
    if (opts.waitReady === false) return;
    await until(`${this.name} ready`, 30_000, async () => {
      if (!child.running) throw new Error(`${this.name} exited:\n${child.output}`);
      return (await this.readyz().catch(() => 0)) === 200;
    }, 100);
  }

  async readyz(): Promise<number> {
    return (await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(3000) })).status;
  }

  /** SIGTERM (drain) or SIGKILL; resolves with the exit */
  async kill(sig: 'SIGTERM' | 'SIGKILL'): Promise<Exit> {
    assert.ok(this.child?.running, `${this.name} is running`);
    this.child.signal(sig);
    return this.child.exited;
  }

  /** the broker's JSON log lines */
  logLines(): Record<string, unknown>[] {
    return this.output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => {
        try {
          return JSON.parse(l) as Record<string, unknown>;
        } catch {
          return {};
        }
      });
  }
}

export interface ClusterOptions {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly nodes?: number;
  /** extra YAML configuration (merged over the cluster's) */
  readonly config?: Record<string, unknown>;
  readonly persons?: readonly LoadPerson[];
}

export interface Cluster {
  /** nginx: the PUBLIC_URL of every node */
  readonly url: string;
  readonly nodes: BrokerNode[];
  readonly dir: string;
  readonly varDir: string;
  readonly outbox: OutboxReader;
  readonly nginxLog: () => Promise<string>;
  /** the node that answered, from nginx's X-Upstream (the last upstream tried) */
  nodeOf(upstream: string | null): BrokerNode | undefined;
  /** a node process started with the cluster's configuration but outside nginx */
  extraNode(name: string): Promise<BrokerNode>;
  close(): Promise<void>;
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pasarela-cluster-'));
  const varDir = path.join(dir, 'var');
  await mkdir(varDir);
  const lbPort = await freePort();
  const url = `http://127.0.0.1:${lbPort}`;
  const demo = JSON.parse(await readFile(path.join(PROJECT_ROOT, 'config/demo-persons.json'), 'utf8')) as unknown[];
  const seed = [
    ...demo,
    ...(opts.persons ?? []).map((p, i) => ({
      documentNumber: p.document,
      documentDate: p.documentDate,
      givenName: 'Carga',
      firstSurname: `Prueba${i}`,
      dateOfBirth: '1990-01-01',
      mobile: p.mobile,
      email: `carga${i}@example.es`,
      registrationLevel: 'advanced',
    })),
  ];
  const seedFile = path.join(dir, 'persons.json');
  await writeFile(seedFile, JSON.stringify(seed));
  const config = {
    host: '127.0.0.1',
    keys: { signingKeyFile: path.join(PROJECT_ROOT, 'tests/fixtures/keys/idp.key'), signingCertFile: path.join(PROJECT_ROOT, 'tests/fixtures/keys/idp.crt') },
    sps: {
      metadataDirs: [path.join(PROJECT_ROOT, 'tests/fixtures/metadata')],
      policies: { [SP1]: { displayName: 'Test service one', dialects: ['eidas', 'clave'] }, [SP2]: { displayName: 'Test service two' } },
    },
    ephemeral: { keyPrefix: `cluster-${randomBytes(4).toString('hex')}:` },
    seedFile,
    ...opts.config,
  };
  const configFile = path.join(dir, 'pasarela.json');
  // YAML is a superset of JSON
  await writeFile(configFile, JSON.stringify(config));
  const env = {
    PASARELA_CONFIG: configFile,
    PUBLIC_URL: url,
    DATABASE_URL: opts.databaseUrl,
    REDIS_URL: opts.redisUrl,
    VAR_DIR: varDir,
    TRUST_PROXY: '127.0.0.1',
    LOG_LEVEL: 'info',
    REGISTRAR_TOKEN,
    PSEUDONYM_SECRET: 'cluster-pseudonym-secret-0123456789',
    CREDENTIAL_SECRET: 'cluster-credential-secret-0123456789abcdef',
  };
  const nodes: BrokerNode[] = [];
  const newNode = async (name: string) => {
    const port = await freePort();
    return new BrokerNode(name, port, { ...env, PORT: String(port) });
  };
  for (let i = 0; i < (opts.nodes ?? 3); i++) nodes.push(await newNode(`node${i + 1}`));
  const extras: BrokerNode[] = [];
  let nginx: Child | undefined;
  const close = async () => {
    await Promise.all([...nodes, ...extras].map((n) => n.child?.stop()));
    await nginx?.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    // together, as a deployment starts them: migrations and seeding must cope
    await Promise.all(nodes.map((n) => n.start()));
    nginx = await startNginx(dir, lbPort, nodes.map((n) => n.port));
  } catch (err) {
    await close();
    throw err;
  }
  return {
    url,
    nodes,
    dir,
    varDir,
    outbox: new OutboxReader(path.join(varDir, 'outbox')),
    nginxLog: () => readFile(path.join(dir, 'nginx', 'error.log'), 'utf8').catch(() => ''),
    nodeOf(upstream) {
      const last = upstream?.split(/[,:]\s*/).at(-1);
      return nodes.find((n) => String(n.port) === last);
    },
    async extraNode(name) {
      const n = await newNode(name);
      extras.push(n);
      return n;
    },
    close,
  };
}

async function startNginx(dir: string, port: number, upstreams: number[]): Promise<Child> {
  const prefix = path.join(dir, 'nginx');
  await mkdir(prefix);
  // No keep-alive to the upstreams (nginx speaks HTTP/1.0 and closes): a node that stops listening
  // then refuses new connections, which nginx retries on the next node for every method, instead of
  // racing a POST onto a kept-alive connection the draining node is closing (not retried for POST).
  const conf = `
${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  upstream brokers {
${upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join('\n')}
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://brokers;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      # A refused connection or an error before any answer moves the request to the next node, for
      # POSTs too (non_idempotent): a node that closes its listener on SIGTERM resets the
      # connections still in its accept queue, after nginx has sent the request on them, and
      # without this those POSTs would end in a 502. Replaying a POST is safe for the broker: every
      # state change is an atomic single-use step in Redis, so a replayed PIN or code is refused
      # as used, never accepted twice.
      proxy_next_upstream error timeout non_idempotent;
      proxy_connect_timeout 2s;
      add_header X-Upstream $upstream_addr always;
    }
  }
}
`;
  const file = path.join(prefix, 'nginx.conf');
  await writeFile(file, conf);
  const child = new Child(spawn('nginx', ['-p', prefix, '-c', file, '-e', path.join(prefix, 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'], detached: true }));
  await until(`nginx on ${port}`, 5000, async () => {
    if (!child.running) throw new Error(`nginx exited:\n${child.output}\n${await readFile(path.join(prefix, 'error.log'), 'utf8').catch(() => '')}`);
    return portOpen(port);
  });
  return child;
}

// ---------------------------------------------------------------------------------------------
// Outbox and browser

/** Reads the shared SMS outbox incrementally: many concurrent logins, one reader. */
export class OutboxReader {
  private offset = 0;
  private readonly byTo = new Map<string, { at: number; code: string }[]>();
  private reading: Promise<void> | undefined;
  constructor(private readonly dir: string) {}

  private refresh(): Promise<void> {
    this.reading ??= (async () => {
      const fh = await open(path.join(this.dir, 'sms.jsonl'), 'r').catch(() => undefined);
      if (!fh) return;
      try {
        const { size } = await fh.stat();
        if (size <= this.offset) return;
        const buf = Buffer.alloc(size - this.offset);
        await fh.read(buf, 0, buf.length, this.offset);
        const text = buf.toString('utf8');
        const end = text.lastIndexOf('\n') + 1;
        this.offset += Buffer.byteLength(text.slice(0, end));
        for (const line of text.slice(0, end).split('\n').filter(Boolean)) {
          const m = JSON.parse(line) as { to: string; code?: string; at: string };
          if (!m.code) continue;
          const list = this.byTo.get(m.to) ?? [];
          list.push({ at: Date.parse(m.at), code: m.code });
          this.byTo.set(m.to, list);
        }
      } finally {
        await fh.close();
      }
    })().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  /** the newest code to `to` written at or after `since`; fails after `ms` */
  async code(to: string, since: number, ms = 3000): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      await this.refresh();
      const hit = this.byTo.get(to)?.filter((m) => m.at >= since).at(-1);
      if (hit) return hit.code;
      if (Date.now() > deadline) throw new Error(`no SMS to ${to} in the outbox within ${ms} ms`);
      await sleep(15);
    }
  }
}

export interface Answer {
  readonly status: number;
  readonly text: string;
  readonly location: string | undefined;
  /** the node nginx passed the request to last ($upstream_addr), or undefined without nginx */
  readonly upstream: string | null;
  readonly headers: Headers;
}

/** A browser: keeps cookies, follows nothing, optionally claims a client address (X-Forwarded-For). */
export class Browser {
  private readonly cookies = new Map<string, string>();
  readonly trail: { method: string; path: string; status: number; upstream: string | null }[] = [];
  constructor(
    readonly base: string,
    readonly clientIp?: string,
  ) {}

  async get(p: string, timeoutMs = 10_000): Promise<Answer> {
    return this.send('GET', p, undefined, timeoutMs);
  }
  async post(p: string, form: Record<string, string>, timeoutMs = 10_000): Promise<Answer> {
    return this.send('POST', p, new URLSearchParams(form).toString(), timeoutMs);
  }

  private async send(method: string, p: string, body: string | undefined, timeoutMs: number): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (this.clientIp) headers['x-forwarded-for'] = this.clientIp;
    const res = await fetch(new URL(p, this.base), { method, body, headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, pair!.slice(i + 1));
    }
    const answer = { status: res.status, text: await res.text(), location: res.headers.get('location') ?? undefined, upstream: res.headers.get('x-upstream'), headers: res.headers };
    this.trail.push({ method, path: p.split('?')[0]!, status: answer.status, upstream: answer.upstream });
    return answer;
  }
}
