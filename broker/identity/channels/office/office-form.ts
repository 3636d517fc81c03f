// What a registrar types at the office counter, read and checked before anything is written:
// the identity document shown (type, number with its check letter, DNI date or NIE support
// number), the person's names, date of birth and nationality, mobile and e-mail, and for a minor
// (under 18 on the office's today) the guardian's document and the proof of parental authority
// (seed 000 §2.7.2). Each problem is a message key, shown beside the form; the registry validates
// again (and the database enforces one person per mobile) when the person is written.
import { z } from 'zod';
import { documentTypeOf, isIsoDate, isValidMobile, isValidSupportNumber, normaliseDocument, normaliseSupportNumber } from '../../documents.js';
import type { DocumentType, NewPerson } from '../../person.js';

export type Form = Readonly<Record<string, string>>;

export const PROOF_KINDS = ['family-book', 'civil-registry-certificate', 'court-order'] as const;
export const RELATIONSHIPS = ['parent', 'legal-guardian'] as const;
export const GUARDIAN_DOCUMENTS = ['DNI', 'NIE', 'passport'] as const;

export interface Guardian {
  readonly documentKind: (typeof GUARDIAN_DOCUMENTS)[number];
  readonly documentNumber: string;
  readonly givenName: string;
  readonly firstSurname: string;
  readonly secondSurname: string | undefined;
  readonly relationship: (typeof RELATIONSHIPS)[number];
  readonly proofKind: (typeof PROOF_KINDS)[number];
  readonly proofReference: string;
}

export interface Contact {
  readonly mobile: string | undefined;
  readonly email: string | undefined;
}

export interface NewPersonAtOffice {
  readonly person: NewPerson & { registrationLevel: 'advanced' };
  readonly documentType: DocumentType;
  readonly nationality: string;
  /** present for a minor, required then */
  readonly guardian: Guardian | undefined;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: string[] };

const text = (max: number) => z.string().trim().max(max);
const optional = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);
const regions = new Intl.DisplayNames(['en'], { type: 'region' });

/** An ISO 3166-1 alpha-2 code that names a region (Intl knows it), upper-case. */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && regions.of(code) !== code;
}

/** Whole years between a date of birth and `today` (both yyyy-mm-dd). */
export function ageOn(dateOfBirth: string, today: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

export const ADULT_AGE = 18;

/** The contact fields; an empty field is "none". */
export function readContact(form: Form, problems: string[]): Contact {
  const mobile = optional(form.mobile);
  const email = optional(form.email);
  if (mobile !== undefined && !isValidMobile(mobile)) problems.push('office.problem.mobile');
  if (email !== undefined && (email.length > 200 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))) problems.push('office.problem.email');
  return { mobile, email };
}

function readGuardian(form: Form, problems: string[]): Guardian | undefined {
  const kind = form.guardianDocumentKind;
  const number = optional(form.guardianDocumentNumber);
  const givenName = text(200).safeParse(form.guardianGivenName ?? '');
  const firstSurname = text(200).safeParse(form.guardianFirstSurname ?? '');
  const relationship = form.guardianRelationship;
  const proofKind = form.proofKind;
  const proofReference = optional(form.proofReference);
  const before = problems.length;
  if (!(GUARDIAN_DOCUMENTS as readonly string[]).includes(kind ?? '')) problems.push('office.problem.guardianDocumentKind');
  else if (!number || number.length > 30) problems.push('office.problem.guardianDocumentNumber');
  else if (kind !== 'passport' && documentTypeOf(number) !== kind) problems.push('office.problem.guardianDocumentNumber');
  if (!givenName.success || !givenName.data || !firstSurname.success || !firstSurname.data) problems.push('office.problem.guardianName');
  if (!(RELATIONSHIPS as readonly string[]).includes(relationship ?? '')) problems.push('office.problem.relationship');
  if (!(PROOF_KINDS as readonly string[]).includes(proofKind ?? '') || !proofReference || proofReference.length > 200) problems.push('office.problem.proof');
  if (form.minorPresent !== 'yes') problems.push('office.problem.minorPresent');
  if (problems.length > before) return undefined;
  return {
    documentKind: kind as Guardian['documentKind'],
    documentNumber: kind === 'passport' ? number!.toUpperCase() : normaliseDocument(number!),
    givenName: givenName.data!,
    firstSurname: firstSurname.data!,
    secondSurname: optional(form.guardianSecondSurname),
    relationship: relationship as Guardian['relationship'],
    proofKind: proofKind as Guardian['proofKind'],
    proofReference: proofReference!,
  };
}

