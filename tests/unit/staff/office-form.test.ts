// The office form's reading (broker/identity/channels/office/office-form.ts): who is a minor on
// the office's day, the document shown (type against number, DNI date or NIE support number,
// expiry), the nationality a DNI or NIE allows, and the guardian's part a minor needs.
import assert from 'node:assert/strict';
import { ageOn, isCountryCode, readNewPerson } from '../../../broker/identity/channels/office/office-form.js';

const TODAY = '2026-11-23';
const ADULT = { documentType: 'DNI', documentNumber: '11111111h', documentDate: '2030-01-01', givenName: ' Ana ', firstSurname: 'Ruiz', dateOfBirth: '1990-02-03', nationality: 'es', documentChecked: 'yes' };
const GUARDIAN = { guardianDocumentKind: 'passport', guardianDocumentNumber: 'ab123456', guardianGivenName: 'Marta', guardianFirstSurname: 'Ruiz', guardianRelationship: 'legal-guardian', proofKind: 'court-order', proofReference: 'Auto 12/2020', minorPresent: 'yes' };

const problemsOf = (form: Record<string, string>) => {
  const r = readNewPerson(form, TODAY);
  return r.ok ? [] : r.problems;
};

describe('office form', () => {
  it('counts whole years: 18 on the birthday itself, a 29 February birthday on 1 March', () => {
    assert.equal(ageOn('2008-11-23', TODAY), 18);
    assert.equal(ageOn('2008-11-24', TODAY), 17);
    assert.equal(ageOn('2008-02-29', '2026-02-28'), 17);
    assert.equal(ageOn('2008-02-29', '2026-03-01'), 18);
  });

  it('knows country codes by Intl, not by shape', () => {
    assert.ok(isCountryCode('ES') && isCountryCode('MA'));
    assert.ok(!isCountryCode('XX') && !isCountryCode('es') && !isCountryCode('ESP'));
  });

  it('reads an adult with a DNI: normalised number, trimmed names, no guardian, advanced', () => {
    const r = readNewPerson(ADULT, TODAY);
    assert.ok(r.ok);
    assert.equal(r.value.person.documentNumber, '11111111H');
    assert.equal(r.value.person.givenName, 'Ana');
    assert.equal(r.value.person.registrationLevel, 'advanced');
    assert.equal(r.value.nationality, 'ES');
    assert.equal(r.value.guardian, undefined);
    assert.ok(!('supportNumber' in r.value.person));
  });

  it('reads a NIE with its support number and a foreign nationality; refuses ES for a NIE and a foreign one for a DNI', () => {
    const nie = { ...ADULT, documentType: 'NIE', documentNumber: 'X1234567L', documentDate: '', supportNumber: 'e12345678', nationality: 'NL' };
    const r = readNewPerson(nie, TODAY);
    assert.ok(r.ok);
    assert.equal(r.value.person.supportNumber, 'E12345678');
    assert.deepEqual(problemsOf({ ...nie, nationality: 'ES' }), ['office.problem.nieNationality']);
    assert.deepEqual(problemsOf({ ...ADULT, nationality: 'FR' }), ['office.problem.dniNationality']);
  });

  it('refuses a type that does not match the number, a wrong check letter, an expired DNI, an unchecked document', () => {
    assert.ok(problemsOf({ ...ADULT, documentType: 'NIE' }).includes('office.problem.notNie'));
    assert.ok(problemsOf({ ...ADULT, documentNumber: '11111111A' }).includes('office.problem.documentNumber'));
    assert.deepEqual(problemsOf({ ...ADULT, documentDate: '2026-11-22' }), ['office.problem.documentExpired']);
    assert.deepEqual(problemsOf({ ...ADULT, documentDate: '2026-11-23' }), []);
    assert.deepEqual(problemsOf({ ...ADULT, documentChecked: '' }), ['office.problem.documentChecked']);
    assert.deepEqual(problemsOf({ ...ADULT, dateOfBirth: '2027-01-01' }), ['office.problem.dateOfBirth']);
  });

  it('asks a minor for the whole guardian part, and accepts a guardian with a passport', () => {
    const minor = { ...ADULT, dateOfBirth: '2008-11-24' };
    assert.deepEqual(problemsOf(minor), ['office.problem.guardianDocumentKind', 'office.problem.guardianName', 'office.problem.relationship', 'office.problem.proof', 'office.problem.minorPresent']);
    const r = readNewPerson({ ...minor, ...GUARDIAN }, TODAY);
    assert.ok(r.ok);
    assert.deepEqual(r.value.guardian, { documentKind: 'passport', documentNumber: 'AB123456', givenName: 'Marta', firstSurname: 'Ruiz', secondSurname: undefined, relationship: 'legal-guardian', proofKind: 'court-order', proofReference: 'Auto 12/2020' });
    assert.ok(problemsOf({ ...minor, ...GUARDIAN, guardianDocumentKind: 'DNI', guardianDocumentNumber: '44444444B' }).includes('office.problem.guardianDocumentNumber'));
    assert.deepEqual(problemsOf({ ...minor, ...GUARDIAN, minorPresent: '' }), ['office.problem.minorPresent']);
    assert.ok(readNewPerson({ ...ADULT, dateOfBirth: '2008-11-23' }, TODAY).ok, 'on their 18th birthday a person needs no guardian');
  });
});
