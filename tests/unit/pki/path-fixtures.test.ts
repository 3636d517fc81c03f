// The test PKI (tests/helpers/test-pki.ts) is what every certificate test stands on, so it is
// checked here by tools we did not write: OpenSSL verifies its chains and reads its PKCS#12.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { AsnConvert } from '@peculiar/asn1-schema';
import { QCStatements, id_pe_qcStatements } from '@peculiar/asn1-x509-qualified';
import { id_etsi_qcs_qcCompliance, id_etsi_qcs_qcSSCD, id_etsi_qcs_qcType } from '@peculiar/asn1-x509-qualified-etsi';
import { x509 } from '../../../broker/pki/x509.js';
import { createTestPki, toPkcs12, type TestCertificate, type TestPki } from '../../helpers/test-pki.js';

const run = promisify(execFile);

describe('the test PKI, as OpenSSL sees it', () => {
  let pki: TestPki;
  let dir: string;
  const now = new Date();
  before(async () => {
    pki = await createTestPki({ now, ocspUrl: 'http://127.0.0.1:1/ocsp', crlUrl: 'http://127.0.0.1:1/ca.crl' });
    dir = await mkdtemp(path.join(os.tmpdir(), 'pasarela-test-pki-'));
    await writeFile(path.join(dir, 'root.pem'), pki.root.pem);
    await writeFile(path.join(dir, 'issuing.pem'), pki.intermediate.pem);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function opensslVerify(leaf: TestCertificate): Promise<string> {
    await writeFile(path.join(dir, 'leaf.pem'), leaf.pem);
    const r = await run('openssl', ['verify', '-purpose', 'sslclient', '-CAfile', 'root.pem', '-untrusted', 'issuing.pem', 'leaf.pem'], { cwd: dir }).catch((e: { stdout: string; stderr: string }) => e);
    return r.stdout + r.stderr;
  }

  it('verifies the chains of the valid leaves for client authentication', async () => {
    for (const leaf of [pki.qualifiedPerson, pki.qualifiedPersonSscd, pki.publicEmployee, pki.nonQualified, pki.revokedByOcsp, pki.revokedByCrl]) {
      assert.match(await opensslVerify(leaf), /leaf.pem: OK/);
    }
  });
  it('refuses the expired, the not yet valid and the unknown issuer\'s leaves', async () => {
    assert.match(await opensslVerify(pki.expired), /certificate has expired/);
    assert.match(await opensslVerify(pki.notYetValid), /certificate is not yet valid/);
    assert.match(await opensslVerify(pki.unknownIssuer), /unable to get local issuer certificate/);
  });
  it('QcStatements: QcCompliance and QcType esign on the qualified leaves, QcSSCD only on the DNIe-style one', () => {
    const statements = (c: TestCertificate): string[] => {
      const ext = new x509.X509Certificate(c.pem).getExtension(id_pe_qcStatements);
      return ext ? Array.from(AsnConvert.parse(ext.value, QCStatements), (s) => s.statementId) : [];
    };
    assert.deepEqual(statements(pki.qualifiedPerson), [id_etsi_qcs_qcCompliance, id_etsi_qcs_qcType]);
    assert.deepEqual(statements(pki.qualifiedPersonSscd), [id_etsi_qcs_qcCompliance, id_etsi_qcs_qcSSCD, id_etsi_qcs_qcType]);
    assert.deepEqual(statements(pki.publicEmployee), [id_etsi_qcs_qcCompliance]);
    assert.deepEqual(statements(pki.nonQualified), []);
  });
  it('the DNIe-style subject carries the bare DNI and the "SURNAMES, NAME (AUTENTICACIÓN)" CN', () => {
    const subject = pki.qualifiedPersonSscd.cert.subject.split('\n');
    assert.ok(subject.includes('serialNumber=12345678Z'));
    assert.ok(subject.includes('CN=GARCÍA LÓPEZ\\, JUAN (AUTENTICACIÓN)'));
  });
  it('toPkcs12 gives a PKCS#12 OpenSSL opens with the password, holding the leaf and its key', async () => {
    await writeFile(path.join(dir, 'leaf.p12'), await toPkcs12(pki.qualifiedPerson, 'TEST-password', [pki.intermediate]));
    const { stdout } = await run('openssl', ['pkcs12', '-in', 'leaf.p12', '-passin', 'pass:TEST-password', '-nodes'], { cwd: dir });
    assert.match(stdout, /subject=C = ES, serialNumber = IDCES-12345678Z/);
    assert.match(stdout, /subject=C = ES, O = Pasarela TEST, CN = Pasarela TEST Qualified Issuing CA/);
    assert.match(stdout, /-----BEGIN PRIVATE KEY-----/);
    await assert.rejects(run('openssl', ['pkcs12', '-in', 'leaf.p12', '-passin', 'pass:wrong', '-nodes'], { cwd: dir }));
  });
});
