// What the connector takes from a verified answer: the LoA (returned ≥ requested, lowest rung of
// its set, non-notified refused) and the foreign identity (PersonIdentifier as is, LatinScript).
import assert from 'node:assert/strict';
import { checkReturnedLoa } from '../../../connectors/eidas/check-loa.js';
import { readForeignIdentity, readUpstreamAttributes } from '../../../connectors/eidas/read-identity.js';
import { releasableUpstreamAttributes } from '../../../broker/flow/upstream-attributes.js';
import { spPolicySchema } from '../../../broker/config.js';
import type { ReceivedAttribute } from '../../../broker/saml/sp-role/model.js';

const L = 'http://eidas.europa.eu/LoA/';
const NP = 'http://eidas.europa.eu/attributes/naturalperson/';
const attr = (local: string, ...values: [string, boolean | null][]): ReceivedAttribute => ({
  name: NP + local,
  nameFormat: null,
  friendlyName: null,
  values: values.map(([value, latinScript]) => ({ value, latinScript })),
});
const MDS = [attr('PersonIdentifier', ['DE/ES/0123456789', null]), attr('CurrentFamilyName', ['Müller', null]), attr('CurrentGivenName', ['Jürgen', null]), attr('DateOfBirth', ['1970-05-31', null])];
const EXPECT = { nodeCountry: 'DE', ourCountry: 'ES' };

