// Proxy mode through Debian's nginx configured as docs/certificates.md says: a client-certificate
// server block (ssl_verify_client optional_no_ca, the leaf passed as $ssl_client_escaped_cert) and
// a main server block that drops a header a client typed. A Node https client presents a real
// certificate to nginx; the broker decodes nginx's escaping and validates it. A client that types
// the header at the main host gets nothing from it, although nginx is a trusted proxy.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { Agent } from 'supertest';
import { startCertificateWorld, getWithClientCertificate, type CertificateWorld } from '../../helpers/certificate-world.js';
import { newAgent, sendAuthnRequest, statusOf } from '../../helpers/sp-requests.js';
import { csrfOf, txOf } from '../../helpers/flow-driver.js';
import { SP2 } from '../../helpers/test-broker.js';
import { exitOf, freePort } from '../../helpers/processes.js';
import { throwawayTlsCert } from '../../helpers/browser.js';

const HEADER = 'X-SSL-Client-Cert';
const hasNginx = spawnSync('nginx', ['-v']).status === 0;

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => s.destroy() && resolve(true));
    s.once('error', () => resolve(false));
  });
}

(hasNginx || process.env.CI ? describe : describe.skip)('certificate connector behind real nginx (proxy mode)', function () {
  this.timeout(60_000);
  let world: CertificateWorld;
  let nginx: ChildProcess;
  let certPort: number;
  let mainPort: number;
  let nginxDir = '';

  before(async () => {
    [certPort, mainPort] = [await freePort(), await freePort()];
    world = await startCertificateWorld({
      broker: { clientCertificates: false },
      prepare: async (work) => {
        nginxDir = path.join(work, 'nginx');
        return { overrides: { trustProxy: ['127.0.0.1'], connectors: { certificate: { mode: 'proxy', proxyHeader: { name: HEADER, trustedProxies: ['127.0.0.1'] }, clientTls: { publicUrl: `https://127.0.0.1:${certPort}` } } } } };
      },
    });
    await mkdir(nginxDir);
    const tls = await throwawayTlsCert(nginxDir, ['localhost']);
    await writeFile(path.join(nginxDir, 'tls.crt'), tls.cert);
    await writeFile(path.join(nginxDir, 'tls.key'), tls.key, { mode: 0o600 });
    // the acceptable CA names: the trusted list's CA/QC certificate (here the issuing CA, not a root)
    await writeFile(path.join(nginxDir, 'anchors.pem'), world.pki.intermediate.pem);
    const brokerPort = (world.broker.server.address() as { port: number }).port;
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${nginxDir}/${t};`).join('\n  ');
    const conf = `
${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
daemon off;
pid ${nginxDir}/nginx.pid;
error_log ${nginxDir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  ${temp}
  # the client-certificate host
  server {
    listen 127.0.0.1:${certPort} ssl;
    ssl_certificate ${nginxDir}/tls.crt;
    ssl_certificate_key ${nginxDir}/tls.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_verify_client optional_no_ca;
    ssl_client_certificate ${nginxDir}/anchors.pem;
    # nginx itself refuses a certificate it finds expired or otherwise broken (495) even with
    # optional_no_ca: hand it to the broker anyway, which validates and explains
    error_page 495 = @pasarela;
    location / {
      proxy_pass http://127.0.0.1:${brokerPort};
      proxy_set_header Host $host;
      proxy_set_header ${HEADER} $ssl_client_escaped_cert;
    }
    location @pasarela {
      proxy_pass http://127.0.0.1:${brokerPort};
      proxy_set_header Host $host;
      proxy_set_header ${HEADER} $ssl_client_escaped_cert;
    }
  }
  # the main host
  server {
    listen 127.0.0.1:${mainPort};
    location / {
      proxy_pass http://127.0.0.1:${brokerPort};
      proxy_set_header Host $host;
      proxy_set_header ${HEADER} "";
    }
  }
}
`;
    await writeFile(path.join(nginxDir, 'nginx.conf'), conf);
    nginx = spawn('nginx', ['-p', nginxDir, '-c', path.join(nginxDir, 'nginx.conf'), '-e', path.join(nginxDir, 'error.log')], { stdio: 'ignore', detached: true });
    for (let i = 0; i < 100 && !((await portOpen(certPort)) && (await portOpen(mainPort))); i++) {
      if (nginx.exitCode !== null) throw new Error(`nginx exited: ${await readFile(path.join(nginxDir, 'error.log'), 'utf8').catch(() => '')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  after(async () => {
    if (nginx && nginx.exitCode === null) {
      nginx.kill('SIGTERM');
      await exitOf(nginx, 5000);
    }
    await world?.close();
  });

  async function openLogin(): Promise<{ agent: Agent; presentPath: string }> {
    const agent = newAgent(world.broker);
    const start = await sendAuthnRequest(world.broker, agent, { sp: SP2 }).expect(303);
    const tx = txOf(start.headers.location!);
    const csrf = csrfOf((await agent.get(`/login/${tx}`).expect(200)).text);
    await agent.post(`/login/${tx}/choose`).type('form').send({ csrf, method: 'certificate' }).expect(303);
    const page = await agent.get(`/connectors/certificate/${tx}`).expect(200);
    const href = new URL(/id="present" href="([^"]+)"/.exec(page.text)![1]!.replace(/&amp;/g, '&'));
    assert.equal(href.origin, `https://127.0.0.1:${certPort}`);
    return { agent, presentPath: href.pathname + href.search };
  }

  it('a certificate presented to nginx reaches the broker through $ssl_client_escaped_cert: the login succeeds', async () => {
    const { agent, presentPath } = await openLogin();
    const answer = await getWithClientCertificate(`https://127.0.0.1:${certPort}${presentPath}`, world.pki.qualifiedPersonSscd);
    assert.equal(answer.status, 303, answer.body + (await readFile(path.join(nginxDir, 'error.log'), 'utf8').catch(() => '')));
    const back = new URL(answer.location!);
    const done = await agent.get(back.pathname + back.search).expect(200);
    assert.equal(statusOf(done.text).top, 'Success');
  });

  it('nginx lets a bad certificate through to the broker, which shows its own refusal page (expired)', async () => {
    const { agent, presentPath } = await openLogin();
    const answer = await getWithClientCertificate(`https://127.0.0.1:${certPort}${presentPath}`, world.pki.expired, [world.pki.intermediate]);
    assert.equal(answer.status, 303, answer.body);
    const back = new URL(answer.location!);
    const page = await agent.get(back.pathname + back.search).set('Accept-Language', 'en').expect(403);
    assert.match(page.text, /The certificate has expired/);
  });

  it('a header typed at the main host is dropped by nginx: no certificate', async () => {
    const { agent, presentPath } = await openLogin();
    const answer = await new Promise<{ status: number; location: string | undefined }>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: mainPort, path: presentPath, headers: { [HEADER]: encodeURIComponent(world.pki.qualifiedPerson.pem) } }, (res) => {
        res.resume().on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
      }).on('error', reject);
    });
    assert.equal(answer.status, 303);
    const back = new URL(answer.location!);
    const page = await agent.get(back.pathname + back.search).set('Accept-Language', 'en').expect(403);
    assert.match(page.text, /Your browser presented no certificate/);
  });
});
