// docker-compose.example.yml, deploy/nginx.conf and deploy/pasarela.yaml stay consistent with the
// broker they start: the variables the nodes set are ones the configuration reads, the
// configuration file validates, nginx proxies to every node on the port the image listens on, and
// the shared outbox is where the image's VAR_DIR puts it. (No Docker here: this checks the files.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ENV_VARIABLES, PROJECT_ROOT, loadConfig } from '../../../broker/config.js';

const read = (f: string) => readFileSync(path.join(PROJECT_ROOT, f), 'utf8');
const compose = parse(read('docker-compose.example.yml'), { merge: true }) as {
  services: Record<string, { build?: string; environment?: Record<string, string>; volumes?: string[]; ports?: string[] }>;
};
const nodes = Object.entries(compose.services).filter(([, s]) => s.build === '.');

describe('docker-compose.example.yml', () => {
  it('runs two broker nodes built from the Dockerfile, with the same environment', () => {
    assert.equal(nodes.length, 2);
    assert.deepEqual(nodes[0]![1].environment, nodes[1]![1].environment);
  });

  it('sets only variables the broker reads', () => {
    const known = new Set([...ENV_VARIABLES.map((v) => v.name), 'PASARELA_CONFIG']);
    for (const name of Object.keys(nodes[0]![1].environment ?? {})) assert.ok(known.has(name), `${name} is not read by broker/config.ts`);
    for (const needed of ['PUBLIC_URL', 'DATABASE_URL', 'REDIS_URL', 'PSEUDONYM_SECRET', 'CREDENTIAL_SECRET', 'TRUST_PROXY']) assert.ok(needed in nodes[0]![1].environment!, needed);
  });

  it('gives the nodes a configuration file that validates, with the key files it mounts', () => {
    const env = nodes[0]![1].environment!;
    const volumes = nodes[0]![1].volumes ?? [];
    const mounted = (inside: string) => volumes.find((v) => v.split(':')[1] === inside)?.split(':')[0];
    const configFile = mounted(env.PASARELA_CONFIG!);
    assert.ok(configFile, 'PASARELA_CONFIG is a mounted file');
    const cfg = loadConfig({ PASARELA_CONFIG: path.join(PROJECT_ROOT, configFile), PUBLIC_URL: 'http://localhost:8080', PSEUDONYM_SECRET: 'x'.repeat(32), CREDENTIAL_SECRET: 'y'.repeat(32) });
    const keyDir = path.posix.dirname(cfg.keys.signingKeyFile!);
    assert.equal(path.posix.dirname(cfg.keys.signingCertFile!), keyDir);
    assert.ok(mounted(keyDir), `the key directory ${keyDir} is mounted`);
    for (const dir of cfg.sps.metadataDirs) assert.ok(mounted(dir), `the SP metadata directory ${dir} is mounted`);
    assert.equal(cfg.seedFile, null, 'no demo persons in a deployment');
  });

  it('shares the outbox where the image keeps it', () => {
    const varDir = /ENV [^\n]*VAR_DIR=(\S+)/.exec(read('Dockerfile'))?.[1];
    assert.ok(varDir);
    const volumes = nodes.map(([, s]) => (s.volumes ?? []).find((v) => v.startsWith('outbox:')));
    for (const v of volumes) assert.equal(v, `outbox:${varDir}/outbox`);
  });

  it('puts nginx round robin over exactly these nodes, on the port the image listens on', () => {
    const conf = read('deploy/nginx.conf');
    const port = /EXPOSE (\d+)/.exec(read('Dockerfile'))?.[1];
    const servers = [...conf.matchAll(/^\s*server\s+([\w-]+):(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`).sort();
    assert.deepEqual(servers, nodes.map(([name]) => `${name}:${port}`).sort());
    assert.doesNotMatch(conf, /ip_hash|sticky|hash /, 'no stickiness: any node serves any step');
    assert.match(conf, /proxy_set_header X-Forwarded-For/);
    assert.deepEqual(compose.services.nginx?.ports, ['8080:80']);
  });
});
