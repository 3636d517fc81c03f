// The representation attributes (issue 7 "In the assertion"; design.md "Assertion attributes";
// eIDAS SAML Attribute Profile v1.2 §2.4 for the representative): which leave per dialect and
// release list, how identifiers are qualified, the ActingSubjectID pseudonym, and that a Response
// carrying NameID and EncryptedID attribute values stays schema-valid and signed correctly.
import assert from 'node:assert/strict';
import { releaseRepresentationAttributes, EHERKENNING, EIDAS_LEGAL_PERSON } from '../../../broker/mandates/attributes.js';
import { deriveActingSubjectID } from '../../../broker/mandates/acting-subject.js';
import { eidasLegalPersonIdentifier } from '../../../broker/mandates/identifiers.js';
import type { RepresentationChoice } from '../../../broker/mandates/model.js';
import type { LoginService } from '../../../broker/mandates/representations.js';
import { releaseAttributes } from '../../../broker/saml/attributes.js';
import type { ReleasedAttribute } from '../../../broker/saml/build-assertion.js';
import { buildSuccessResponse } from '../../../broker/saml/build-response.js';
import { encryptIdentifierValues } from '../../../broker/saml/encrypt-id.js';
import { validateXsd } from '../../../broker/saml/xsd.js';
import { decryptEncryptedID } from '../../helpers/decrypt-encrypted-id.js';
import { assertionInput, idpKeys, parse, pem, verifyChildSignature } from '../saml-out/fixtures.js';

const NP = 'http://eidas.europa.eu/attributes/naturalperson/';
const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';

const person = {
  id: 'p1', documentType: 'DNI', documentNumber: '12345678Z', documentDate: null, supportNumber: null, eidasPersonIdentifier: null,
  givenName: 'Carmen', firstSurname: 'Español', secondSurname: 'Español', dateOfBirth: '1980-01-01', mobile: null, email: null,
  registrationLevel: 'advanced', status: 'active',
} as unknown as Parameters<typeof releaseAttributes>[0]['person'];

const service: LoginService = {
  id: 's1', serviceId: 'urn:etoegang:DV:00000001234567890000:services:1', serviceUuid: 'a36cbd25-f00a-460c-b498-7ce030c20601',
  names: { nl: 'x', en: 'x', es: 'x' }, minRung: '3', representation: 'optional', acceptsChain: true,
};

const santos = { id: 'o1', identifier: { type: 'kvk' as const, value: '90000001' }, name: 'Santos B.V.' };
const vries = { id: 'o2', identifier: { type: 'kvk' as const, value: '90000002' }, name: 'Accountants Vries' };
const direct: RepresentationChoice = { key: 'm:1', kind: 'direct', organisation: santos, intermediary: null, branch: null, mandateId: '1', chainMandateId: null };
const chain: RepresentationChoice = { ...direct, key: 'c:2:1', kind: 'chain', intermediary: vries, chainMandateId: '2' };
const acting = { value: '1.abc', nameQualifier: 'https://broker.test/saml/metadata' };

function release(policy: { dialects: ('eidas' | 'eherkenning' | 'clave')[]; releasedAttributes?: string[] }, representation: RepresentationChoice | null): ReleasedAttribute[] {
  const natural = releaseAttributes({ person, method: 'permanente-reinforced', registrationLevel: 'advanced', requested: [], policy });
  return releaseRepresentationAttributes({ natural, service, representation, actingSubjectID: representation ? acting : null, policy });
}
const names = (attrs: ReleasedAttribute[]) => attrs.map((a) => a.name);

