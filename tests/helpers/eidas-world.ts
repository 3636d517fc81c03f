// A broker whose eIDAS connector talks to the independent Python test node in HTTP mode
// (tests/helpers/foreign-node.ts), and the browser's side of an eIDAS login driven over HTTP:
// SP → broker selector → country page → node /sso → our ACS → the hop → the SP's ACS.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Agent } from 'supertest';
import { startForeignNodeServer, type ForeignNodeServer } from './foreign-node.js';
import { startTestBroker, SP1, type TestBroker } from './test-broker.js';
import type { Json } from '../../broker/config.js';
import { csrfOf, readPostForm, txOf, type PostForm } from './flow-driver.js';
import { newAgent, sendAuthnRequest, type SpSend } from './sp-requests.js';

export const LOA = (level: 'low' | 'substantial' | 'high') => `http://eidas.europa.eu/LoA/${level}`;

export interface EidasWorld {
  readonly broker: TestBroker;
  readonly node: ForeignNodeServer;
  /** PEM of our request-signing and metadata-signing certificates */
  readonly requestCertPem: string;
  readonly metadataCertPem: string;
  close(): Promise<void>;
}

function opensslPair(dir: string, name: string, kind: 'rsa' | 'ec'): { key: string; cert: string } {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.crt`);
  const newkey = kind === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:3072'];
  execFileSync('openssl', ['req', '-x509', ...newkey, '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=TEST pasarela eidas ${name}`], { stdio: 'pipe' });
  return { key, cert };
}

export interface EidasNodeSetup {
  readonly node: ForeignNodeServer;
  /** connectors.eidas: our key files and country DE = the node */
  readonly eidas: Json;
  readonly requestCertPem: string;
  readonly metadataCertPem: string;
}

/**
 * Our connector's keys (openssl) and the node, which is given our certificates directly; country
 * DE = the node's metadata URL, trusted through the node's metadata certificate. Files go to `dir`.
 */
export async function startEidasNode(dir: string, requestKey: 'rsa' | 'ec' = 'rsa'): Promise<EidasNodeSetup> {
  const request = opensslPair(dir, 'request', requestKey);
  const encryption = opensslPair(dir, 'encryption', 'rsa');
  // EC: Debian's xmlsec1 can then verify our metadata (it knows no RSA-PSS)
  const metadata = opensslPair(dir, 'metadata', 'ec');
  const requestCertPem = readFileSync(request.cert, 'utf8');
  // RSASSA-PSS, as eIDAS asks: PKCS#1 v1.5 is not accepted from a country that does not list it
  const node = await startForeignNodeServer({ spSigningCertificates: [requestCertPem], encryptTo: readFileSync(encryption.cert, 'utf8'), response: { signatureAlgorithm: 'rsa-pss-sha256' } });
  writeFileSync(path.join(dir, 'node-metadata.crt'), node.certs.metadata);
  const eidas: Json = {
    requestSigningKeyFile: request.key,
    requestSigningCertFile: request.cert,
    encryptionKeyFile: encryption.key,
    encryptionCertFile: encryption.cert,
    metadataSigningKeyFile: metadata.key,
    metadataSigningCertFile: metadata.cert,
    countries: [{ code: 'DE', name: 'Deutschland', metadata: node.metadataUrl, metadataSigningCertFile: path.join(dir, 'node-metadata.crt') }],
  };
  return { node, eidas, requestCertPem, metadataCertPem: readFileSync(metadata.cert, 'utf8') };
}

/** The node, then a test broker whose eIDAS connector has country DE = the node. */
export async function startEidasWorld(opts: { requestKey?: 'rsa' | 'ec'; personCacheSeconds?: number; stores?: 'embedded' | 'real'; log?: Logger } = {}): Promise<EidasWorld> {
  const dir = mkdtempSync(path.join(tmpdir(), 'eidas-world-'));
  const setup = await startEidasNode(dir, opts.requestKey);
  const broker = await startTestBroker({
    ...(opts.stores ? { stores: opts.stores } : {}),
    ...(opts.log ? { log: opts.log } : {}),
    overrides: { connectors: { enabled: ['pin', 'eidas'], eidas: setup.eidas }, ...(opts.personCacheSeconds === undefined ? {} : { flow: { personCacheSeconds: opts.personCacheSeconds } }) },
  });
  return {
    broker,
    node: setup.node,
    requestCertPem: setup.requestCertPem,
    metadataCertPem: setup.metadataCertPem,
    async close() {
      await broker.close();
      await setup.node.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface EidasLogin {
  readonly agent: Agent;
  readonly tx: string;
  /** the broker's answer to the SP (a POST form page), or whatever page ended the login */
  readonly final: { status: number; text: string; headers: Record<string, string> };
}

/** From the SP's AuthnRequest to the node's form, stopping before the node: the form to post to it. */
export async function startEidasLogin(w: EidasWorld, send: SpSend = {}): Promise<{ agent: Agent; tx: string; toNode: PostForm }> {
  const agent = newAgent(w.broker);
  const start = await sendAuthnRequest(w.broker, agent, { sp: SP1, ...send }).expect(303);
  const tx = txOf(start.headers.location!);
  const csrf = csrfOf((await agent.get(`/login/${tx}`).expect(200)).text);
  await agent.post(`/login/${tx}/choose`).type('form').send({ csrf, method: 'eidas' }).expect(303).expect('location', `/connectors/eidas/${tx}`);
  const page = await agent.get(`/connectors/eidas/${tx}`).expect(200);
  assert.match(page.text, /name="country" value="DE"/);
  const sent = await agent.post(`/connectors/eidas/${tx}/country`).type('form').send({ csrf, country: 'DE' }).expect(200);
  return { agent, tx, toNode: readPostForm(sent.text) };
}

/** The browser posts the node's form, and our ACS's hop; returns the broker's last page. */
export async function finishEidasLogin(w: EidasWorld, login: { agent: Agent; tx: string; toNode: PostForm }): Promise<EidasLogin> {
  const { agent, tx, toNode } = login;
  assert.equal(toNode.action, w.node.ssoUrl);
  const nodeAnswer = await fetch(toNode.action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(toNode.fields).toString() });
  const nodePage = await nodeAnswer.text();
  assert.equal(nodeAnswer.status, 200, nodePage);
  const toAcs = readPostForm(nodePage);
  assert.equal(toAcs.action, `${w.broker.url}/connectors/eidas/acs`);
  // The node's cross-site POST carries no cookie of ours: post it from a cookie-less client.
  const hop = await newAgent(w.broker).post('/connectors/eidas/acs').type('form').send(toAcs.fields).expect(200);
  const back = readPostForm(hop.text);
  assert.equal(back.action, `${w.broker.url}/connectors/eidas/${tx}/response`);
  const final = await agent.post(`/connectors/eidas/${tx}/response`).type('form').send(back.fields);
  return { agent, tx, final: { status: final.status, text: final.text, headers: final.headers as Record<string, string> } };
}

export async function eidasLogin(w: EidasWorld, send: SpSend = {}): Promise<EidasLogin> {
  return finishEidasLogin(w, await startEidasLogin(w, send));
}
