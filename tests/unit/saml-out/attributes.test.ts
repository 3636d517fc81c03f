import assert from 'node:assert/strict';
import type { Person } from '../../../broker/identity/person.js';
import { releaseAttributes, CLAVE_SELECTED_IDP } from '../../../broker/saml/attributes.js';

const NP = 'http://eidas.europa.eu/attributes/naturalperson/';
const CL = 'http://es.minhafp.clave/';

const person: Person = {
  id: '6c0a8c1e-0000-4000-8000-000000000001',
  documentType: 'DNI',
  documentNumber: '12345678Z',
  documentDate: '2030-01-01',
  supportNumber: null,
  eidasPersonIdentifier: null,
  givenName: 'María José',
  firstSurname: 'García',
  secondSurname: 'López',
  dateOfBirth: '1980-02-29',
  mobile: '+34600000000',
  email: 'mj@example.es',
  registrationLevel: 'advanced',
  status: 'active',
  createdAt: new Date('2026-01-01T00:00:00Z'),
};

const eidasOnly = { dialects: ['eidas'] as ('eidas' | 'clave' | 'eherkenning')[] };
const both = { dialects: ['eidas', 'clave'] as ('eidas' | 'clave' | 'eherkenning')[] };
const base = { person, method: 'pin', registrationLevel: 'basic' as const, requested: [] as string[] };
const table = (attrs: ReturnType<typeof releaseAttributes>) => attrs.map((a) => [a.name, a.friendlyName, a.values.join('|')]);

describe('saml-out attributes: release policy ∩ request (design.md "Assertion attributes")', () => {
  it('default policy, nothing requested: the eIDAS minimum data set with eIDAS FriendlyNames', () => {
    assert.deepEqual(table(releaseAttributes({ ...base, policy: eidasOnly })), [
      [`${NP}PersonIdentifier`, 'PersonIdentifier', 'ES/ES/12345678Z'],
      [`${NP}CurrentGivenName`, 'FirstName', 'María José'],
      [`${NP}CurrentFamilyName`, 'FamilyName', 'García López'],
      [`${NP}DateOfBirth`, 'DateOfBirth', '1980-02-29'],
    ]);
  });

  it('every attribute has NameFormat uri', () => {
    for (const a of releaseAttributes({ ...base, policy: both, relayState: 'r' })) assert.equal(a.nameFormat, 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri');
  });

  it('Cl@ve dialect adds FirstSurname, SelectedIdP, RelayState (echoed), RegisterType; FriendlyName = last segment', () => {
    const got = table(releaseAttributes({ ...base, policy: both, relayState: 'abc.def.ghi' })).slice(4);
    assert.deepEqual(got, [
      [`${CL}FirstSurname`, 'FirstSurname', 'García'],
      [`${CL}SelectedIdP`, 'SelectedIdP', 'PIN24H'],
      [`${CL}RelayState`, 'RelayState', 'abc.def.ghi'],
      [`${CL}RegisterType`, 'RegisterType', 'basic'],
    ]);
  });

  it('SelectedIdP per method', () => {
    assert.deepEqual(CLAVE_SELECTED_IDP, {
      pin: 'PIN24H', permanente: 'SEGSOC', 'permanente-reinforced': 'SEGSOC', movil: 'CLVMOVIL',
      certificate: 'AFIRMA', 'certificate-qualified-device': 'AFIRMA', eidas: 'EIDAS',
    });
    const sel = (method: string) => releaseAttributes({ ...base, method, policy: both }).find((a) => a.friendlyName === 'SelectedIdP')?.values[0];
    assert.equal(sel('movil'), 'CLVMOVIL');
    assert.equal(sel('certificate-qualified-device'), 'AFIRMA');
  });

  it('no RelayState: the Cl@ve RelayState attribute is left out', () => {
    assert.equal(releaseAttributes({ ...base, policy: both }).some((a) => a.friendlyName === 'RelayState'), false);
  });

  it('a request narrows the policy, but the eIDAS minimum data set is always included (eidas dialect)', () => {
    const got = releaseAttributes({ ...base, policy: both, requested: [`${CL}SelectedIdP`] }).map((a) => a.friendlyName);
    assert.deepEqual(got, ['PersonIdentifier', 'FirstName', 'FamilyName', 'DateOfBirth', 'SelectedIdP']);
  });

  it('requested but not in the policy: not released (EmailAddress only on request AND policy)', () => {
    const notAllowed = releaseAttributes({ ...base, policy: eidasOnly, requested: [`${NP}EmailAddress`] }).map((a) => a.friendlyName);
    assert.deepEqual(notAllowed, ['PersonIdentifier', 'FirstName', 'FamilyName', 'DateOfBirth']);
    const policy = { ...eidasOnly, releasedAttributes: [`${NP}PersonIdentifier`, `${NP}EmailAddress`, `${NP}PhoneNumber`] };
    assert.deepEqual(table(releaseAttributes({ ...base, policy, requested: [`${NP}EmailAddress`] })), [
      [`${NP}PersonIdentifier`, 'PersonIdentifier', 'ES/ES/12345678Z'],
      [`${NP}EmailAddress`, 'EmailAddress', 'mj@example.es'],
    ]);
    // nothing requested: the policy's whole list
    assert.deepEqual(releaseAttributes({ ...base, policy }).map((a) => a.friendlyName), ['PersonIdentifier', 'EmailAddress', 'PhoneNumber']);
  });

  it('a Cl@ve-only SP gets no eIDAS minimum forced on it beyond its policy', () => {
    const got = releaseAttributes({ ...base, policy: { dialects: ['clave'], releasedAttributes: [`${CL}SelectedIdP`] }, requested: [`${CL}SelectedIdP`] });
    assert.deepEqual(got.map((a) => a.friendlyName), ['SelectedIdP']);
  });

  it('eIDAS login: PersonIdentifier is the node’s; one surname; missing date of birth left out', () => {
    const foreign: Person = { ...person, documentType: null, documentNumber: null, eidasPersonIdentifier: 'DE/ES/abc123', secondSurname: null, dateOfBirth: null };
    assert.deepEqual(table(releaseAttributes({ ...base, person: foreign, method: 'eidas', policy: eidasOnly })), [
      [`${NP}PersonIdentifier`, 'PersonIdentifier', 'DE/ES/abc123'],
      [`${NP}CurrentGivenName`, 'FirstName', 'María José'],
      [`${NP}CurrentFamilyName`, 'FamilyName', 'García'],
    ]);
  });

  it('NIE holders: ES/ES/<NIE>', () => {
    const nie: Person = { ...person, documentType: 'NIE', documentNumber: 'X1234567L' };
    assert.equal(releaseAttributes({ ...base, person: nie, policy: eidasOnly })[0]!.values[0], 'ES/ES/X1234567L');
  });

  it('method-disabling Cl@ve attributes are never released', () => {
    const got = releaseAttributes({ ...base, policy: both, requested: [`${CL}AFirmaIdP`, `${CL}GISSIdP`] });
    assert.equal(got.some((a) => a.name.endsWith('IdP') && a.friendlyName !== 'SelectedIdP'), false);
  });
});
