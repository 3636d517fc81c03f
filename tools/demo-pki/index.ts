// `npm start`'s demo PKI under varDir/demo-pki/: a demo root and qualified issuing CA, a client
// certificate for the advanced demo person (QcCompliance + QcSSCD + QcType esign, so a login with
// it reaches rung 4) as PKCS#12 for the browser, and at every start a freshly signed trusted list
// naming the issuing CA as a granted CA/QC service and a fresh CRL, served on a local port (the
// certificate's CRL distribution point), so revocation works offline. The keys are generated once
// and are DEMO keys: nothing outside this laptop trusts them.
import { execFile } from 'node:child_process';
import { randomBytes, webcrypto, KeyObject, createPrivateKey } from 'node:crypto';
import { mkdir, readFile, writeFile, access } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { AsnConvert } from '@peculiar/asn1-schema';
import { QCStatement, QCStatements, id_pe_qcStatements } from '@peculiar/asn1-x509-qualified';
import { QcType, id_etsi_qcs_qcCompliance, id_etsi_qcs_qcSSCD, id_etsi_qcs_qcType, id_etsi_qct_esign } from '@peculiar/asn1-x509-qualified-etsi';
import { x509 } from '../../broker/pki/x509.js';
import { varPath, PROJECT_ROOT, type Config } from '../../broker/config.js';
import { signedDemoList } from './trusted-list.js';

const run = promisify(execFile);
const DAY = 86_400_000;
const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const EC_SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as const;
/** ETSI EN 319 411-2 QCP-n-qscd: a qualified certificate of a natural person on a qualified device */
const QCP_N_QSCD = '0.4.0.194112.1.2';

interface Pair { readonly certPem: string; readonly keyPem: string }
interface Manifest { readonly document: string; readonly holder: string; readonly password: string; readonly crlUrl: string }

export interface DemoPki {
  /** pki.trustedLists for `npm start`: the configured ones and the demo list */
  readonly trustedLists: readonly { readonly source: string; readonly signerCertFile: string }[];
  readonly lines: readonly string[];
  close(): Promise<void>;
}

async function newKeys(alg: typeof EC | typeof RSA): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
}

function keyPemOf(keys: CryptoKeyPair): string {
  return KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }) as string;
}

/** an ECDSA P-256 private key from its PKCS#8 PEM, for WebCrypto signing */
function importEcKey(keyPem: string): Promise<CryptoKey> {
  const der = createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' });
  return webcrypto.subtle.importKey('pkcs8', der, EC, true, ['sign']) as Promise<CryptoKey>;
}

function qcStatements(): x509.Extension {
  const statement = (id: string, info?: ArrayBuffer) => {
    const s = Object.assign(new QCStatement(), { statementId: id });
    // an absent statementInfo must be no property at all, or the encoder writes an empty one
    if (info) s.statementInfo = info;
    else Reflect.deleteProperty(s, 'statementInfo');
    return s;
  };
  const list = new QCStatements([statement(id_etsi_qcs_qcCompliance), statement(id_etsi_qcs_qcSSCD), statement(id_etsi_qcs_qcType, AsnConvert.serialize(new QcType([id_etsi_qct_esign])))]);
  return new x509.Extension(id_pe_qcStatements, false, AsnConvert.serialize(list));
}

async function issue(p: { subject: string | x509.JsonNameParams; keys: CryptoKeyPair; issuer?: { cert: x509.X509Certificate; key: CryptoKey }; days: number; extensions: x509.Extension[]; now: Date }): Promise<x509.X509Certificate> {
  const subject = new x509.Name(p.subject);
  return x509.X509CertificateGenerator.create({
    serialNumber: '01' + randomBytes(15).toString('hex'),
    subject,
    issuer: p.issuer ? p.issuer.cert.subjectName : subject,
    notBefore: new Date(p.now.getTime() - DAY),
    notAfter: new Date(p.now.getTime() + p.days * DAY),
    signingAlgorithm: p.keys.privateKey.algorithm.name === 'ECDSA' || p.issuer ? EC_SIGNING : RSA,
    publicKey: p.keys.publicKey,
    signingKey: p.issuer?.key ?? p.keys.privateKey,
    extensions: [
      await x509.SubjectKeyIdentifierExtension.create(p.keys.publicKey),
      ...(p.issuer ? [await x509.AuthorityKeyIdentifierExtension.create(await p.issuer.cert.publicKey.export())] : []),
      ...p.extensions,
    ],
  });
}

