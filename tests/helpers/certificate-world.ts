// One world for the certificate connector's suites: the test PKI (tests/helpers/test-pki.ts), its
// CRL served over http and its real `openssl ocsp` responder, a trusted list naming the issuing CA
// as a granted CA/QC service, signed by xmlsec1 (tests/helpers/tsl-builder.ts), and a broker whose
// certificate connector trusts that list. Plus the browser's side of the client-certificate host:
// a Node https request that presents a client certificate.
import http from 'node:http';
import https from 'node:https';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { QCP_N, createTestPki, issueTestCertificate, type TestCertificate, type TestPki } from './test-pki.js';
import { x509 } from '../../broker/pki/x509.js';
import { buildTrustedList } from './tsl-builder.js';
import { startOcspResponder, type OcspResponder } from './ocsp-responder.js';
import { startTestBroker, type StartOptions, type TestBroker, type Overrides } from './test-broker.js';
import { freePort } from './processes.js';
import { deepMerge } from '../../broker/config.js';

const DAY = 86_400_000;

export interface CertificateWorld {
  readonly pki: TestPki;
  readonly broker: TestBroker;
  /** the trusted list's scheme operator (a TEST key) */
  readonly tslSigner: TestCertificate;
  /** the OCSP responder and CRL of the issuing CA, for leaves a suite issues itself */
  readonly ocspUrl: string;
  readonly crlUrl: string;
  close(): Promise<void>;
}

export interface CertificateWorldOptions {
  readonly overrides?: Overrides;
  readonly broker?: Omit<StartOptions, 'overrides'>;
  /** more broker options and configuration, computed with the world's temporary directory */
  readonly prepare?: (dir: string) => Promise<{ broker?: Omit<StartOptions, 'overrides'>; overrides?: Overrides }>;
}

/** A broker with the certificate connector over the test PKI (direct mode unless overridden). */
export async function startCertificateWorld(opts: CertificateWorldOptions = {}): Promise<CertificateWorld> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pasarela-cert-'));
  const prepared = (await opts.prepare?.(dir)) ?? {};
  const crlPort = await freePort();
  const ocspPort = await freePort();
  const now = new Date();
  const ocspUrl = `http://127.0.0.1:${ocspPort}/`;
  const crlUrl = `http://127.0.0.1:${crlPort}/intermediate.crl`;
  const pki = await createTestPki({ now, ocspUrl, crlUrl });
  const crl = await pki.crl();
  const crlServer = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(crl));
  await new Promise<void>((resolve) => crlServer.listen(crlPort, '127.0.0.1', resolve));
  const ocsp: OcspResponder = await startOcspResponder({ pki, port: ocspPort });
  const tslSigner = await issueTestCertificate({ subject: 'CN=Test TSL scheme operator, O=Pasarela tests, C=ES', notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 365 * DAY) });
  const xml = await buildTrustedList(
    {
      territory: 'ES',
      issued: new Date(now.getTime() - DAY),
      nextUpdate: new Date(now.getTime() + 30 * DAY),
      providers: [{ name: 'Test TSP', services: [{ name: 'Test issuing CA', certificates: [pki.intermediate.pem], status: 'granted', statusFrom: new Date(now.getTime() - 365 * DAY), additionalInformation: ['http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/ForeSignatures'] }] }],
    },
    { keyPem: tslSigner.keyPem, certPem: tslSigner.pem },
  );
  await writeFile(path.join(dir, 'ES.xml'), xml);
  await writeFile(path.join(dir, 'signer.crt'), tslSigner.pem);
  const base: Overrides = {
    connectors: { enabled: ['pin', 'certificate'] },
    pki: { trustedLists: [{ source: path.join(dir, 'ES.xml'), signerCertFile: path.join(dir, 'signer.crt') }], revocation: { timeoutMs: 2000 } },
  };
  const overrides = deepMerge(deepMerge(base, opts.overrides ?? {}) as Overrides, prepared.overrides ?? {}) as Overrides;
  const broker = await startTestBroker({ clientCertificates: true, ...opts.broker, ...prepared.broker, overrides });
  return {
    pki,
    broker,
    tslSigner,
    ocspUrl,
    crlUrl,
    async close() {
      await broker.close();
      await ocsp.stop();
      await new Promise<void>((resolve) => crlServer.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface ClientAnswer {
  readonly status: number;
  readonly location: string | undefined;
  readonly body: string;
}

/**
 * A GET to the client-certificate host presenting `leaf` (and `chain`) in the TLS handshake, or no
 * certificate; the development server certificate is self-signed, so the client does not verify it.
 */
export function getWithClientCertificate(url: string, leaf?: TestCertificate, chain: readonly TestCertificate[] = [], init: { method?: string; body?: string; localAddress?: string; headers?: Record<string, string> } = {}): Promise<ClientAnswer> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, {
      method: init.method ?? 'GET',
      rejectUnauthorized: false,
      agent: false,
      ...(leaf ? { key: leaf.keyPem, cert: [leaf.pem, ...chain.map((c) => c.pem)].join('') } : {}),
      headers: { 'accept-language': 'en', ...(init.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...init.headers },
      ...(init.localAddress ? { localAddress: init.localAddress } : {}),
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A qualified natural-person certificate (QcCompliance, esign, QCP-n) of the issuing CA for another holder. */
export function issueQualifiedPerson(world: CertificateWorld, subject: { serialNumber: string; givenName: string; surname: string }): Promise<TestCertificate> {
  const now = world.pki.now;
  return issueTestCertificate({
    subject: [{ '2.5.4.6': ['ES'] }, { '2.5.4.5': [subject.serialNumber] }, { '2.5.4.42': [subject.givenName] }, { '2.5.4.4': [subject.surname] }, { '2.5.4.3': [`${subject.surname} ${subject.givenName}`] }],
    issuer: world.pki.intermediate,
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + 365 * DAY),
    ca: false,
    keyUsage: x509.KeyUsageFlags.digitalSignature,
    extendedKeyUsage: ['1.3.6.1.5.5.7.3.2'],
    policies: [QCP_N],
    qcStatements: { compliance: true, esign: true },
    crlUrl: world.crlUrl,
  });
}
