// The identity registry over the durable store. Validation happens here, once, for every way a
// person arrives (registrar API, CLI, seed file); uniqueness is also enforced by the database so
// two concurrent registrations cannot both win.
import { constantEquals } from '../constant-equals.js';
import { sql, type Kysely } from 'kysely';
import type { DbSchema, NewPersonRow, PersonRow } from '../store/schema.js';
import {
  documentTypeOf,
  isIsoDate,
  isValidMobile,
  isValidSupportNumber,
  normaliseDocument,
  normaliseMobile,
  normaliseSupportNumber,
} from './documents.js';
import type { ContrastData, NewPerson, Person } from './person.js';
import type { IdentityRegistry } from './registry.js';

export type IdentityErrorCode = 'invalid-document' | 'mobile-taken' | 'duplicate' | 'invalid' | 'not-found' | 'inactive';

export class IdentityError extends Error {
  override name = 'IdentityError';
  constructor(readonly code: IdentityErrorCode, message: string) {
    super(message);
  }
}

const mobileTaken = (mobile: string) =>
  new IdentityError(
    'mobile-taken',
    `the mobile number ${mobile} is already linked to another person: only one DNI/NIE can be linked to the same ` +
      'mobile number, because the phone is the exclusive second factor',
  );

export function createIdentityRegistry(db: Kysely<DbSchema>): IdentityRegistry {
  const one = (column: 'id' | 'document_number' | 'eidas_person_identifier', value: string) =>
    db.selectFrom('persons').selectAll().where(column, '=', value).executeTakeFirst();

  async function add(person: NewPerson): Promise<Person> {
    const row = validate(person);
    if (row.document_number && (await one('document_number', row.document_number))) throw new IdentityError('duplicate', `a person with document ${row.document_number} is already registered`);
    if (row.eidas_person_identifier && (await one('eidas_person_identifier', row.eidas_person_identifier))) throw new IdentityError('duplicate', 'a person with this eIDAS identifier is already registered');
    // after the duplicate checks: registering someone again is 'duplicate', whatever their mobile
    if (row.mobile && (await db.selectFrom('persons').select('id').where('mobile', '=', row.mobile).executeTakeFirst())) throw mobileTaken(row.mobile);
    try {
      return toPerson(await db.insertInto('persons').values(row).returningAll().executeTakeFirstOrThrow());
    } catch (err) {
      throw uniqueViolation(err, row) ?? err;
    }
  }

  return {
    findById: async (id) => (isUuid(id) ? mapped(await one('id', id)) : undefined),
    findByDocument: async (documentNumber) => mapped(await one('document_number', normaliseDocument(documentNumber))),
    findByEidasIdentifier: async (pid) => mapped(await one('eidas_person_identifier', pid.trim())),
    async findByDocumentAndContrast(documentNumber, contrast) {
      const row = await one('document_number', normaliseDocument(documentNumber));
      return contrastMatches(row, contrast) && row ? toPerson(row) : undefined;
    },
    isMobileTaken: async (mobile) => !!(await db.selectFrom('persons').select('id').where('mobile', '=', normaliseMobile(mobile)).executeTakeFirst()),
    add,
    async updateForeignIdentity(pid, identity) {
      const row = validate({ eidasPersonIdentifier: pid, givenName: identity.givenName, firstSurname: identity.firstSurname, dateOfBirth: identity.dateOfBirth, registrationLevel: 'basic' });
      const updated = await db
        .updateTable('persons')
        .set({ given_name: row.given_name, first_surname: row.first_surname, date_of_birth: row.date_of_birth, updated_at: sql<Date>`now()` })
        .where('eidas_person_identifier', '=', row.eidas_person_identifier!)
        .where('document_number', 'is', null)
        .returningAll()
        .executeTakeFirst();
      return mapped(updated);
    },
    async changeContact(id, change) {
      if (!isUuid(id)) return undefined;
      const set: { email?: string; mobile?: string } = {};
      if (change.email !== undefined) set.email = validEmail(change.email);
      if (change.mobile !== undefined) set.mobile = validMobile(change.mobile);
      if (set.mobile && (await db.selectFrom('persons').select('id').where('mobile', '=', set.mobile).where('id', '!=', id).executeTakeFirst())) throw mobileTaken(set.mobile);
      try {
        const row = await db.updateTable('persons').set({ ...set, updated_at: sql<Date>`now()` }).where('id', '=', id).where('status', '=', 'active').returningAll().executeTakeFirst();
        return mapped(row);
      } catch (err) {
        throw (set.mobile ? uniqueViolation(err, { mobile: set.mobile }) : undefined) ?? err;
      }
    },
    async raiseToAdvanced(id) {
      if (!isUuid(id)) return undefined;
      const row = await db.updateTable('persons').set({ registration_level: 'advanced', updated_at: sql<Date>`now()` }).where('id', '=', id).where('status', '=', 'active').returningAll().executeTakeFirst();
      return mapped(row);
    },
    async seed(persons) {
      let added = 0;
      for (const p of persons) {
        const exists = async () =>
          p.documentNumber
            ? (await one('document_number', normaliseDocument(p.documentNumber))) !== undefined
            : p.eidasPersonIdentifier !== undefined && (await one('eidas_person_identifier', p.eidasPersonIdentifier.trim())) !== undefined;
        if (await exists()) continue;
        try {
          await add(p);
          added++;
        } catch (err) {
          // another node seeding the same file at the same time got there first: that is success
          if (err instanceof IdentityError && (err.code === 'duplicate' || err.code === 'mobile-taken') && (await exists())) continue;
          throw err;
        }
      }
      return added;
    },
  };
}

/**
 * Both branches do the same work: hash and compare both contrast fields against the stored values,
 * or against placeholders when no person was found, so timing does not tell "unknown document"
 * from "wrong contrast data".
 */
