// Seed files (config/demo-persons.json): a JSON array of NewPerson. The shape is checked here with
// zod, unknown keys refused so a misspelt field is an error rather than a silently missing value;
// the registry then checks the content (check letters, E.164, one person per mobile).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { NewPerson } from './person.js';

export const newPersonSchema = z.strictObject({
  documentNumber: z.string().optional(),
  documentDate: z.string().optional(),
  supportNumber: z.string().optional(),
  eidasPersonIdentifier: z.string().optional(),
  givenName: z.string().min(1),
  firstSurname: z.string().min(1),
  secondSurname: z.string().optional(),
  dateOfBirth: z.string().optional(),
  mobile: z.string().optional(),
  email: z.string().optional(),
  registrationLevel: z.enum(['basic', 'advanced']),
  status: z.enum(['active', 'suspended', 'renounced']).optional(),
});

// NewPerson and the schema must stay the same shape: this fails to compile when they drift apart
const sameShape: (p: z.infer<typeof newPersonSchema>) => NewPerson = (p) => p;
void sameShape;

export class SeedFileError extends Error {
  override name = 'SeedFileError';
}

/** One line per problem, each naming the entry and field: `[1].mobile: …`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `  ${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(root)'}: ${i.message}`).join('\n');
}

export function loadSeedFile(file: string): NewPerson[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SeedFileError(`seed file ${file}: ${(err as Error).message}`);
  }
  const result = z.array(newPersonSchema).safeParse(raw);
  if (!result.success) throw new SeedFileError(`seed file ${file} is not a list of persons:\n${describeIssues(result.error)}`);
  return result.data;
}
