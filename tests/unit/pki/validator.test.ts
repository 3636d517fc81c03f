// The CertificateValidator's own work: reading the presented chain (PEM, several PEM blocks, DER,
// garbage), and composing path, qualification, holder and revocation in that order — revocation
// is asked about every certificate below the anchor, and never about a certificate refused
// before it. Trusted lists and revocation are stand-ins here; the integration suites use the real ones.
import assert from 'node:assert/strict';
import type { X509Certificate } from 'node:crypto';
import pino from 'pino';
import { CertificateRejected, type RevocationChecker, type TrustedLists, type TrustService } from '../../../broker/pki/model.js';
import { createCertificateValidator, parsePresented } from '../../../broker/pki/validator.js';
import { SERVICE_STATUS, SERVICE_TYPE } from '../../../broker/pki/trusted-list/index.js';
import { PUBLIC_EMPLOYEE_MEDIUM, createTestPki, type TestPki } from '../../helpers/test-pki.js';

const NOW = new Date();

function rejectedAs(category: string) {
  return (err: unknown) => err instanceof CertificateRejected && err.category === category;
}

describe('pki validator', () => {
  let pki: TestPki;
  const checked: string[] = [];
  const revocation: RevocationChecker = {
    async check(cert: X509Certificate, issuer: X509Certificate) {
      checked.push(`${cert.serialNumber}<${issuer.serialNumber}`);
      if (cert.serialNumber === pki.revokedByOcsp.serialNumber) throw new CertificateRejected('revoked', 'test revocation');
    },
  };
  const listsOf = (anchor: X509Certificate): TrustedLists => {
    const service: TrustService = {
      territory: 'ES', tspName: 'Test TSP', serviceName: 'Test CA', serviceType: SERVICE_TYPE.caQc,
      statusHistory: [{ status: SERVICE_STATUS.granted, from: new Date(NOW.getTime() - 86_400_000 * 400) }],
      certificates: [anchor], subjectNames: [], subjectKeyIdentifiers: [], additionalInformation: [], qualifications: [],
    };
    return { lists: () => [], grantedCaServicesAt: () => [service], staleAt: () => [], refresh: async () => undefined, close: () => undefined };
  };
  const validator = (anchor: X509Certificate) =>
    createCertificateValidator({ trustedLists: listsOf(anchor), revocation, profiles: { publicEmployeePolicyOids: [PUBLIC_EMPLOYEE_MEDIUM], issuers: [] }, log: pino({ level: 'silent' }) });

  before(async () => {
    pki = await createTestPki({ now: NOW });
  });
  beforeEach(() => {
    checked.length = 0;
  });

  describe('parsePresented', () => {
    it('reads PEM, several PEM blocks in one string, DER, and PEM bytes', () => {
      assert.equal(parsePresented([pki.qualifiedPerson.pem]).length, 1);
      assert.equal(parsePresented([pki.qualifiedPerson.pem + pki.intermediate.pem])[1]!.serialNumber, pki.intermediate.serialNumber);
      assert.equal(parsePresented([pki.qualifiedPerson.der])[0]!.serialNumber, pki.qualifiedPerson.serialNumber);
      assert.equal(parsePresented([Buffer.from(pki.qualifiedPerson.pem)])[0]!.serialNumber, pki.qualifiedPerson.serialNumber);
    });
    it('refuses garbage, nothing, too many and oversized certificates as malformed', () => {
      assert.throws(() => parsePresented(['not a certificate']), rejectedAs('malformed'));
      assert.throws(() => parsePresented([Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00])]), rejectedAs('malformed'));
      assert.throws(() => parsePresented(['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----']), rejectedAs('malformed'));
      assert.throws(() => parsePresented([]), rejectedAs('malformed'));
      assert.throws(() => parsePresented(Array.from({ length: 9 }, () => pki.qualifiedPerson.pem)), rejectedAs('malformed'));
      assert.throws(() => parsePresented([Buffer.alloc(20_000, 0x30)]), rejectedAs('malformed'));
    });
  });

  it('accepts a qualified certificate: holder, profile, device, issuer, serial and fingerprint', async () => {
    const accepted = await validator(pki.intermediate.cert).validate([pki.qualifiedPersonSscd.pem], NOW);
    assert.equal(accepted.holder.documentNumber, '12345678Z');
    assert.equal(accepted.profile, 'qualified-natural-person');
    assert.equal(accepted.qualifiedDevice, true);
    assert.match(accepted.issuer, /Issuing CA/);
    assert.equal(accepted.serialNumber, pki.qualifiedPersonSscd.serialNumber);
    assert.equal(accepted.fingerprint256, pki.qualifiedPersonSscd.cert.fingerprint256);
    assert.equal(accepted.territory, 'ES');
  });

  it('asks revocation about every certificate below the anchor: with the root as anchor, the leaf and the issuing CA', async () => {
    await validator(pki.intermediate.cert).validate([pki.qualifiedPerson.pem], NOW);
    assert.deepEqual(checked, [`${pki.qualifiedPerson.serialNumber}<${pki.intermediate.serialNumber}`]);
    checked.length = 0;
    await validator(pki.root.cert).validate([pki.qualifiedPerson.pem, pki.intermediate.pem], NOW);
    assert.deepEqual(checked, [`${pki.qualifiedPerson.serialNumber}<${pki.intermediate.serialNumber}`, `${pki.intermediate.serialNumber}<${pki.root.serialNumber}`]);
  });

  it('passes on the revocation checker refusal', async () => {
    await assert.rejects(validator(pki.intermediate.cert).validate([pki.revokedByOcsp.pem], NOW), rejectedAs('revoked'));
  });

  it('refuses without asking revocation when the certificate fails earlier checks', async () => {
    await assert.rejects(validator(pki.intermediate.cert).validate([pki.nonQualified.pem], NOW), rejectedAs('not-qualified'));
    await assert.rejects(validator(pki.intermediate.cert).validate([pki.unknownIssuer.pem], NOW), rejectedAs('untrusted-issuer'));
    await assert.rejects(validator(pki.intermediate.cert).validate([pki.intermediate.pem], NOW), rejectedAs('wrong-usage'));
    assert.deepEqual(checked, []);
  });
});