/** The guardian's part of the form, required (and read) only for a person under 18 on `today`. */
export function readGuardianIfMinor(dateOfBirth: string | null, form: Form, today: string, problems: string[]): Guardian | undefined {
  return dateOfBirth !== null && ageOn(dateOfBirth, today) < ADULT_AGE ? readGuardian(form, problems) : undefined;
}

/** A new person from the document shown; `today` (yyyy-mm-dd, the office's day) decides who is a minor. */
export function readNewPerson(form: Form, today: string): Checked<NewPersonAtOffice> {
  const problems: string[] = [];
  if (form.documentChecked !== 'yes') problems.push('office.problem.documentChecked');
  const chosen = form.documentType;
  const number = normaliseDocument(form.documentNumber ?? '');
  const actual = documentTypeOf(number);
  if (chosen !== 'DNI' && chosen !== 'NIE') problems.push('office.problem.documentType');
  else if (!actual) problems.push('office.problem.documentNumber');
  else if (actual !== chosen) problems.push(chosen === 'DNI' ? 'office.problem.notDni' : 'office.problem.notNie');
  const documentDate = optional(form.documentDate);
  const supportNumber = optional(form.supportNumber);
  if (actual === 'DNI' && (!documentDate || !isIsoDate(documentDate))) problems.push('office.problem.documentDate');
  if (actual === 'DNI' && documentDate && isIsoDate(documentDate) && documentDate < today) problems.push('office.problem.documentExpired');
  if (actual === 'NIE' && (!supportNumber || !isValidSupportNumber(supportNumber))) problems.push('office.problem.supportNumber');
  const givenName = optional(form.givenName);
  const firstSurname = optional(form.firstSurname);
  const secondSurname = optional(form.secondSurname);
  if (!givenName || !firstSurname || givenName.length > 200 || firstSurname.length > 200 || (secondSurname?.length ?? 0) > 200) problems.push('office.problem.names');
  const dateOfBirth = optional(form.dateOfBirth);
  if (!dateOfBirth || !isIsoDate(dateOfBirth) || dateOfBirth > today) problems.push('office.problem.dateOfBirth');
  const nationality = (form.nationality ?? '').trim().toUpperCase();
  if (!isCountryCode(nationality)) problems.push('office.problem.nationality');
  // a DNI is issued to Spanish nationals only; a NIE to foreigners only
  else if (actual === 'DNI' && nationality !== 'ES') problems.push('office.problem.dniNationality');
  else if (actual === 'NIE' && nationality === 'ES') problems.push('office.problem.nieNationality');
  const contact = readContact(form, problems);
  const born = dateOfBirth !== undefined && isIsoDate(dateOfBirth) && dateOfBirth <= today;
  const guardian = born ? readGuardianIfMinor(dateOfBirth, form, today, problems) : undefined;
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      person: {
        documentNumber: number,
        ...(actual === 'DNI' ? { documentDate: documentDate! } : { supportNumber: normaliseSupportNumber(supportNumber!) }),
        givenName: givenName!,
        firstSurname: firstSurname!,
        ...(secondSurname ? { secondSurname } : {}),
        dateOfBirth: dateOfBirth!,
        ...(contact.mobile ? { mobile: contact.mobile } : {}),
        ...(contact.email ? { email: contact.email } : {}),
        registrationLevel: 'advanced',
      },
      documentType: actual!,
      nationality,
      guardian,
    },
  };
}
