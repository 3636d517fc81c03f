// The persons the password benchmark logs in as: generated the same way by the broker child
// (which registers them and sets their password) and the load generator (which types their
// DNI). Valid DNIs from 71000000 up, one mobile each (the registry wants them unique).
import { isValidDocument } from '../broker/identity/documents.js';
import type { NewPerson } from '../broker/identity/person.js';
import { hashActivationCode, newActivationCode } from '../broker/identity/activation-code.js';
import type { BrokerServices } from '../broker/services.js';

/** Long enough for the policy's sentence rule, though the benchmark sets it without the policy. */
export const BENCH_PASSWORD = 'Banco-de-pruebas-2026';

/** the DNI with its check letter: found by asking the broker's own validator */
function dni(n: number): string {
  const digits = String(71_000_000 + n);
  const letter = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].find((l) => isValidDocument(digits + l));
  if (!letter) throw new Error(`no check letter for ${digits}`);
  return digits + letter;
}

export function benchPersons(count: number): NewPerson[] {
  return Array.from({ length: count }, (_, i) => ({
    documentNumber: dni(i),
    documentDate: '2031-01-01',
    givenName: 'Prueba',
    firstSurname: `Rendimiento${i}`,
    secondSurname: 'Banco',
    dateOfBirth: '1980-01-01',
    mobile: `+3471${String(i).padStart(7, '0')}`,
    email: `prueba${i}@bench.invalid`,
    registrationLevel: 'advanced',
  }));
}

/**
 * Registers `count` benchmark persons in a broker and activates their Cl@ve Permanente account
 * with BENCH_PASSWORD, through the broker's own services, as the registrar and the activation
 * page would.
 */
export async function seedBenchPersons(s: BrokerServices, count: number): Promise<void> {
  const p = s.config.connectors.permanente;
  await Promise.all(
    benchPersons(count).map(async (person) => {
      const added = await s.identity.add(person);
      await s.credentials.accounts.issueActivationCode(added.id, hashActivationCode(newActivationCode()), s.now());
      await s.credentials.accounts.setPassword(added.id, await s.credentials.hasher.hash(BENCH_PASSWORD), s.now(), p.passwordHistory);
    }),
  );
}
