// ETSI TS 119 612 parser on a real published list's structure (an excerpt of the Spanish list,
// tests/fixtures/tsl/README.md) and on lists built in the test for the cases the excerpt lacks.
// These read lists without their signature; verification is trusted-list-xades.test.ts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../broker/config.js';
import { parseTrustedListUnverified } from '../../../broker/pki/trusted-list/parse.js';
import { isGrantedCaQcAt, statusAt } from '../../../broker/pki/trusted-list/status-at.js';
import { TrustedListError } from '../../../broker/pki/trusted-list/trusted-list-error.js';
import { trustedListXml, type ServiceDescription } from '../../helpers/tsl-builder.js';
import { x509 } from '../../../broker/pki/x509.js';

const FIXTURE = readFileSync(path.join(PROJECT_ROOT, 'tests/fixtures/tsl/ES-88-excerpt.xml'), 'utf8');
const EXT = 'http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/';
const STATUS = 'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/';

function listWith(services: ServiceDescription[], nextUpdate: Date | null = new Date('2027-01-01T00:00:00Z')): string {
  return trustedListXml({ territory: 'ES', sequenceNumber: 7, issued: new Date('2026-07-01T00:00:00Z'), nextUpdate, providers: [{ name: 'TSP', services }] });
}

function refusal(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof TrustedListError, `not a TrustedListError: ${String(err)}`);
    assert.equal(err.source, 'metadata/tsl/XX.xml');
    assert.match(err.reason, pattern);
    return true;
  });
}

describe('TS 119 612 §5 trusted list parsing: a real list (Spanish list no. 88, excerpt)', () => {
  const { list, warnings } = parseTrustedListUnverified(FIXTURE, 'metadata/tsl/ES.xml');
  const byName = (name: string) => list.services.find((s) => s.serviceName === name)!;

  it('reads the scheme information: territory, sequence number, issue and next update', () => {
    assert.equal(list.source, 'metadata/tsl/ES.xml');
    assert.equal(list.territory, 'ES');
    assert.equal(list.sequenceNumber, 88);
    assert.equal(list.issued.toISOString(), '2019-08-08T01:00:00.000Z');
    assert.equal(list.nextUpdate?.toISOString(), '2020-02-08T00:00:00.000Z');
    assert.deepEqual(warnings, []);
  });

  it('reads every TSPService of every provider, names in English where the list has them', () => {
    assert.deepEqual(
      list.services.map((s) => [s.tspName, s.serviceName]),
      [
        ['Banco Santander, S.A.', 'Qualified Certificates issued by CA WG10 Qualified Identification Root CA'],
        ['Banco Santander, S.A.', 'Santander Digital Signature'],
        ['Dirección General de la Policía', 'Qualified Certificates issued by subordinated CA under the root CA'],
        ['Dirección General de la Policía', 'Qualified Certificates issued by AC DGP 004'],
      ],
    );
    assert.ok(list.services.every((s) => s.territory === 'ES' && s.serviceType === 'http://uri.etsi.org/TrstSvc/Svctype/CA/QC'));
  });

  it('reads the current status and the ServiceHistory, newest first', () => {
    assert.deepEqual(
      byName('Qualified Certificates issued by CA WG10 Qualified Identification Root CA').statusHistory.map((e) => [e.status.slice(STATUS.length), e.from.toISOString()]),
      [
        ['withdrawn', '2016-06-30T22:00:00.000Z'],
        ['supervisionceased', '2015-11-24T01:00:00.000Z'],
        ['undersupervision', '2009-04-13T00:00:00.000Z'],
      ],
    );
  });

  it('reads the digital identities: certificates, subject names, and SKIs as hex', async () => {
    const dnie = byName('Qualified Certificates issued by subordinated CA under the root CA');
    assert.equal(dnie.certificates.length, 1);
    assert.match(dnie.certificates[0]!.subject, /CN=AC RAIZ DNIE/);
    assert.deepEqual(dnie.subjectNames, ['CN=AC RAIZ DNIE,OU=DNIE,O=DIRECCION GENERAL DE LA POLICIA,C=ES']);
    const dgp = byName('Qualified Certificates issued by AC DGP 004');
    // the X509SKI of the list is the subject key identifier of the service's own certificate
    const ski = new x509.X509Certificate(dgp.certificates[0]!.raw).getExtension(x509.SubjectKeyIdentifierExtension)!.keyId;
    assert.deepEqual(dgp.subjectKeyIdentifiers, [ski]);
    assert.equal(ski, '0da7e4c0b4d797e474dc867c52fef4de326232bc');
  });

  it('reads AdditionalServiceInformation and Qualifications with their policy criteria', () => {
    const dnie = byName('Qualified Certificates issued by subordinated CA under the root CA');
    assert.deepEqual(dnie.additionalInformation, [`${EXT}RootCA-QC`, `${EXT}ForeSignatures`]);
    assert.deepEqual(dnie.qualifications, [{ qualifiers: [`${EXT}QCQSCDManagedOnBehalf`], assert: 'atLeastOne', policyOids: ['2.16.724.1.2.2.2.11'], keyUsage: [] }]);
    // the real list writes some identifiers with a trailing space: read as the OID
    assert.deepEqual(byName('Santander Digital Signature').qualifications, [
      { qualifiers: [`${EXT}NotQualified`], assert: 'atLeastOne', policyOids: ['1.3.6.1.4.1.13177.10.1.5.1', '1.3.6.1.4.1.13177.10.1.21.1', '1.3.6.1.4.1.13177.10.1.21.2'], keyUsage: [] },
    ]);
  });

  it('status at a time: granted CA/QC services, and Directive statuses only before 1 July 2016', () => {
    const granted = (at: string) => list.services.filter((s) => isGrantedCaQcAt(s, new Date(at))).map((s) => s.serviceName);
    assert.deepEqual(granted('2019-08-08T00:00:00Z'), ['Qualified Certificates issued by subordinated CA under the root CA', 'Qualified Certificates issued by AC DGP 004']);
    // before AC DGP 004 was granted; Santander Digital Signature granted until its withdrawal
    assert.deepEqual(granted('2018-01-01T00:00:00Z'), ['Santander Digital Signature', 'Qualified Certificates issued by subordinated CA under the root CA']);
    // 2012: WG10 "undersupervision" (Directive 1999/93/EC) counts
    assert.deepEqual(granted('2012-01-01T00:00:00Z'), ['Qualified Certificates issued by CA WG10 Qualified Identification Root CA']);
    // Dec 2015: WG10 "supervisionceased" does not
    assert.deepEqual(granted('2015-12-01T00:00:00Z'), []);
    // Santander Digital Signature "undersupervision" from Jan 2016, until the list's own switch to
    // "granted" at midnight Madrid time on 1 July 2016 (22:00 UTC the day before)
    assert.deepEqual(granted('2016-02-01T00:00:00Z'), ['Santander Digital Signature']);
    assert.equal(statusAt(byName('Santander Digital Signature'), new Date('2016-06-30T21:59:59Z'))?.status, `${STATUS}undersupervision`);
    assert.equal(statusAt(byName('Santander Digital Signature'), new Date('2016-06-30T22:00:00Z'))?.status, `${STATUS}granted`);
    assert.deepEqual(granted('2016-07-01T00:00:00Z'), ['Santander Digital Signature', 'Qualified Certificates issued by subordinated CA under the root CA']);
    assert.equal(statusAt(byName('Qualified Certificates issued by AC DGP 004'), new Date('2018-12-31T00:00:00Z')), undefined);
  });
});

