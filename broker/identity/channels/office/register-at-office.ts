// The registration office's two operations (issue 9; seed 000 §1.2, §2): register a new person at
// the advanced level from the document shown, or raise a registered person to advanced (and
// record the contact the person gives). Each runs in one database transaction: the person, the
// office record (what was shown), the minor's guardianship, the activation code's hash and the
// audit entries, with the registrar as actor, are written together or not at all. The
// Cl@ve Permanente activation code is returned to be printed once; only its hash is stored.
import type { Kysely } from 'kysely';
import type { DbSchema } from '../../../store/schema.js';
import type { Person } from '../../person.js';
import { createIdentityRegistry, IdentityError } from '../../registry-db.js';
import { createPermanenteAccounts } from '../../permanente-accounts.js';
import { createAuditLog } from '../../../store/audit-log.js';
import { canActivatePermanente, registerPerson, renewActivationCode, type RegistrationDeps } from '../../registration.js';
import type { Contact, Guardian, NewPersonAtOffice } from './office-form.js';

export interface OfficeDeps {
  readonly db: Kysely<DbSchema>;
  readonly now: () => Date;
}

export interface Registrar {
  /** the member of staff's person id */
  readonly personId: string;
  readonly ip: string | undefined;
}

export interface OfficeOutcome {
  readonly person: Person;
  /** shown once on the printable page; absent when the person has no mobile or e-mail, or kept their active account */
  readonly activationCode: string | undefined;
}

function inTransaction<T>(deps: OfficeDeps, work: (registration: RegistrationDeps, trx: Kysely<DbSchema>) => Promise<T>): Promise<T> {
  return deps.db.transaction().execute((trx) =>
    work({ registry: createIdentityRegistry(trx), accounts: createPermanenteAccounts(trx), audit: createAuditLog(trx, deps.now), now: deps.now }, trx),
  );
}

async function recordGuardian(trx: Kysely<DbSchema>, minorId: string, guardian: Guardian, registrar: Registrar, at: Date): Promise<void> {
  await trx
    .insertInto('guardianships')
    .values({
      minor_person_id: minorId,
      guardian_document_kind: guardian.documentKind,
      guardian_document_number: guardian.documentNumber,
      guardian_given_name: guardian.givenName,
      guardian_first_surname: guardian.firstSurname,
      guardian_second_surname: guardian.secondSurname ?? null,
      relationship: guardian.relationship,
      proof_kind: guardian.proofKind,
      proof_reference: guardian.proofReference,
      recorded_by: registrar.personId,
      recorded_at: at,
    })
    .execute();
}

async function recordVisit(trx: Kysely<DbSchema>, person: Person, kind: 'new' | 'upgrade', nationality: string, minor: boolean, registrar: Registrar, at: Date): Promise<void> {
  await trx
    .insertInto('office_registrations')
    .values({ person_id: person.id, kind, document_type: person.documentType!, nationality, minor, registrar_id: registrar.personId, registered_at: at })
    .execute();
}

/** Registers a new person at the advanced level; IdentityError for a duplicate, a mobile taken, bad data. */
export async function registerAtOffice(deps: OfficeDeps, input: NewPersonAtOffice, registrar: Registrar): Promise<OfficeOutcome> {
  const actor = `person:${registrar.personId}`;
  return inTransaction(deps, async (registration, trx) => {
    const at = deps.now();
    const { person, activationCode } = await registerPerson(registration, input.person, registrar.ip, actor);
    await recordVisit(trx, person, 'new', input.nationality, input.guardian !== undefined, registrar, at);
    if (input.guardian) await recordGuardian(trx, person.id, input.guardian, registrar, at);
    await registration.audit.record({ actor, action: 'registration.office', subject: person.id, ip: registrar.ip, detail: { kind: 'new', minor: input.guardian !== undefined } });
    return { person, activationCode };
  });
}

export interface UpgradeAtOffice {
  readonly documentNumber: string;
  readonly nationality: string;
  readonly contact: Contact;
  /** required when the person is a minor */
  readonly guardian: Guardian | undefined;
  /** the person asks for a new activation code although their account is active */
  readonly newActivationCode: boolean;
}

/**
 * Raises a registered, active person to advanced and records the contact given at the counter (a
 * new mobile here is the seed's "specially protected" change, made in person); the old number, if
 * any, is returned so the caller can tell it. IdentityError: not-found, inactive, mobile-taken.
 */
export async function upgradeAtOffice(deps: OfficeDeps, input: UpgradeAtOffice, registrar: Registrar): Promise<OfficeOutcome & { previousMobile: string | undefined }> {
  const actor = `person:${registrar.personId}`;
  return inTransaction(deps, async (registration, trx) => {
    const at = deps.now();
    const found = await registration.registry.findByDocument(input.documentNumber);
    if (!found) throw new IdentityError('not-found', 'no person with this document number');
    if (found.status !== 'active') throw new IdentityError('inactive', `the person is ${found.status}`);
    const change = { ...(input.contact.mobile ? { mobile: input.contact.mobile } : {}), ...(input.contact.email ? { email: input.contact.email } : {}) };
    const changed = Object.keys(change).length > 0 ? await registration.registry.changeContact(found.id, change) : found;
    const raised = changed && (await registration.registry.raiseToAdvanced(found.id));
    if (!raised) throw new IdentityError('inactive', 'the person is no longer active');
    await recordVisit(trx, raised, 'upgrade', input.nationality, input.guardian !== undefined, registrar, at);
    if (input.guardian) await recordGuardian(trx, raised.id, input.guardian, registrar, at);
    const previousMobile = found.mobile && found.mobile !== raised.mobile ? found.mobile : undefined;
    await registration.audit.record({
      actor,
      action: 'registration.office',
      subject: raised.id,
      ip: registrar.ip,
      detail: { kind: 'upgrade', from: found.registrationLevel, mobileChanged: previousMobile !== undefined || (!found.mobile && !!raised.mobile), emailChanged: found.email !== raised.email, minor: input.guardian !== undefined },
    });
    const account = await registration.accounts.find(raised.id);
    const wantsCode = canActivatePermanente(raised) && (account?.state !== 'active' || input.newActivationCode);
    const activationCode = wantsCode ? (await renewActivationCode(registration, raised.documentNumber!, registrar.ip, actor)).activationCode : undefined;
    return { person: raised, activationCode, previousMobile };
  });
}

/** The guardianships recorded for a person (the console shows them with the person). */
export async function guardiansOf(db: Kysely<DbSchema>, personId: string) {
  return db.selectFrom('guardianships').selectAll().where('minor_person_id', '=', personId).orderBy('recorded_at').execute();
}