describe('mandates/attributes: representation attributes per dialect', () => {
  it('eIDAS only: LegalPersonIdentifier (NL/ES/<KvK>), LegalName, and the minimum data set moved under representative/ with Representative* FriendlyNames', () => {
    const attrs = release({ dialects: ['eidas'] }, direct);
    assert.deepEqual(
      attrs.map((a) => [a.name, a.friendlyName, a.values]),
      [
        [EIDAS_LEGAL_PERSON.identifier, 'LegalPersonIdentifier', ['NL/ES/90000001']],
        [EIDAS_LEGAL_PERSON.name, 'LegalName', ['Santos B.V.']],
        [`${NP}representative/PersonIdentifier`, 'RepresentativePersonIdentifier', ['ES/ES/12345678Z']],
        [`${NP}representative/CurrentGivenName`, 'RepresentativeFirstName', ['Carmen']],
        [`${NP}representative/CurrentFamilyName`, 'RepresentativeFamilyName', ['Español Español']],
        [`${NP}representative/DateOfBirth`, 'RepresentativeDateOfBirth', ['1980-01-01']],
      ],
    );
  });

  it('eHerkenning only: the identifiers as NameIDs qualified by type, FriendlyName the last URI segment; the chain names the intermediary', () => {
    const attrs = release({ dialects: ['eherkenning'] }, chain);
    assert.deepEqual(
      attrs.map((a) => [a.name, a.friendlyName, a.values]),
      [
        [EHERKENNING.legalSubjectID, 'LegalSubjectID', [{ kind: 'NameID', value: '90000001', nameQualifier: 'urn:etoegang:1.9:EntityConcernedID:KvKnr' }]],
        [EHERKENNING.actingSubjectID, 'ActingSubjectID', [{ kind: 'NameID', value: '1.abc', nameQualifier: 'https://broker.test/saml/metadata' }]],
        [EHERKENNING.serviceID, 'ServiceID', [service.serviceId]],
        [EHERKENNING.serviceUUID, 'ServiceUUID', [service.serviceUuid]],
        [EHERKENNING.representedName, 'CompanyName', ['Santos B.V.']],
        [EHERKENNING.intermediateKvK, 'KvKnr', ['90000002']],
        [EHERKENNING.intermediateName, 'CompanyName', ['Accountants Vries']],
      ],
    );
  });

  it('other identifier types: their own EntityConcernedID qualifier and eIDAS form; no IntermediateEntityID:KvKnr for a non-KvK intermediary; the branch when restricted', () => {
    const nif = { id: 'o3', identifier: { type: 'nif' as const, value: 'B12345674' }, name: 'Cliente S.L.' };
    const lei = { id: 'o4', identifier: { type: 'lei' as const, value: '5493001KJTIIGC8Y1R12' }, name: 'Global Ltd' };
    const attrs = release({ dialects: ['eidas', 'eherkenning'] }, { ...chain, organisation: nif, intermediary: lei, branch: { branchNumber: '000012345678', name: 'Delft' } });
    const byName = new Map(attrs.map((a) => [a.name, a.values]));
    assert.deepEqual(byName.get(EHERKENNING.legalSubjectID), [{ kind: 'NameID', value: 'B12345674', nameQualifier: 'urn:pasarela:EntityConcernedID:NIF' }]);
    assert.deepEqual(byName.get(EIDAS_LEGAL_PERSON.identifier), ['ES/ES/B12345674']);
    // the intermediary eHerkenning cannot name (no KvK number) is the client's legal representative in eIDAS
    assert.deepEqual(byName.get(EIDAS_LEGAL_PERSON.representativeIdentifier), [eidasLegalPersonIdentifier(lei.identifier)]);
    assert.deepEqual(byName.get(EIDAS_LEGAL_PERSON.representativeName), ['Global Ltd']);
    assert.equal(byName.get(EHERKENNING.intermediateKvK), undefined);
    assert.deepEqual(byName.get(EHERKENNING.intermediateName), ['Global Ltd']);
    assert.deepEqual(byName.get(EHERKENNING.branch), ['000012345678']);
  });

  it('eIDAS, chain mandate: the intermediary as the legal representative of the client, between the client and the acting person', () => {
    assert.deepEqual(names(release({ dialects: ['eidas'] }, chain)).slice(0, 5), [
      EIDAS_LEGAL_PERSON.identifier,
      EIDAS_LEGAL_PERSON.name,
      EIDAS_LEGAL_PERSON.representativeIdentifier,
      EIDAS_LEGAL_PERSON.representativeName,
      `${NP}representative/PersonIdentifier`,
    ]);
    assert.equal(release({ dialects: ['eidas'] }, direct).some((a) => a.name === EIDAS_LEGAL_PERSON.representativeIdentifier), false);
  });

  it('acting for oneself: the natural person unchanged; with eHerkenning on, ServiceID and ServiceUUID; nothing else', () => {
    assert.deepEqual(names(release({ dialects: ['eidas'] }, null)), [`${NP}PersonIdentifier`, `${NP}CurrentGivenName`, `${NP}CurrentFamilyName`, `${NP}DateOfBirth`]);
    assert.deepEqual(names(release({ dialects: ['eidas', 'eherkenning'] }, null)).slice(4), [EHERKENNING.serviceID, EHERKENNING.serviceUUID]);
  });

  it('an explicit release list is the upper bound: what it does not name does not leave', () => {
    const attrs = release({ dialects: ['eidas', 'eherkenning'], releasedAttributes: [`${NP}PersonIdentifier`, EIDAS_LEGAL_PERSON.identifier, EHERKENNING.legalSubjectID] }, direct);
    assert.deepEqual(names(attrs), [EIDAS_LEGAL_PERSON.identifier, EHERKENNING.legalSubjectID]);
    assert.deepEqual(names(release({ dialects: ['eherkenning'], releasedAttributes: [] }, null)), []);
  });

  it('a representation without its ActingSubjectID is a programming error', () => {
    assert.throws(() => releaseRepresentationAttributes({ natural: [], service, representation: direct, actingSubjectID: null, policy: { dialects: ['eherkenning'] } }), TypeError);
  });
});

