// The request form (seed 002, step 1) read into RequestDetails, or every problem at once. Slots
// are wall-clock times of the office and must lie in the future.
import { isIsoDate, isValidDocument, isValidMobile, normaliseDocument, normaliseMobile } from '../../documents.js';
import { instantOfLocal } from './office-calendar.js';
import { formField as field } from '../../../web/form-field.js';
import { INTERVIEW_LANGUAGES, type InterviewLanguage, type RequestDetails, type Sex } from './requests.js';

export const SLOT_FIELDS = 3;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_TEXT = 200;
const MAX_MOTIVATION = 1000;

export type RequestProblem =
  | 'givenName' | 'firstSurname' | 'dateOfBirth' | 'countryOfBirth' | 'placeOfBirth' | 'sex' | 'documentNumber'
  | 'email' | 'mobile' | 'motivation' | 'slots' | 'language' | 'consent' | 'tooLong';

// the channel's routes and pages import the shared reader from here, as `field`
export { formField as field } from '../../../web/form-field.js';

export type RequestForm = { ok: true; details: RequestDetails } | { ok: false; problems: RequestProblem[] };

export function readRequestForm(body: unknown, timeZone: string, now: Date): RequestForm {
  const problems: RequestProblem[] = [];
  const text = (name: string, problem: RequestProblem, required = true): string => {
    const v = field(body, name);
    if (required && !v) problems.push(problem);
    if (v.length > MAX_TEXT && !problems.includes('tooLong')) problems.push('tooLong');
    return v;
  };
  const givenName = text('givenName', 'givenName');
  const firstSurname = text('firstSurname', 'firstSurname');
  const secondSurname = text('secondSurname', 'firstSurname', false);
  const dateOfBirth = field(body, 'dateOfBirth');
  if (!isIsoDate(dateOfBirth) || dateOfBirth >= now.toISOString().slice(0, 10) || dateOfBirth < '1900-01-01') problems.push('dateOfBirth');
  const countryOfBirth = text('countryOfBirth', 'countryOfBirth');
  const placeOfBirth = text('placeOfBirth', 'placeOfBirth');
  const sex = field(body, 'sex');
  if (!['F', 'M', 'X'].includes(sex)) problems.push('sex');
  const documentRaw = field(body, 'documentNumber');
  if (documentRaw && !isValidDocument(documentRaw)) problems.push('documentNumber');
  const email = field(body, 'email');
  if (!EMAIL.test(email) || email.length > MAX_TEXT) problems.push('email');
  const mobileRaw = field(body, 'mobile');
  if (mobileRaw && !isValidMobile(mobileRaw)) problems.push('mobile');
  const motivation = field(body, 'motivation');
  if (!motivation || motivation.length > MAX_MOTIVATION) problems.push('motivation');
  const slots: string[] = [];
  for (let i = 1; i <= SLOT_FIELDS; i++) {
    const v = field(body, `slot${i}`);
    if (!v) continue;
    const at = instantOfLocal(v, timeZone);
    if (!at || at <= now) {
      problems.push('slots');
      break;
    }
    slots.push(v);
  }
  if (slots.length === 0 && !problems.includes('slots')) problems.push('slots');
  const language = field(body, 'language');
  if (!(INTERVIEW_LANGUAGES as readonly string[]).includes(language)) problems.push('language');
  if (field(body, 'consent') !== 'yes') problems.push('consent');
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    details: {
      givenName,
      firstSurname,
      secondSurname: secondSurname || null,
      dateOfBirth,
      countryOfBirth,
      placeOfBirth,
      sex: sex as Sex,
      documentNumber: documentRaw ? normaliseDocument(documentRaw) : null,
      email,
      mobile: mobileRaw ? normaliseMobile(mobileRaw) : null,
      motivation,
      preferredSlots: slots,
      language: language as InterviewLanguage,
    },
  };
}
