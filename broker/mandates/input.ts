// Checks of what callers hand in, each refusal an `invalid` with a message safe to show: the
// management API passes request bodies through, so nothing here may assume the types held.
import { isValidDocument, isValidMobile, normaliseDocument, normaliseMobile } from '../identity/documents.js';
import { isLoaRung, type LoaRung } from '../loa.js';
import { isDay, type Day } from './dates.js';
import { IdentifierError, normaliseIdentifier, normaliseBranchNumber, normaliseRsin } from './identifiers.js';
import { MEMBER_LEVELS, MandateRuleError, type Address, type MemberLevel, type MemberRole, type NewMember, type OrganisationIdentifier } from './model.js';

export function invalid(message: string, reason = 'invalid-input'): MandateRuleError {
  return new MandateRuleError('invalid', message, reason);
}

export function text(value: unknown, what: string, max = 200): string {
  if (typeof value !== 'string' || !value.trim()) throw invalid(`${what} is required`);
  const s = value.trim();
  if (s.length > max) throw invalid(`${what} is at most ${max} characters`);
  return s;
}

export function optionalText(value: unknown, what: string, max = 200): string | null {
  return value === undefined || value === null || value === '' ? null : text(value, what, max);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function emailAddress(value: unknown, what = 'the e-mail address'): string {
  const s = text(value, what, 254);
  if (!EMAIL.test(s)) throw invalid(`${what} is not a valid e-mail address`, 'invalid-email');
  return s;
}

export function mobile(value: unknown): string {
  if (typeof value !== 'string' || !isValidMobile(value)) throw invalid('the mobile number must be international, e.g. +34600000000', 'invalid-mobile');
  return normaliseMobile(value);
}

export function day(value: unknown, what: string): Day {
  if (!isDay(value)) throw invalid(`${what} must be a day written yyyy-mm-dd`, 'invalid-date');
  return value;
}

export function level(value: unknown): MemberLevel {
  if (!(MEMBER_LEVELS as readonly unknown[]).includes(value)) throw invalid(`the level must be one of ${MEMBER_LEVELS.join(', ')}`, 'invalid-level');
  return value as MemberLevel;
}

export function role(value: unknown): MemberRole {
  if (value !== 'administrator' && value !== 'user') throw invalid('the role must be administrator or user', 'invalid-role');
  return value;
}

export function rung(value: unknown): LoaRung {
  if (!isLoaRung(value)) throw invalid('the rung must be one of 1, 2, 2+, 3, 4', 'invalid-rung');
  return value;
}

export function identifier(value: unknown): OrganisationIdentifier {
  const v = value as { type?: unknown; value?: unknown } | null;
  if (!v || typeof v !== 'object' || typeof v.type !== 'string' || typeof v.value !== 'string') throw invalid('the identifier needs a type and a value', 'invalid-identifier');
  try {
    return normaliseIdentifier({ type: v.type, value: v.value });
  } catch (err) {
    if (err instanceof IdentifierError) throw invalid(err.message, 'invalid-identifier');
    throw err;
  }
}

function identifierPart<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof IdentifierError) throw invalid(err.message, 'invalid-identifier');
    throw err;
  }
}

export const branchNumber = (v: unknown): string => identifierPart(() => normaliseBranchNumber(typeof v === 'string' ? v : ''));
export const rsin = (v: unknown): string => identifierPart(() => normaliseRsin(typeof v === 'string' ? v : ''));

export function address(value: unknown): Address | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object') throw invalid('the address must be an object');
  const a = value as Record<string, unknown>;
  const country = optionalText(a.country, 'the country', 2);
  if (country !== null && !/^[A-Za-z]{2}$/.test(country)) throw invalid('the country is an ISO 3166 two-letter code');
  return { street: optionalText(a.street, 'the street'), postcode: optionalText(a.postcode, 'the postcode', 20), city: optionalText(a.city, 'the city'), country: country?.toUpperCase() ?? null };
}

const EIDAS_PERSON = /^[A-Z]{2}\/[A-Z]{2}\/\S{1,200}$/;
const ID_DOCUMENT_TYPES = ['DNI', 'NIE', 'passport', 'identity-card', 'residence-permit', 'driving-licence'];

/** a new member's data as the members table stores it */
export function newMember(value: NewMember, today: Day) {
  if (!value || typeof value !== 'object') throw invalid('the member is required');
  const s = value.subject as unknown as Record<string, unknown> | undefined;
  let subject: { subject_kind: 'registry' | 'eidas' | 'invitation'; document_type: 'DNI' | 'NIE' | null; document_number: string | null; eidas_person_identifier: string | null; invitation_email: string | null };
  if (s?.kind === 'registry') {
    const number = typeof s.documentNumber === 'string' ? normaliseDocument(s.documentNumber) : '';
    if ((s.documentType !== 'DNI' && s.documentType !== 'NIE') || !isValidDocument(number)) throw invalid('the DNI or NIE number is not valid (check the letter)', 'invalid-document');
    const type = /^\d/.test(number) ? 'DNI' : 'NIE';
    if (type !== s.documentType) throw invalid(`${number} is a ${type}, not a ${String(s.documentType)}`, 'invalid-document');
    subject = { subject_kind: 'registry', document_type: type, document_number: number, eidas_person_identifier: null, invitation_email: null };
  } else if (s?.kind === 'eidas') {
    const id = typeof s.personIdentifier === 'string' ? s.personIdentifier.trim() : '';
    if (!EIDAS_PERSON.test(id)) throw invalid('an eIDAS PersonIdentifier is XX/YY/value', 'invalid-eidas-identifier');
    subject = { subject_kind: 'eidas', document_type: null, document_number: null, eidas_person_identifier: id, invitation_email: null };
  } else if (s?.kind === 'invitation') {
    subject = { subject_kind: 'invitation', document_type: null, document_number: null, eidas_person_identifier: null, invitation_email: emailAddress(s.email, 'the invitation e-mail address') };
  } else throw invalid('the member is a registry person (DNI/NIE), an eIDAS person or an invitation', 'invalid-subject');

  const doc = value.idDocument;
  if (doc !== undefined && (typeof doc !== 'object' || doc === null || !ID_DOCUMENT_TYPES.includes(doc.type))) throw invalid(`the identity document type is one of ${ID_DOCUMENT_TYPES.join(', ')}`);
  const periodEnd = value.periodEnd === undefined ? null : day(value.periodEnd, 'the end of the period');
  if (periodEnd !== null && periodEnd <= today) throw invalid('the end of the period must be after today', 'invalid-date');
  return {
    ...subject,
    given_name: text(value.givenName, 'the given name'),
    surname: text(value.surname, 'the surname'),
    date_of_birth: value.dateOfBirth === undefined ? null : day(value.dateOfBirth, 'the date of birth'),
    id_document_type: doc?.type ?? null,
    id_document_number: doc ? text(doc.number, 'the identity document number', 40).toUpperCase() : null,
    id_document_expiry: doc?.expiry === undefined ? null : day(doc.expiry, 'the identity document expiry'),
    role: role(value.role),
    level: level(value.level),
    contact_mobile: value.contactMobile === undefined || value.contactMobile === '' ? null : mobile(value.contactMobile),
    contact_email: emailAddress(value.contactEmail, 'the contact e-mail address'),
    period_end: periodEnd,
  };
}

