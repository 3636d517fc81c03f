// Registering a person, as every way in does it (registrar API, registrar command): the person
// is added, and one registered with a DNI/NIE, a mobile and an e-mail receives a Cl@ve Permanente activation code, shown
// once and stored only as a hash (seed 000 §5.3.1). Renewing the code (seed §5.4.3) unblocks it
// and reopens a cancelled account. Both are audited.
import type { NewPerson, Person } from './person.js';
import type { IdentityRegistry } from './registry.js';
import type { PermanenteAccounts } from './permanente-accounts.js';
import type { AuditLog } from '../store/audit-log.js';
import { hashActivationCode, newActivationCode } from './activation-code.js';
import { IdentityError } from './registry-db.js';

export interface RegistrationDeps {
  readonly registry: IdentityRegistry;
  readonly accounts: PermanenteAccounts;
  readonly audit: AuditLog;
  readonly now: () => Date;
}

export interface Registered {
  readonly person: Person;
  /** present when the person can activate Cl@ve Permanente (DNI/NIE, mobile, e-mail): the only time it is ever shown */
  readonly activationCode: string | undefined;
}

/** `actor`: the audit log's actor, 'registrar' for the registrar API and command, `person:<id>` for a registrar at the office console */
export async function registerPerson(deps: RegistrationDeps, newPerson: NewPerson, ip?: string, actor = 'registrar'): Promise<Registered> {
  const person = await deps.registry.add(newPerson);
  await deps.audit.record({ actor, action: 'person.registered', subject: person.id, ip, detail: { level: person.registrationLevel } });
  const activationCode = canActivatePermanente(person) ? await issueActivationCode(deps, person.id, ip, actor) : undefined;
  return { person, activationCode };
}

/** A new activation code for a registered, active person; IdentityError otherwise. */
export async function renewActivationCode(deps: RegistrationDeps, documentNumber: string, ip?: string, actor = 'registrar'): Promise<{ person: Person; activationCode: string }> {
  const person = await deps.registry.findByDocument(documentNumber);
  if (!person) throw new IdentityError('not-found', 'no person with this document number');
  if (person.status !== 'active') throw new IdentityError('inactive', `the person is ${person.status}: no activation code can be issued`);
  if (!canActivatePermanente(person)) throw new IdentityError('invalid', 'Cl@ve Permanente needs a mobile number and an e-mail address on file: activation sends an SMS code and asks for the e-mail');
  return { person, activationCode: await issueActivationCode(deps, person.id, ip, actor) };
}

/** Activation asks for the DNI/NIE and the e-mail and sends an SMS code: all three must be on file. */
export function canActivatePermanente(person: Person): boolean {
  return !!person.documentNumber && !!person.mobile && !!person.email;
}

async function issueActivationCode(deps: RegistrationDeps, personId: string, ip: string | undefined, actor: string): Promise<string> {
  const code = newActivationCode();
  await deps.accounts.issueActivationCode(personId, hashActivationCode(code), deps.now());
  await deps.audit.record({ actor, action: 'permanente.activation-code.issued', subject: personId, ip });
  return code;
}