/** The advanced demo person of the seed file, whose certificate the demo issues. */
async function demoHolder(cfg: Config): Promise<{ documentNumber: string; givenName: string; firstSurname: string; secondSurname?: string }> {
  const seed = JSON.parse(await readFile(path.resolve(PROJECT_ROOT, cfg.seedFile ?? 'config/demo-persons.json'), 'utf8')) as { documentNumber: string; documentDate?: string; givenName: string; firstSurname: string; secondSurname?: string; registrationLevel: string }[];
  const holder = seed.find((p) => p.registrationLevel === 'advanced' && p.documentDate);
  if (!holder) throw new Error('the seed file has no advanced demo person with a DNI');
  return holder;
}

async function generate(cfg: Config, dir: string, now: Date): Promise<void> {
  const rootKeys = await newKeys(EC);
  const root = await issue({ subject: 'C=ES, O=Pasarela DEMO, CN=Pasarela DEMO Root CA', keys: rootKeys, days: 3650, now, extensions: [new x509.BasicConstraintsExtension(true, 1, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)] });
  const caKeys = await newKeys(EC);
  const ca = await issue({ subject: 'C=ES, O=Pasarela DEMO, CN=Pasarela DEMO Qualified Issuing CA', keys: caKeys, issuer: { cert: root, key: rootKeys.privateKey }, days: 1825, now, extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)] });
  const signerKeys = await newKeys(RSA);
  const signer = await issue({ subject: 'C=ES, O=Pasarela DEMO, CN=Pasarela DEMO trusted list scheme operator', keys: signerKeys, days: 1095, now, extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true)] });
  const holder = await demoHolder(cfg);
  const surnames = [holder.firstSurname, holder.secondSurname].filter(Boolean).join(' ').toUpperCase();
  const personKeys = await newKeys(EC);
  // the CRL's port is written into the certificate: DEMO_CRL_PORT when it is generated
  const crlUrl = `http://127.0.0.1:${Number(process.env.DEMO_CRL_PORT ?? 8087)}/demo-ca.crl`;
  const person = await issue({
    subject: [{ '2.5.4.6': ['ES'] }, { '2.5.4.5': [`IDCES-${holder.documentNumber}`] }, { '2.5.4.42': [holder.givenName.toUpperCase()] }, { '2.5.4.4': [surnames] }, { '2.5.4.3': [`${surnames} ${holder.givenName.toUpperCase()} - ${holder.documentNumber} (DEMO)`] }],
    keys: personKeys,
    issuer: { cert: ca, key: caKeys.privateKey },
    days: 730,
    now,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth, x509.ExtendedKeyUsage.emailProtection]),
      new x509.CertificatePolicyExtension([QCP_N_QSCD]),
      qcStatements(),
      new x509.CRLDistributionPointsExtension([crlUrl]),
    ],
  });
  const files: Record<string, Pair> = {
    root: { certPem: root.toString('pem') + '\n', keyPem: keyPemOf(rootKeys) },
    ca: { certPem: ca.toString('pem') + '\n', keyPem: keyPemOf(caKeys) },
    'tsl-signer': { certPem: signer.toString('pem') + '\n', keyPem: keyPemOf(signerKeys) },
    person: { certPem: person.toString('pem') + '\n', keyPem: keyPemOf(personKeys) },
  };
  for (const [name, pair] of Object.entries(files)) {
    await writeFile(path.join(dir, `${name}.crt`), pair.certPem);
    await writeFile(path.join(dir, `${name}.key`), pair.keyPem, { mode: 0o600 });
  }
  // The browser imports a PKCS#12 (AES-256, SHA-256 MAC) with the chain; openssl is the one tool
  // that writes it the way Chromium and Firefox both read.
  const password = randomBytes(6).toString('base64url');
  await run('openssl', ['pkcs12', '-export', '-in', path.join(dir, 'person.crt'), '-inkey', path.join(dir, 'person.key'), '-certfile', path.join(dir, 'ca.crt'),
    '-name', `Pasarela DEMO ${holder.givenName} ${holder.firstSurname}`, '-out', path.join(dir, 'person.p12'), '-passout', `pass:${password}`,
    '-keypbe', 'AES-256-CBC', '-certpbe', 'AES-256-CBC', '-macalg', 'sha256']).catch((err: unknown) => {
    throw new Error(`openssl pkcs12 -export failed (the demo client certificate needs openssl): ${(err as Error).message}`);
  });
  const manifest: Manifest = { document: holder.documentNumber, holder: `${holder.givenName} ${holder.firstSurname}`, password, crlUrl };
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 });
}