describe('mandates/acting-subject: the ActingSubjectID pseudonym', () => {
  const base = { personId: 'p1', organisationId: 'o1', intermediaryId: null, spEntityID: 'https://sp.test/metadata' };
  it('is stable, versioned, and differs per person, organisation, intermediary and SP', () => {
    const v = deriveActingSubjectID('s'.repeat(32), 2, base);
    assert.equal(v, deriveActingSubjectID('s'.repeat(32), 2, base));
    assert.match(v, /^2\.[A-Za-z0-9_-]{43}$/);
    const others = [
      { ...base, personId: 'p2' },
      { ...base, organisationId: 'o2' },
      { ...base, intermediaryId: 'o2' },
      { ...base, spEntityID: 'https://other.test/metadata' },
    ].map((s) => deriveActingSubjectID('s'.repeat(32), 2, s));
    assert.equal(new Set([v, ...others]).size, 5);
    assert.notEqual(deriveActingSubjectID('t'.repeat(32), 2, base), v);
    assert.throws(() => deriveActingSubjectID('s'.repeat(32), 0, base), TypeError);
  });
});

describe('saml-out: NameID and EncryptedID attribute values (core §2.7.3.1.1 AttributeValue is xs:anyType)', () => {
  const opts = { keys: idpKeys, algorithm: 'rsa-sha256' as const, signAssertion: true, signResponse: true };
  const attributes = release({ dialects: ['eidas', 'eherkenning'] }, chain);

  it('a Response with NameID values is schema-valid, signed, and writes no xsi:type over element content', () => {
    const xml = buildSuccessResponse(assertionInput({ attributes }), opts);
    const r = validateXsd(xml, 'protocol');
    assert.deepEqual(r.errors, []);
    const doc = parse(xml);
    assert.equal(verifyChildSignature(xml, doc.getElementsByTagNameNS(SAML, 'Assertion')[0]!, pem('idp.crt')).ok, true);
    assert.equal(xml.match(/<saml:AttributeValue><saml:NameID NameQualifier="[^"]+">[^<]+<\/saml:NameID><\/saml:AttributeValue>/g)?.length, 2);
    assert.doesNotMatch(xml, /xsi:type="xs:string"><saml:NameID/);
  });

  it('encrypted identifiers: schema-valid EncryptedIDs that the SP key opens to the same NameIDs; the text values untouched', () => {
    const encrypted = encryptIdentifierValues(attributes, pem('sp1-enc.crt'));
    const xml = buildSuccessResponse(assertionInput({ attributes: encrypted }), opts);
    assert.deepEqual(validateXsd(xml, 'protocol').errors, []);
    assert.doesNotMatch(xml, /<saml:NameID NameQualifier=/);
    assert.doesNotMatch(xml, />90000001</, 'the represented KvK number is not in clear in its LegalSubjectID');
    const ids = Array.from(parse(xml).getElementsByTagNameNS(SAML, 'EncryptedID'));
    assert.equal(ids.length, 2);
    assert.deepEqual(decryptEncryptedID(ids[0]!, pem('sp1-enc.key')), { nameQualifier: 'urn:etoegang:1.9:EntityConcernedID:KvKnr', format: null, value: '90000001' });
    assert.deepEqual(decryptEncryptedID(ids[1]!, pem('sp1-enc.key')), { nameQualifier: 'https://broker.test/saml/metadata', format: null, value: '1.abc' });
    assert.match(xml, /<saml:AttributeValue xsi:type="xs:string">Santos B\.V\.<\/saml:AttributeValue>/);
  });
});
