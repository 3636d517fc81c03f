// What the invitation-letter forms carry, read and checked once: the identity data (DNI/NIE with
// the DNI's date or the NIE's support number) and the contact details.
import { isIsoDate, isValidDocument, isValidMobile, isValidSupportNumber, normaliseDocument, normaliseMobile } from '../../documents.js';
import type { ContrastData } from '../../person.js';
import type { ContrastDataValues } from '../../../web/contrast-data-fields.js';
import { formField as field } from '../../../web/form-field.js';
import type { ContactDetails } from './complete-registration.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** the identity fields as typed, to show the form again */
export function typedIdentity(body: unknown): ContrastDataValues {
  return { document: field(body, 'document'), documentDate: field(body, 'documentDate'), supportNumber: field(body, 'supportNumber') };
}

/** the typed identity data, when well formed */
export function identityData(body: unknown): { document: string; contrast: ContrastData } | undefined {
  const document = normaliseDocument(field(body, 'document'));
  const documentDate = field(body, 'documentDate');
  const supportNumber = field(body, 'supportNumber');
  if (!isValidDocument(document)) return undefined;
  if (documentDate && isIsoDate(documentDate)) return { document, contrast: { documentDate } };
  if (supportNumber && isValidSupportNumber(supportNumber)) return { document, contrast: { supportNumber } };
  return undefined;
}

/** mobile (E.164 once normalised), e-mail and the accepted conditions; else the message key of the first problem */
export function contactDetails(body: unknown): { ok: true; contact: ContactDetails } | { ok: false; problem: string } {
  const mobile = field(body, 'mobile');
  const email = field(body, 'email');
  if (!isValidMobile(mobile)) return { ok: false, problem: 'letter.error.mobileInvalid' };
  if (!EMAIL.test(email) || email.length > 200) return { ok: false, problem: 'letter.error.emailInvalid' };
  if (field(body, 'conditions') !== 'accepted') return { ok: false, problem: 'letter.error.conditions' };
  return { ok: true, contact: { mobile: normaliseMobile(mobile), email } };
}