/** An empty CRL of the demo issuing CA, valid a week from now. */
async function freshCrl(dir: string, now: Date): Promise<Buffer> {
  const ca = new x509.X509Certificate(await readFile(path.join(dir, 'ca.crt'), 'utf8'));
  const key = await importEcKey(await readFile(path.join(dir, 'ca.key'), 'utf8'));
  const crl = await x509.X509CrlGenerator.create({
    issuer: ca.subjectName,
    thisUpdate: new Date(now.getTime() - 60_000),
    nextUpdate: new Date(now.getTime() + 7 * DAY),
    signingAlgorithm: EC_SIGNING,
    signingKey: key,
    entries: [],
  });
  return Buffer.from(crl.rawData);
}

/**
 * Creates the demo PKI once, then at every start re-signs the trusted list (issued now, next
 * update in 30 days) and serves a fresh CRL on DEMO_CRL_PORT.
 */
export async function prepareDemoPki(cfg: Config, now = new Date()): Promise<DemoPki> {
  const dir = varPath(cfg, 'demo-pki');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const manifestFile = path.join(dir, 'manifest.json');
  if (!(await access(manifestFile).then(() => true, () => false))) await generate(cfg, dir, now);
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as Manifest;
  const ca = await readFile(path.join(dir, 'ca.crt'), 'utf8');
  const signer = { certPem: await readFile(path.join(dir, 'tsl-signer.crt'), 'utf8'), keyPem: await readFile(path.join(dir, 'tsl-signer.key'), 'utf8') };
  const list = signedDemoList({ issued: now, nextUpdate: new Date(now.getTime() + 30 * DAY), sequenceNumber: Math.floor(now.getTime() / 60_000), caPem: ca, caFrom: new Date(new x509.X509Certificate(ca).notBefore) }, signer, now);
  await writeFile(path.join(dir, 'ES-demo.xml'), list);
  const crl = await freshCrl(dir, now);
  const crlServer = http.createServer((req, res) => {
    if (req.url === '/demo-ca.crl') res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(crl);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    crlServer.once('error', reject);
    // the port written into the certificate when it was generated
    crlServer.listen(Number(new URL(manifest.crlUrl).port), '127.0.0.1', resolve);
  });
  const rel = (f: string) => path.relative(PROJECT_ROOT, path.join(dir, f));
  return {
    trustedLists: [...cfg.pki.trustedLists, { source: rel('ES-demo.xml'), signerCertFile: rel('tsl-signer.crt') }],
    lines: [
      `  Certificate       ${path.join(dir, 'person.p12')} (password ${manifest.password}): ${manifest.holder}, ${manifest.document}, on a "qualified device" (rung 4)`,
      `                    import it into the browser (README "Logging in with a certificate"); CRL served at ${manifest.crlUrl}`,
    ],
    close: () => new Promise<void>((resolve) => crlServer.close(() => resolve())),
  };
}