function contrastMatches(row: PersonRow | undefined, contrast: ContrastData): boolean {
  const givenDate = 'documentDate' in contrast ? contrast.documentDate.trim() : '';
  const givenSupport = 'supportNumber' in contrast ? normaliseSupportNumber(contrast.supportNumber) : '';
  const dateOk = constantEquals(row?.document_date ?? '\0absent', givenDate);
  const supportOk = constantEquals(row?.support_number ?? '\0absent', givenSupport);
  if (!row) return false;
  return row.document_type === 'DNI' ? dateOk && 'documentDate' in contrast : supportOk && 'supportNumber' in contrast;
}

function validate(p: NewPerson): NewPersonRow {
  const invalid = (message: string) => new IdentityError('invalid', message);
  const text = (v: string | undefined, name: string, required: boolean): string | null => {
    const t = v?.trim();
    if (!t) {
      if (required) throw invalid(`${name} is required`);
      return null;
    }
    if (t.length > 200) throw invalid(`${name} is longer than 200 characters`);
    return t;
  };
  const date = (v: string | undefined, name: string): string | null => {
    if (v === undefined) return null;
    if (!isIsoDate(v.trim())) throw invalid(`${name} must be a date written yyyy-mm-dd, got "${v}"`);
    return v.trim();
  };

  const documentNumber = p.documentNumber === undefined ? null : normaliseDocument(p.documentNumber);
  const documentType = documentNumber === null ? null : documentTypeOf(documentNumber);
  if (documentNumber !== null && !documentType)
    throw new IdentityError('invalid-document', `"${p.documentNumber}" is not a valid DNI (8 digits and check letter) or NIE (X, Y or Z, 7 digits and check letter)`);
  const eidas = p.eidasPersonIdentifier?.trim() || null;
  if (eidas !== null && !/^[A-Z]{2}\/[A-Z]{2}\/\S{1,256}$/.test(eidas)) throw invalid('eidasPersonIdentifier must look like XX/YY/identifier');
  if (documentNumber === null && eidas === null) throw invalid('a person needs a documentNumber (DNI/NIE) or an eidasPersonIdentifier');

  const documentDate = date(p.documentDate, 'documentDate');
  const supportNumber = p.supportNumber === undefined ? null : normaliseSupportNumber(p.supportNumber);
  if (documentType === 'DNI' && (documentDate === null || supportNumber !== null))
    throw invalid('a DNI is registered with its documentDate (validity date) and no supportNumber');
  if (documentType === 'NIE' && (supportNumber === null || documentDate !== null))
    throw invalid('a NIE is registered with its supportNumber (letter and 8 digits, printed on the card) and no documentDate');
  if (documentType === null && (supportNumber !== null || documentDate !== null)) throw invalid('documentDate and supportNumber belong to a DNI or NIE');
  if (supportNumber !== null && !isValidSupportNumber(supportNumber)) throw invalid(`supportNumber must be a letter and 8 digits, got "${p.supportNumber}"`);

  const mobile = p.mobile === undefined ? null : validMobile(p.mobile);
  const email = text(p.email, 'email', false);
  if (email !== null) validEmail(email);
  if (p.registrationLevel !== 'basic' && p.registrationLevel !== 'advanced') throw invalid('registrationLevel must be basic or advanced');
  const status = p.status ?? 'active';
  if (!['active', 'suspended', 'renounced'].includes(status)) throw invalid('status must be active, suspended or renounced');

  return {
    document_type: documentType ?? null,
    document_number: documentNumber,
    document_date: documentDate,
    support_number: supportNumber,
    eidas_person_identifier: eidas,
    given_name: text(p.givenName, 'givenName', true)!,
    first_surname: text(p.firstSurname, 'firstSurname', true)!,
    second_surname: text(p.secondSurname, 'secondSurname', false),
    date_of_birth: date(p.dateOfBirth, 'dateOfBirth'),
    mobile,
    email,
    registration_level: p.registrationLevel,
    status,
  };
}

function validMobile(raw: string): string {
  const mobile = normaliseMobile(raw);
  if (!isValidMobile(mobile)) throw new IdentityError('invalid', `mobile must be an international number in E.164 form (+34600000000), got "${raw}"`);
  return mobile;
}

function validEmail(raw: string): string {
  const email = raw.trim();
  if (email.length > 200 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new IdentityError('invalid', `email "${email}" is not an e-mail address`);
  return email;
}

/** A unique violation lost to a concurrent registration, as the error the caller would have got. */
function uniqueViolation(err: unknown, row: Pick<NewPersonRow, 'mobile'>): IdentityError | undefined {
  const e = err as { code?: string; constraint?: string; message?: string };
  if (e?.code !== '23505') return undefined;
  const where = `${e.constraint ?? ''} ${e.message ?? ''}`;
  if (where.includes('mobile') && row.mobile) return mobileTaken(row.mobile);
  return new IdentityError('duplicate', 'this person is already registered');
}

function isUuid(s: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}

function mapped(row: PersonRow | undefined): Person | undefined {
  return row ? toPerson(row) : undefined;
}

function toPerson(r: PersonRow): Person {
  return {
    id: r.id,
    documentType: r.document_type,
    documentNumber: r.document_number,
    documentDate: r.document_date,
    supportNumber: r.support_number,
    eidasPersonIdentifier: r.eidas_person_identifier,
    givenName: r.given_name,
    firstSurname: r.first_surname,
    secondSurname: r.second_surname,
    dateOfBirth: r.date_of_birth,
    mobile: r.mobile,
    email: r.email,
    registrationLevel: r.registration_level,
    status: r.status,
    createdAt: r.created_at,
  };
}
