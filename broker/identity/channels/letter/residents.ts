// The register of residents and their fiscal addresses (issue 9): where an invitation letter is
// sent. Real tax registers are out of scope, so it is a JSON file loaded once at start, checked
// with zod (unknown keys refused) and then for content: DNI/NIE check letters, a DNI with its
// document date, a NIE with its support number, as the identity registry requires of persons.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { constantEquals } from '../../../constant-equals.js';
import { documentTypeOf, isIsoDate, isValidSupportNumber, normaliseDocument, normaliseSupportNumber } from '../../documents.js';
import { describeIssues } from '../../seed.js';
import type { ContrastData } from '../../person.js';

const line = z.string().trim().min(1).max(120);

const fiscalAddressSchema = z.strictObject({
  street: line,
  postalCode: z.string().regex(/^\d{5}$/, 'a Spanish postal code has 5 digits'),
  municipality: line,
  province: line,
});

const residentSchema = z
  .strictObject({
    documentNumber: z.string(),
    documentDate: z.string().optional(),
    supportNumber: z.string().optional(),
    givenName: line,
    firstSurname: line,
    secondSurname: line.optional(),
    dateOfBirth: z.string().refine(isIsoDate, 'a date written yyyy-mm-dd').optional(),
    fiscalAddress: fiscalAddressSchema,
  })
  .transform((r, ctx) => {
    const documentNumber = normaliseDocument(r.documentNumber);
    const documentType = documentTypeOf(documentNumber);
    const problem = (message: string) => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    if (!documentType) return problem(`"${r.documentNumber}" is not a valid DNI or NIE`);
    if (documentType === 'DNI' && (!r.documentDate || !isIsoDate(r.documentDate) || r.supportNumber !== undefined))
      return problem('a DNI comes with its documentDate (yyyy-mm-dd) and no supportNumber');
    if (documentType === 'NIE' && (!r.supportNumber || !isValidSupportNumber(r.supportNumber) || r.documentDate !== undefined))
      return problem('a NIE comes with its supportNumber (a letter and 8 digits) and no documentDate');
    return {
      ...r,
      documentNumber,
      documentType,
      supportNumber: r.supportNumber === undefined ? undefined : normaliseSupportNumber(r.supportNumber),
    };
  });

export type FiscalAddress = z.infer<typeof fiscalAddressSchema>;
export type Resident = z.output<typeof residentSchema>;

export interface ResidentsRegister {
  /**
   * The resident whose document number and contrast data both match, else undefined; as long
   * for an unknown document as for wrong contrast data (uniform answers).
   */
  find(documentNumber: string, contrast: ContrastData): Resident | undefined;
  /** by document number alone: only for a document whose contrast data were already checked */
  checkedResident(documentNumber: string): Resident | undefined;
  readonly size: number;
}

export class ResidentsFileError extends Error {
  override name = 'ResidentsFileError';
}

export function loadResidentsFile(file: string): ResidentsRegister {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ResidentsFileError(`register of residents ${file}: ${(err as Error).message}`);
  }
  const parsed = z.array(residentSchema).safeParse(raw);
  if (!parsed.success) throw new ResidentsFileError(`register of residents ${file} is not a list of residents:\n${describeIssues(parsed.error)}`);
  return createResidentsRegister(parsed.data);
}

export function createResidentsRegister(residents: readonly Resident[]): ResidentsRegister {
  const byDocument = new Map<string, Resident>();
  for (const r of residents) {
    if (byDocument.has(r.documentNumber)) throw new ResidentsFileError(`register of residents: ${r.documentNumber} appears twice`);
    byDocument.set(r.documentNumber, r);
  }
  return {
    size: byDocument.size,
    checkedResident: (documentNumber) => byDocument.get(normaliseDocument(documentNumber)),
    find(documentNumber, contrast) {
      const resident = byDocument.get(normaliseDocument(documentNumber));
      const givenDate = 'documentDate' in contrast ? contrast.documentDate.trim() : '';
      const givenSupport = 'supportNumber' in contrast ? normaliseSupportNumber(contrast.supportNumber) : '';
      // both comparisons always run, against placeholders for an unknown document
      const dateOk = constantEquals(resident?.documentDate ?? '\0absent', givenDate);
      const supportOk = constantEquals(resident?.supportNumber ?? '\0absent', givenSupport);
      if (!resident) return undefined;
      return (resident.documentType === 'DNI' ? dateOk && 'documentDate' in contrast : supportOk && 'supportNumber' in contrast) ? resident : undefined;
    },
  };
}

/** The lines of the address block of a letter. */
export function addressLines(r: Resident): string[] {
  const name = [r.givenName, r.firstSurname, r.secondSurname].filter(Boolean).join(' ');
  const a = r.fiscalAddress;
  return [name, a.street, `${a.postalCode} ${a.municipality}`, a.province.toUpperCase() === a.municipality.toUpperCase() ? '' : a.province, 'España'].filter(Boolean);
}
