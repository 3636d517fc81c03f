// Qualification is decided from the trusted-list service entry together with the certificate:
// each case changes one side and expects the decision to follow the rule of broker/pki/qualification.ts.
import assert from 'node:assert/strict';
import { CertificateRejected, type ServiceQualification, type TrustService } from '../../../broker/pki/model.js';
import { qualify, readStatements, type CertificateStatements } from '../../../broker/pki/qualification.js';
import { SERVICE_STATUS, SERVICE_TYPE } from '../../../broker/pki/trusted-list/index.js';
import { PUBLIC_EMPLOYEE_HIGH, PUBLIC_EMPLOYEE_MEDIUM, QCP_N, createTestPki, type TestPki } from '../../helpers/test-pki.js';

const EXT = 'http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/';
const CA_QC = SERVICE_TYPE.caQc;
const GRANTED = SERVICE_STATUS.granted;
const WITHDRAWN = 'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/withdrawn';
const AT = new Date('2026-06-01T00:00:00Z');
const OPTS = { publicEmployeePolicyOids: [PUBLIC_EMPLOYEE_HIGH, PUBLIC_EMPLOYEE_MEDIUM] };

function service(over: Partial<TrustService> = {}): TrustService {
  return {
    territory: 'ES', tspName: 'Test TSP', serviceName: 'Test CA/QC', serviceType: CA_QC,
    statusHistory: [{ status: GRANTED, from: new Date('2020-01-01T00:00:00Z') }],
    certificates: [], subjectNames: [], subjectKeyIdentifiers: [],
    additionalInformation: [`${EXT}ForeSignatures`], qualifications: [],
    ...over,
  };
}

function statements(over: Partial<CertificateStatements> = {}): CertificateStatements {
  return { qcCompliance: true, qcSscd: false, qcTypes: ['0.4.0.1862.1.6.1'], policies: [QCP_N], keyUsage: ['digitalSignature'], ...over };
}

const qualification = (qualifiers: string[], q: Partial<ServiceQualification> = {}): ServiceQualification => ({
  qualifiers: qualifiers.map((n) => EXT + n), assert: 'atLeastOne', policyOids: [QCP_N], keyUsage: [], ...q,
});

function rejected(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof CertificateRejected);
    assert.equal(err.category, 'not-qualified');
    return err.detail;
  }
  assert.fail('expected not-qualified');
}

