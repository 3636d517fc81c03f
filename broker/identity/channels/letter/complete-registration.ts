// Completing a registration with a checked letter (seed 000 §2.2.2 B): the letter is spent and
// the person registered at basic level in one database transaction, so a refusal (the mobile
// belongs to someone else) leaves the letter usable, and two completions racing for one letter
// register once. A person the registry already knows, active and without a mobile (first seen
// through a certificate), gets the mobile and e-mail and keeps their level; one with a mobile is
// registered already (changing it is specially protected: certificate, office or video).
import type { Kysely } from 'kysely';
import type { DbSchema } from '../../../store/schema.js';
import type { AuditLog } from '../../../store/audit-log.js';
import type { Person } from '../../person.js';
import { createIdentityRegistry, IdentityError } from '../../registry-db.js';
import type { Letters } from './letters.js';
import type { Resident } from './residents.js';

export interface ContactDetails {
  readonly mobile: string;
  readonly email: string;
}

export type Completion =
  | { readonly ok: true; readonly person: Person; readonly created: boolean }
  | { readonly ok: false; readonly reason: 'letter-not-valid' | 'mobile-taken' | 'already-registered' | 'not-active' | 'invalid-contact' };

class Refused extends Error {
  constructor(readonly reason: Exclude<Completion, { ok: true }>['reason']) {
    super(reason);
  }
}

export async function completeRegistration(
  deps: { readonly db: Kysely<DbSchema>; readonly letters: Letters; readonly audit: AuditLog },
  letterId: string,
  resident: Resident,
  contact: ContactDetails,
  ip: string | undefined,
): Promise<Completion> {
  let outcome: { person: Person; created: boolean };
  try {
    outcome = await deps.db.transaction().execute(async (trx) => {
      if (!(await deps.letters.spend(trx, letterId))) throw new Refused('letter-not-valid');
      const registry = createIdentityRegistry(trx);
      const known = await registry.findByDocument(resident.documentNumber);
      const result = known ? await updateKnown(registry, known, contact) : { person: await registry.add(newBasicPerson(resident, contact)), created: true };
      await deps.letters.recordPerson(trx, letterId, result.person.id);
      return result;
    });
  } catch (err) {
    if (err instanceof Refused) return { ok: false, reason: err.reason };
    if (err instanceof IdentityError && err.code === 'mobile-taken') return { ok: false, reason: 'mobile-taken' };
    if (err instanceof IdentityError && err.code === 'invalid') return { ok: false, reason: 'invalid-contact' };
    // another completion for the same resident, with another letter, registered them meanwhile
    if (err instanceof IdentityError && err.code === 'duplicate') return { ok: false, reason: 'already-registered' };
    throw err;
  }
  await deps.audit.record({
    actor: `person:${outcome.person.id}`,
    action: outcome.created ? 'registration.letter.registered' : 'registration.letter.contact-added',
    subject: outcome.person.id,
    ip,
    detail: { level: outcome.person.registrationLevel },
  });
  return { ok: true, ...outcome };
}

async function updateKnown(registry: ReturnType<typeof createIdentityRegistry>, known: Person, contact: ContactDetails): Promise<{ person: Person; created: boolean }> {
  if (known.status !== 'active') throw new Refused('not-active');
  if (known.mobile) throw new Refused('already-registered');
  const person = await registry.changeContact(known.id, { mobile: contact.mobile, email: contact.email });
  if (!person) throw new Refused('not-active');
  return { person, created: false };
}

function newBasicPerson(r: Resident, contact: ContactDetails) {
  return {
    documentNumber: r.documentNumber,
    ...(r.documentType === 'DNI' ? { documentDate: r.documentDate! } : { supportNumber: r.supportNumber! }),
    givenName: r.givenName,
    firstSurname: r.firstSurname,
    ...(r.secondSurname ? { secondSurname: r.secondSurname } : {}),
    ...(r.dateOfBirth ? { dateOfBirth: r.dateOfBirth } : {}),
    mobile: contact.mobile,
    email: contact.email,
    registrationLevel: 'basic' as const,
  };
}
