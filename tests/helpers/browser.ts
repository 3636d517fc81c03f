// Browser tests' plumbing: Debian's chromium through playwright-core, with the test host names
// (broker.test, sp.test, sp2.test) mapped to loopback so that broker and service providers are on
// different sites, as they are in production; a throwaway TLS certificate for the broker; and the
// demo SP(s) listening next to it.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { Server } from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { promisify } from 'node:util';
import express from 'express';
import { chromium, type Browser } from 'playwright-core';
import { createDemoSp, listen, type DemoSp, type DemoSpOptions } from '../../examples/demo-sp/server.js';
import { closeServer } from '../../broker/broker.js';
import { deepMerge, type Json } from '../../broker/config.js';
import { startTestBroker, type Overrides, type TestBroker } from './test-broker.js';
import { testCert } from './sign-request.js';
import { freePort } from './processes.js';
export { freePort } from './processes.js';

export const CHROMIUM = '/usr/bin/chromium';

/** One browser for a whole suite; every test opens its own (empty) context. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP broker.test 127.0.0.1, MAP sp.test 127.0.0.1, MAP sp2.test 127.0.0.1, MAP sp3.test 127.0.0.1, MAP app.test 127.0.0.1',
      // the broker's certificate is self-signed and made for this run only
      '--ignore-certificate-errors',
    ],
  });
}

export interface TlsPair {
  readonly key: string;
  readonly cert: string;
}

/** A self-signed TLS certificate for these host names, valid one day, written into `dir`. TEST ONLY. */
export async function throwawayTlsCert(dir: string, hostnames: string[]): Promise<TlsPair> {
  const keyFile = path.join(dir, 'tls.key');
  const certFile = path.join(dir, 'tls.crt');
  await promisify(execFile)('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
    '-keyout', keyFile, '-out', certFile,
    '-subj', `/CN=${hostnames[0]}/O=TEST ONLY`,
    '-addext', `subjectAltName=${hostnames.map((h) => `DNS:${h}`).join(',')}`,
  ]);
  return { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8') };
}


export interface RunningDemoSp extends DemoSp {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/**
 * The demo SP at `url` (http(s)://<name>.test:<port>), listening on loopback, its metadata written
 * into `metadataDir` as the broker's SP registry expects it (reload the broker afterwards). An https
 * URL needs `tls`.
 */
export async function startDemoSp(
  url: string,
  metadataDir: string,
  opts: Omit<DemoSpOptions, 'publicUrl'>,
  tls?: TlsPair,
  /** a middleware in front of the demo SP, to make it behave like another kind of SP */
  front?: express.RequestHandler,
): Promise<RunningDemoSp> {
  const demo = createDemoSp({ ...opts, publicUrl: url });
  const app = front ? express().use(front).use(demo.app) : demo.app;
  await mkdir(metadataDir, { recursive: true });
  await writeFile(path.join(metadataDir, `${new URL(url).hostname}.xml`), demo.metadataXml);
  const port = Number(new URL(url).port);
  let server: Server;
  if (url.startsWith('https:')) {
    if (!tls) throw new Error('an https demo SP needs a TLS key and certificate');
    server = https.createServer({ key: tls.key, cert: tls.cert }, app);
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  } else {
    server = await listen(app, port);
  }
  return { ...demo, url, server, close: () => closeServer(server, 1000) };
}

/** A broker on https://broker.test, the demo SP on https://sp.test, and chromium: the cross-site set-up of the browser suites. */
export interface CrossSiteWorld {
  /** a temporary directory of this world, removed by close() */
  readonly work: string;
  readonly b: TestBroker;
  readonly sp: RunningDemoSp;
  readonly browser: Browser;
  /** chromium, the demo SP, the broker, the directory */
  close(): Promise<void>;
}

export async function startCrossSiteWorld(
  name: string,
  opts: {
    /** the demo SP's attribute dialects */
    readonly dialects: readonly ('eidas' | 'clave' | 'eherkenning')[];
    /** more broker configuration; may write files into `work` first (it knows the SP's URL) */
    readonly overrides?: (ctx: { work: string; spUrl: string }) => Overrides | Promise<Overrides>;
  },
): Promise<CrossSiteWorld> {
  const work = await mkdtemp(path.join(tmpdir(), `pasarela-browser-${name}-`));
  const mdDir = path.join(work, 'sp-metadata');
  await mkdir(mdDir);
  const [tls, spPort] = await Promise.all([throwawayTlsCert(work, ['broker.test', 'sp.test']), freePort()]);
  const spUrl = `https://sp.test:${spPort}`;
  const sps = { metadataDirs: ['tests/fixtures/metadata', mdDir], policies: { [`${spUrl}/metadata`]: { displayName: 'Demo service', dialects: [...opts.dialects] } } };
  const extra = (await opts.overrides?.({ work, spUrl })) ?? {};
  const [b, browser] = await Promise.all([startTestBroker({ https: { ...tls, hostname: 'broker.test' }, overrides: deepMerge({ sps } as Json, extra) }), launchChromium()]);
  const sp = await startDemoSp(spUrl, mdDir, { brokerUrl: b.url, idpCert: testCert('idp') }, tls);
  await b.broker.reload(); // the demo SP's metadata appeared after the start
  return {
    work,
    b,
    sp,
    browser,
    async close() {
      await browser.close();
      await sp.close();
      await b.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}
