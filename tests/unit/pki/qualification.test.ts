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

/** qualify under one service or several (an anchor listed in more than one), without the vouching service */
function decide(cert: CertificateStatements, services: TrustService | TrustService[], at: Date, opts: typeof OPTS | { publicEmployeePolicyOids: string[] }) {
  const { profile, qualifiedDevice } = qualify(cert, ([] as TrustService[]).concat(services), at, opts);
  return { profile, qualifiedDevice };
}

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
      assert.deepEqual(decide(statements(), service(), AT, OPTS), { profile: 'qualified-natural-person', qualifiedDevice: false });
    });
    it('QcSSCD in the certificate makes a qualified device', () => {
      assert.deepEqual(decide(statements({ qcSscd: true }), service(), AT, OPTS), { profile: 'qualified-natural-person', qualifiedDevice: true });
    });
    it('QcCompliance under a service that is not CA/QC is not qualified', () => {
      assert.match(rejected(() => decide(statements(), service({ serviceType: 'http://uri.etsi.org/TrstSvc/Svctype/CA/PKC' }), AT, OPTS)), /CA\/PKC with status .*granted: not a granted CA\/QC/);
    });
    it('QcCompliance under a service withdrawn at the validation time is not qualified', () => {
      const history = [{ status: WITHDRAWN, from: new Date('2026-01-01T00:00:00Z') }, { status: GRANTED, from: new Date('2020-01-01T00:00:00Z') }];
      assert.match(rejected(() => decide(statements(), service({ statusHistory: history }), AT, OPTS)), /withdrawn: not a granted/);
      // …but was qualified at a validation time before the withdrawal
      assert.equal(decide(statements(), service({ statusHistory: history }), new Date('2025-06-01T00:00:00Z'), OPTS).profile, 'qualified-natural-person');
    });
    it('a service granted then as another service type does not count', () => {
      const history = [{ status: GRANTED, from: new Date('2020-01-01T00:00:00Z'), serviceType: 'http://uri.etsi.org/TrstSvc/Svctype/CA/PKC' }];
      assert.match(rejected(() => decide(statements(), service({ statusHistory: history }), AT, OPTS)), /CA\/PKC with status .*granted: not a granted CA\/QC/);
    });
    it('a service for e-seals only is not for e-signatures', () => {
      assert.match(rejected(() => decide(statements(), service({ additionalInformation: [`${EXT}ForeSeals`] }), AT, OPTS)), /not for electronic signatures/);
      // no "For…" entry at all: an older list, read as e-signatures
      assert.equal(decide(statements(), service({ additionalInformation: [] }), AT, OPTS).profile, 'qualified-natural-person');
    });
    it('QCNoSSCD of a matching qualification overrides QcSSCD in the certificate', () => {
      const svc = service({ qualifications: [qualification(['QCNoSSCD'])] });
      assert.equal(decide(statements({ qcSscd: true }), svc, AT, OPTS).qualifiedDevice, false);
      // criteria that do not match the certificate do not apply
      const other = service({ qualifications: [qualification(['QCNoSSCD'], { policyOids: ['1.2.3.4'] })] });
      assert.equal(decide(statements({ qcSscd: true }), other, AT, OPTS).qualifiedDevice, true);
    });
    it('QCWithSSCD makes a device of a certificate without QcSSCD; QCSSCDStatusAsInCert follows the certificate', () => {
      assert.equal(decide(statements(), service({ qualifications: [qualification(['QCWithSSCD'])] }), AT, OPTS).qualifiedDevice, true);
      const asInCert = service({ qualifications: [qualification(['QCQSCDStatusAsInCert'])] });
      assert.equal(decide(statements(), asInCert, AT, OPTS).qualifiedDevice, false);
      assert.equal(decide(statements({ qcSscd: true }), asInCert, AT, OPTS).qualifiedDevice, true);
    });
    it('a QCStatement qualifier makes a certificate without QcCompliance qualified; NotQualified unmakes one with it', () => {
      assert.equal(decide(statements({ qcCompliance: false }), service({ qualifications: [qualification(['QCStatement'])] }), AT, OPTS).profile, 'qualified-natural-person');
      assert.match(rejected(() => decide(statements(), service({ qualifications: [qualification(['NotQualified'])] }), AT, OPTS)), /not qualified/);
    });
    it('a qualification without criteria applies to every certificate of the service (fail closed)', () => {
      assert.equal(decide(statements({ qcSscd: true }), service({ qualifications: [qualification(['QCNoSSCD'], { policyOids: [] })] }), AT, OPTS).qualifiedDevice, false);
    });
    it('criteria assert "none": applies when no criterion holds', () => {
      const q = qualification(['QCNoSSCD'], { assert: 'none', policyOids: ['1.2.3.4'] });
      assert.equal(decide(statements({ qcSscd: true }), service({ qualifications: [q] }), AT, OPTS).qualifiedDevice, false);
      assert.equal(decide(statements({ qcSscd: true, policies: [QCP_N, '1.2.3.4'] }), service({ qualifications: [q] }), AT, OPTS).qualifiedDevice, true);
    });
    it('criteria on key usage: assert "all" needs the policy and every bit', () => {
      const q = qualification(['QCWithSSCD'], { assert: 'all', keyUsage: ['digitalSignature', 'nonRepudiation'] });
      assert.equal(decide(statements(), service({ qualifications: [q] }), AT, OPTS).qualifiedDevice, false);
      assert.equal(decide(statements({ keyUsage: ['digitalSignature', 'nonRepudiation'] }), service({ qualifications: [q] }), AT, OPTS).qualifiedDevice, true);
    });
    it('QCForLegalPerson, or a QcType that is not esign, is not a natural person signature certificate', () => {
      assert.match(rejected(() => decide(statements(), service({ qualifications: [qualification(['QCForLegalPerson'])] }), AT, OPTS)), /legal person/);
      assert.match(rejected(() => decide(statements({ qcTypes: ['0.4.0.1862.1.6.2'] }), service(), AT, OPTS)), /not esign/);
      assert.match(rejected(() => decide(statements(), service({ qualifications: [qualification(['QCForESeal'])] }), AT, OPTS)), /e-seals/);
    });
  });

  describe('a CA listed in several services', () => {
    const notQualified = service({ serviceName: 'second entry', qualifications: [qualification(['NotQualified'])] });
    it('a restrictive qualifier in any granted service refuses, whichever service comes first', () => {
      for (const restrictive of ['NotQualified', 'QCForLegalPerson', 'QCForESeal', 'QCForWSA']) {
        const other = service({ serviceName: 'second entry', qualifications: [qualification([restrictive])] });
        rejected(() => decide(statements(), [service(), other], AT, OPTS));
        rejected(() => decide(statements(), [other, service()], AT, OPTS));
      }
      assert.match(rejected(() => decide(statements(), [service(), notQualified], AT, OPTS)), /not qualified \(service "second entry"/);
    });
    it('a restriction in a service that is not granted at the validation time does not count', () => {
      const withdrawn = { ...notQualified, statusHistory: [{ status: WITHDRAWN, from: new Date('2020-01-01T00:00:00Z') }] };
      assert.equal(decide(statements(), [withdrawn, service()], AT, OPTS).profile, 'qualified-natural-person');
    });
    it('any eligible service under which the certificate is qualified vouches for it, and names the territory', () => {
      const eSeals = service({ serviceName: 'seals', territory: 'PT', additionalInformation: [`${EXT}ForeSeals`] });
      const qcStatement = service({ serviceName: 'signatures', territory: 'ES', qualifications: [qualification(['QCStatement'])] });
      const result = qualify(statements({ qcCompliance: false }), [eSeals, qcStatement], AT, OPTS);
      assert.equal(result.profile, 'qualified-natural-person');
      assert.equal(result.service.serviceName, 'signatures');
      assert.match(rejected(() => decide(statements(), [eSeals], AT, OPTS)), /not for electronic signatures/);
    });
    it('a QcType other than esign is refused unless a granted service says QCForESig', () => {
      const seal = statements({ qcTypes: ['0.4.0.1862.1.6.2'] });
      assert.match(rejected(() => decide(seal, [service(), service()], AT, OPTS)), /not esign/);
      assert.equal(decide(seal, [service(), service({ qualifications: [qualification(['QCForESig'])] })], AT, OPTS).profile, 'qualified-natural-person');
    });
    it('no granted e-signature service at all: the reasons of each', () => {
      const withdrawn = service({ statusHistory: [{ status: WITHDRAWN, from: new Date('2020-01-01T00:00:00Z') }] });
      assert.match(rejected(() => decide(statements({ qcTypes: ['0.4.0.1862.1.6.2'] }), [withdrawn, service({ additionalInformation: [`${EXT}ForeSeals`] })], AT, OPTS)), /withdrawn: not a granted CA\/QC .*; issuing service is not for electronic signatures/);
    });
    it('a qualified device only when every vouching service agrees', () => {
      const noDevice = service({ serviceName: 'second entry', qualifications: [qualification(['QCNoSSCD'])] });
      assert.equal(decide(statements({ qcSscd: true }), [service(), noDevice], AT, OPTS).qualifiedDevice, false);
      assert.equal(decide(statements({ qcSscd: true }), [service(), service()], AT, OPTS).qualifiedDevice, true);
    });
  });

  describe('profiles', () => {
    it('a public-employee policy on a qualified certificate gives the public-employee profile, its device as the certificate says', () => {
      assert.deepEqual(decide(statements({ policies: [PUBLIC_EMPLOYEE_HIGH] }), service(), AT, OPTS), { profile: 'public-employee', qualifiedDevice: false });
      assert.deepEqual(decide(statements({ qcSscd: true, policies: [PUBLIC_EMPLOYEE_MEDIUM] }), service(), AT, OPTS), { profile: 'public-employee', qualifiedDevice: true });
    });
    it('a public-employee certificate that is not qualified is refused (seed 000 §1.4.3: "erkend")', () => {
      assert.match(rejected(() => decide(statements({ qcCompliance: false, qcSscd: true, policies: [PUBLIC_EMPLOYEE_MEDIUM] }), service(), AT, OPTS)), /neither QcCompliance/);
      assert.match(rejected(() => decide(readStatements(pki.publicEmployee.cert), service({ qualifications: [qualification(['NotQualified'], { policyOids: [PUBLIC_EMPLOYEE_MEDIUM] })] }), AT, OPTS)), /not qualified/);
    });
    it('the public-employee OIDs are configuration', () => {
      assert.equal(decide(statements({ policies: [PUBLIC_EMPLOYEE_HIGH] }), service(), AT, { publicEmployeePolicyOids: [] }).profile, 'qualified-natural-person');
    });
    it('neither QcCompliance nor a public-employee policy is not qualified, whatever the service', () => {
      assert.match(rejected(() => decide(readStatements(pki.nonQualified.cert), service(), AT, OPTS)), /neither QcCompliance/);
    });
  });
});