describe('eidas answer: LoA and identity from a verified assertion', () => {
  it('a notified level at or above the requested one counts for the lowest rung of its set', () => {
    assert.deepEqual(checkReturnedLoa(`${L}low`, `${L}low`), { ok: true, rung: '2' });
    assert.deepEqual(checkReturnedLoa(`${L}substantial`, `${L}low`), { ok: true, rung: '3' });
    assert.deepEqual(checkReturnedLoa(`${L}high`, `${L}substantial`), { ok: true, rung: '4' });
    assert.equal(checkReturnedLoa(`${L}low`, `${L}substantial`).ok, false);
    assert.equal(checkReturnedLoa(`${L}substantial`, `${L}high`).ok, false);
    assert.equal(checkReturnedLoa('http://eidas.europa.eu/NotNotified/LoA/high', `${L}low`).ok, false);
    assert.equal(checkReturnedLoa('urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI', `${L}low`).ok, false);
  });

  it('keeps PersonIdentifier as is and checks both countries in it', () => {
    assert.deepEqual(readForeignIdentity(MDS, EXPECT), { personIdentifier: 'DE/ES/0123456789', givenName: 'Jürgen', familyName: 'Müller', dateOfBirth: '1970-05-31' });
    const withPid = (pid: string) => [attr('PersonIdentifier', [pid, null]), ...MDS.slice(1)];
    assert.throws(() => readForeignIdentity(withPid('FR/ES/1'), EXPECT), /node is DE/);
    assert.throws(() => readForeignIdentity(withPid('DE/BE/1'), EXPECT), /meant for BE/);
    assert.throws(() => readForeignIdentity(withPid('DE-ES-1'), EXPECT), /XX\/YY/);
  });

  it('prefers the Latin transliteration of a name sent in two scripts', () => {
    const greek = [MDS[0]!, attr('CurrentFamilyName', ['Παπαδόπουλος', false], ['Papadopoulos', true]), attr('CurrentGivenName', ['Νίκος', false], ['Nikos', null]), MDS[3]!];
    const id = readForeignIdentity(greek, EXPECT);
    assert.equal(id.familyName, 'Papadopoulos');
    assert.equal(id.givenName, 'Nikos');
  });

  it('refuses a missing minimum-data-set attribute, a bad date and a repeated attribute', () => {
    assert.throws(() => readForeignIdentity(MDS.slice(0, 3), EXPECT), /DateOfBirth missing/);
    assert.throws(() => readForeignIdentity([...MDS.slice(0, 3), attr('DateOfBirth', ['31.05.1970', null])], EXPECT), /yyyy-mm-dd/);
    assert.throws(() => readForeignIdentity([...MDS, MDS[1]!], EXPECT), /sent twice/);
  });

  it("reads the node's legal person (both attributes, its countries checked) and releases it only as the SP's policy allows", () => {
    const LP = 'http://eidas.europa.eu/attributes/legalperson/';
    const legal = (pid: string): ReceivedAttribute[] => [
      { name: `${LP}LegalPersonIdentifier`, nameFormat: null, friendlyName: null, values: [{ value: pid, latinScript: null }] },
      { name: `${LP}LegalName`, nameFormat: null, friendlyName: null, values: [{ value: 'Musterfirma GmbH', latinScript: null }] },
    ];
    const upstream = readUpstreamAttributes([...MDS, ...legal('DE/ES/HRB-1')], EXPECT);
    assert.deepEqual(upstream.map((a) => [a.friendlyName, a.values]), [['LegalPersonIdentifier', ['DE/ES/HRB-1']], ['LegalName', ['Musterfirma GmbH']]]);
    assert.deepEqual(readUpstreamAttributes([...MDS, legal('DE/ES/HRB-1')[1]!], EXPECT), [], 'a name alone is no legal person');
    assert.throws(() => readUpstreamAttributes(legal('FR/ES/1'), EXPECT), /LegalPersonIdentifier from FR/);
    const names = (policy: object, requested: string[]) => releasableUpstreamAttributes(upstream, spPolicySchema.parse(policy), requested).map((a) => a.friendlyName);
    assert.deepEqual(names({}, []), [], 'not requested, no list: nothing');
    assert.deepEqual(names({}, [`${LP}LegalName`]), ['LegalName']);
    assert.deepEqual(names({ releasedAttributes: [`${LP}LegalPersonIdentifier`] }, [`${LP}LegalName`]), ['LegalPersonIdentifier'], 'the policy list decides');
  });

  it('passes on the optional natural-person attributes the node sent, released only as the SP policy allows', () => {
    const address = Buffer.from('<eidas:LocatorDesignator>22</eidas:LocatorDesignator>'.repeat(8)).toString('base64');
    const sent = [...MDS, attr('BirthName', ['Παπαδοπούλου', false], ['Papadopoulou', true]), attr('PlaceOfBirth', ['Bonn', null]), attr('CurrentAddress', [address, null]), attr('Gender', ['Female', null])];
    const upstream = readUpstreamAttributes(sent, EXPECT);
    assert.deepEqual(upstream.map((a) => [a.name, a.friendlyName, a.values]), [
      [`${NP}BirthName`, 'BirthName', ['Papadopoulou']],
      [`${NP}PlaceOfBirth`, 'PlaceOfBirth', ['Bonn']],
      [`${NP}CurrentAddress`, 'CurrentAddress', [address]],
      [`${NP}Gender`, 'Gender', ['Female']],
    ]);
    assert.deepEqual(readUpstreamAttributes(MDS, EXPECT), [], 'nothing beyond the minimum data set: nothing passed on');
    const released = releasableUpstreamAttributes(upstream, spPolicySchema.parse({}), [`${NP}Gender`, `${NP}PlaceOfBirth`]).map((a) => a.friendlyName);
    assert.deepEqual(released, ['PlaceOfBirth', 'Gender'], 'only what the SP requested (no policy list)');
  });

  it('passes on representative attributes under their own names, identifiers checked like the subject\'s', () => {
    const REP = `${NP}representative/`;
    const LREP = 'http://eidas.europa.eu/attributes/legalperson/representative/';
    const rep = (name: string, value: string): ReceivedAttribute => ({ name, nameFormat: null, friendlyName: null, values: [{ value, latinScript: null }] });
    const sent = [...MDS, rep(`${REP}PersonIdentifier`, 'DE/ES/REP-1'), rep(`${REP}CurrentFamilyName`, 'Schmidt'), rep(`${LREP}LegalPersonIdentifier`, 'DE/ES/HRB-9'), rep(`${LREP}LegalName`, 'Vertreter GmbH')];
    assert.deepEqual(readUpstreamAttributes(sent, EXPECT).map((a) => [a.name, a.friendlyName, a.values]), [
      [`${REP}PersonIdentifier`, 'RepresentativePersonIdentifier', ['DE/ES/REP-1']],
      [`${REP}CurrentFamilyName`, 'RepresentativeFamilyName', ['Schmidt']],
      [`${LREP}LegalPersonIdentifier`, 'RepresentativeLegalPersonIdentifier', ['DE/ES/HRB-9']],
      [`${LREP}LegalName`, 'RepresentativeLegalName', ['Vertreter GmbH']],
    ]);
    assert.throws(() => readUpstreamAttributes([...MDS, rep(`${REP}PersonIdentifier`, 'FR/ES/REP-1')], EXPECT), /RepresentativePersonIdentifier from FR/);
    assert.throws(() => readUpstreamAttributes([...MDS, rep(`${LREP}LegalPersonIdentifier`, 'HRB-9')], EXPECT), /RepresentativeLegalPersonIdentifier is not XX\/YY/);
  });
});