describe('pki qualification', () => {
  let pki: TestPki;
  before(async () => {
    pki = await createTestPki({ now: AT });
  });

  describe('what the certificate says', () => {
    it('reads QcCompliance, QcSSCD, QcType esign, policies and key usage from the test certificates', () => {
      const plain = readStatements(pki.qualifiedPerson.cert);
      assert.deepEqual([plain.qcCompliance, plain.qcSscd, plain.qcTypes], [true, false, ['0.4.0.1862.1.6.1']]);
      assert.ok(plain.policies.includes(QCP_N));
      assert.ok(plain.keyUsage.includes('digitalSignature'));
      assert.equal(readStatements(pki.qualifiedPersonSscd.cert).qcSscd, true);
      const none = readStatements(pki.nonQualified.cert);
      assert.deepEqual([none.qcCompliance, none.qcSscd, none.qcTypes], [false, false, []]);
      assert.ok(readStatements(pki.publicEmployee.cert).policies.includes(PUBLIC_EMPLOYEE_MEDIUM));
    });
  });

  describe('the service decides', () => {
    it('a qualified certificate under a granted CA/QC e-signature service is a qualified natural person, software', () => {
      assert.deepEqual(qualify(statements(), service(), AT, OPTS), { profile: 'qualified-natural-person', qualifiedDevice: false });
    });
    it('QcSSCD in the certificate makes a qualified device', () => {
      assert.deepEqual(qualify(statements({ qcSscd: true }), service(), AT, OPTS), { profile: 'qualified-natural-person', qualifiedDevice: true });
    });
    it('QcCompliance under a service that is not CA/QC is not qualified', () => {
      assert.match(rejected(() => qualify(statements(), service({ serviceType: 'http://uri.etsi.org/TrstSvc/Svctype/CA/PKC' }), AT, OPTS)), /CA\/PKC with status .*granted: not a granted CA\/QC/);
    });
    it('QcCompliance under a service withdrawn at the validation time is not qualified', () => {
      const history = [{ status: WITHDRAWN, from: new Date('2026-01-01T00:00:00Z') }, { status: GRANTED, from: new Date('2020-01-01T00:00:00Z') }];
      assert.match(rejected(() => qualify(statements(), service({ statusHistory: history }), AT, OPTS)), /withdrawn: not a granted/);
      // …but was qualified at a validation time before the withdrawal
      assert.equal(qualify(statements(), service({ statusHistory: history }), new Date('2025-06-01T00:00:00Z'), OPTS).profile, 'qualified-natural-person');
    });
    it('a service granted then as another service type does not count', () => {
      const history = [{ status: GRANTED, from: new Date('2020-01-01T00:00:00Z'), serviceType: 'http://uri.etsi.org/TrstSvc/Svctype/CA/PKC' }];
      assert.match(rejected(() => qualify(statements(), service({ statusHistory: history }), AT, OPTS)), /CA\/PKC with status .*granted: not a granted CA\/QC/);
    });
    it('a service for e-seals only is not for e-signatures', () => {
      assert.match(rejected(() => qualify(statements(), service({ additionalInformation: [`${EXT}ForeSeals`] }), AT, OPTS)), /not for electronic signatures/);
      // no "For…" entry at all: an older list, read as e-signatures
      assert.equal(qualify(statements(), service({ additionalInformation: [] }), AT, OPTS).profile, 'qualified-natural-person');
    });
    it('QCNoSSCD of a matching qualification overrides QcSSCD in the certificate', () => {
      const svc = service({ qualifications: [qualification(['QCNoSSCD'])] });
      assert.equal(qualify(statements({ qcSscd: true }), svc, AT, OPTS).qualifiedDevice, false);
      // criteria that do not match the certificate do not apply
      const other = service({ qualifications: [qualification(['QCNoSSCD'], { policyOids: ['1.2.3.4'] })] });
      assert.equal(qualify(statements({ qcSscd: true }), other, AT, OPTS).qualifiedDevice, true);
    });
    it('QCWithSSCD makes a device of a certificate without QcSSCD; QCSSCDStatusAsInCert follows the certificate', () => {
      assert.equal(qualify(statements(), service({ qualifications: [qualification(['QCWithSSCD'])] }), AT, OPTS).qualifiedDevice, true);
      const asInCert = service({ qualifications: [qualification(['QCQSCDStatusAsInCert'])] });
      assert.equal(qualify(statements(), asInCert, AT, OPTS).qualifiedDevice, false);
      assert.equal(qualify(statements({ qcSscd: true }), asInCert, AT, OPTS).qualifiedDevice, true);
    });
    it('a QCStatement qualifier makes a certificate without QcCompliance qualified; NotQualified unmakes one with it', () => {
      assert.equal(qualify(statements({ qcCompliance: false }), service({ qualifications: [qualification(['QCStatement'])] }), AT, OPTS).profile, 'qualified-natural-person');
      assert.match(rejected(() => qualify(statements(), service({ qualifications: [qualification(['NotQualified'])] }), AT, OPTS)), /not qualified/);
    });
    it('a qualification without criteria applies to every certificate of the service (fail closed)', () => {
      assert.equal(qualify(statements({ qcSscd: true }), service({ qualifications: [qualification(['QCNoSSCD'], { policyOids: [] })] }), AT, OPTS).qualifiedDevice, false);
    });
    it('criteria assert "none": applies when no criterion holds', () => {
      const q = qualification(['QCNoSSCD'], { assert: 'none', policyOids: ['1.2.3.4'] });
      assert.equal(qualify(statements({ qcSscd: true }), service({ qualifications: [q] }), AT, OPTS).qualifiedDevice, false);
      assert.equal(qualify(statements({ qcSscd: true, policies: [QCP_N, '1.2.3.4'] }), service({ qualifications: [q] }), AT, OPTS).qualifiedDevice, true);
    });
    it('criteria on key usage: assert "all" needs the policy and every bit', () => {
      const q = qualification(['QCWithSSCD'], { assert: 'all', keyUsage: ['digitalSignature', 'nonRepudiation'] });
      assert.equal(qualify(statements(), service({ qualifications: [q] }), AT, OPTS).qualifiedDevice, false);
      assert.equal(qualify(statements({ keyUsage: ['digitalSignature', 'nonRepudiation'] }), service({ qualifications: [q] }), AT, OPTS).qualifiedDevice, true);
    });
    it('QCForLegalPerson, or a QcType that is not esign, is not a natural person signature certificate', () => {
      assert.match(rejected(() => qualify(statements(), service({ qualifications: [qualification(['QCForLegalPerson'])] }), AT, OPTS)), /legal person/);
      assert.match(rejected(() => qualify(statements({ qcTypes: ['0.4.0.1862.1.6.2'] }), service(), AT, OPTS)), /not esign/);
      assert.match(rejected(() => qualify(statements(), service({ qualifications: [qualification(['QCForESeal'])] }), AT, OPTS)), /e-seals/);
    });
  });

  describe('profiles', () => {
    it('a public-employee policy gives the public-employee profile, qualified or not, never a device unless qualified', () => {
      assert.deepEqual(qualify(statements({ policies: [PUBLIC_EMPLOYEE_HIGH] }), service(), AT, OPTS), { profile: 'public-employee', qualifiedDevice: false });
      assert.deepEqual(qualify(statements({ qcCompliance: false, qcSscd: true, policies: [PUBLIC_EMPLOYEE_MEDIUM] }), service(), AT, OPTS), { profile: 'public-employee', qualifiedDevice: false });
      assert.deepEqual(qualify(statements({ qcSscd: true, policies: [PUBLIC_EMPLOYEE_MEDIUM] }), service(), AT, OPTS), { profile: 'public-employee', qualifiedDevice: true });
    });
    it('the public-employee OIDs are configuration', () => {
      rejected(() => qualify(statements({ qcCompliance: false, policies: [PUBLIC_EMPLOYEE_HIGH] }), service(), AT, { publicEmployeePolicyOids: [] }));
    });
    it('neither QcCompliance nor a public-employee policy is not qualified, whatever the service', () => {
      assert.match(rejected(() => qualify(readStatements(pki.nonQualified.cert), service(), AT, OPTS)), /neither QcCompliance/);
    });
  });
});