describe('TS 119 612 §5 trusted list parsing: lists built in the test', () => {
  const granted = { name: 'CA', status: 'granted', statusFrom: new Date('2020-01-01T00:00:00Z') };

  it('a Directive status never replaced by "granted" stops counting on 1 July 2016', () => {
    const service = parseTrustedListUnverified(listWith([{ ...granted, status: 'undersupervision', statusFrom: new Date('2015-01-01T00:00:00Z') }]), 'x').list.services[0]!;
    assert.equal(isGrantedCaQcAt(service, new Date('2016-06-30T23:59:59Z')), true);
    assert.equal(isGrantedCaQcAt(service, new Date('2016-07-01T00:00:00Z')), false);
  });

  it('a closed list (NextUpdate without dateTime) has nextUpdate null', () => {
    assert.equal(parseTrustedListUnverified(listWith([granted], null), 'x').list.nextUpdate, null);
  });

  it('a service re-typed over time: its status under another type never counts as a granted CA/QC', () => {
    const xml = listWith([{ ...granted, history: [{ status: 'granted', from: new Date('2010-01-01T00:00:00Z'), type: 'http://uri.etsi.org/TrstSvc/Svctype/CA/PKC' }] }]);
    const service = parseTrustedListUnverified(xml, 'x').list.services[0]!;
    assert.equal(service.statusHistory[1]!.serviceType, 'http://uri.etsi.org/TrstSvc/Svctype/CA/PKC');
    assert.equal(statusAt(service, new Date('2012-01-01T00:00:00Z'))?.serviceType, 'http://uri.etsi.org/TrstSvc/Svctype/CA/PKC');
    assert.equal(isGrantedCaQcAt(service, new Date('2012-01-01T00:00:00Z')), false);
    assert.equal(isGrantedCaQcAt(service, new Date('2021-01-01T00:00:00Z')), true);
  });

  it('key usage criteria are read as the bits that must be set', () => {
    const xml = listWith([{ ...granted, qualifications: [{ qualifiers: ['QCWithSSCD'], assert: 'all', keyUsage: ['nonRepudiation'], policyOids: ['0.4.0.194112.1.2'] }] }]);
    assert.deepEqual(parseTrustedListUnverified(xml, 'x').list.services[0]!.qualifications, [
      { qualifiers: [`${EXT}QCWithSSCD`], assert: 'all', policyOids: ['0.4.0.194112.1.2'], keyUsage: ['nonRepudiation'] },
    ]);
  });

  it('criteria it cannot represent fail closed: a restricting qualifier applies to every certificate, a widening one is dropped', () => {
    const nested = (qualifier: string): string =>
      `<ecc:QualificationElement><ecc:Qualifiers><ecc:Qualifier uri="${EXT}${qualifier}"/></ecc:Qualifiers><ecc:CriteriaList assert="atLeastOne">` +
      `<ecc:CriteriaList assert="all"><ecc:PolicySet><ecc:PolicyIdentifier><xades:Identifier>urn:oid:1.2.3</xades:Identifier></ecc:PolicyIdentifier></ecc:PolicySet></ecc:CriteriaList></ecc:CriteriaList></ecc:QualificationElement>`;
    const xml = listWith([{ ...granted, qualifications: [{ qualifiers: ['QCStatement'] }] }]).replace(
      /<ecc:QualificationElement>.*<\/ecc:QualificationElement>/,
      nested('QCWithSSCD') + nested('NotQualified'),
    );
    const { list, warnings } = parseTrustedListUnverified(xml, 'x');
    assert.deepEqual(list.services[0]!.qualifications, [{ qualifiers: [`${EXT}NotQualified`], assert: 'all', policyOids: [], keyUsage: [] }]);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /QCWithSSCD/);
  });

  it('a service with a critical extension it does not understand is left out, with a warning', () => {
    const xml = listWith([{ ...granted, additionalInformation: ['urn:x'] }, { ...granted, name: 'other' }]).replace(
      '<tsl:Extension Critical="false"><tsl:AdditionalServiceInformation><tsl:URI xml:lang="en">urn:x</tsl:URI></tsl:AdditionalServiceInformation></tsl:Extension>',
      '<tsl:Extension Critical="true"><x:Unknown xmlns:x="urn:example:unknown"/></tsl:Extension>',
    );
    const { list, warnings } = parseTrustedListUnverified(xml, 'x');
    assert.deepEqual(list.services.map((s) => s.serviceName), ['other']);
    assert.match(warnings[0]!, /critical extension \{urn:example:unknown\}Unknown/);
  });

  describe('malformed lists are refused with an error naming the source', () => {
    const good = listWith([granted]);
    const source = 'metadata/tsl/XX.xml';
    it('a DOCTYPE (entities) before anything is parsed', () => refusal(() => parseTrustedListUnverified(`<!DOCTYPE x [<!ENTITY a "b">]>${good.replace(/^<\?xml[^>]*>/, '')}`, source), /DOCTYPE/));
    it('another root element', () => refusal(() => parseTrustedListUnverified('<TrustServiceStatusList xmlns="urn:other"/>', source), /not a TrustServiceStatusList/));
    it('no SchemeTerritory', () => refusal(() => parseTrustedListUnverified(good.replace(/<tsl:SchemeTerritory>ES<\/tsl:SchemeTerritory>/, ''), source), /SchemeTerritory/));
    it('a date without time zone', () => refusal(() => parseTrustedListUnverified(good.replace('2026-07-01T00:00:00Z', '2026-07-01T00:00:00'), source), /ListIssueDateTime is not a dateTime/));
    it('a sequence number that is not a positive integer', () => refusal(() => parseTrustedListUnverified(good.replace('<tsl:TSLSequenceNumber>7<', '<tsl:TSLSequenceNumber>-7<'), source), /TSLSequenceNumber/));
    it('an X509Certificate that is not a certificate', () =>
      refusal(() => parseTrustedListUnverified(good.replace('<tsl:ServiceDigitalIdentity>', '<tsl:ServiceDigitalIdentity><tsl:DigitalId><tsl:X509Certificate>AAAA</tsl:X509Certificate></tsl:DigitalId>'), source), /X509Certificate of service "CA"/));
    it('a policy identifier that is not an OID', () =>
      refusal(() => parseTrustedListUnverified(listWith([{ ...granted, qualifications: [{ qualifiers: ['QCStatement'], policyOids: ['1.2.3'] }] }]).replace('urn:oid:1.2.3', 'urn:oid:1.2.x'), source), /not an OID/));
    it('a list over the size limit', () => refusal(() => parseTrustedListUnverified(good, source, { maxBytes: 100, maxDepth: 32, maxAttributesPerElement: 32, maxNamespaceDeclarations: 100, maxElements: 1000 }), /too large/));
  });
});
