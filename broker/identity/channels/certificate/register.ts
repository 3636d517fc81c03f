// What a qualified certificate or eID card proves about its holder becomes a registration at
// advanced level (seed 000 §1.2, §2.1: "online with a recognised electronic certificate"):
//  - nobody known with the holder's DNI/NIE: registered at advanced with the contrast data no
//    certificate carries (the DNI's date or the NIE's support number, which PIN and Móvil ask
//    for), mobile (one person per mobile), e-mail and the accepted conditions;
//  - a known active person: raised to advanced; their mobile and e-mail are not touched here (the
//    mobile's change is specially protected: self-service with a certificate, an office, video).
// Each outcome is audited with the certificate's issuer and serial number.
import type { AuditLog } from '../../../store/audit-log.js';
import type { IdentityRegistry } from '../../registry.js';
import type { Person } from '../../person.js';
import type { CertificateHolder } from '../../../pki/model.js';
import { IdentityError } from '../../registry-db.js';

export interface PresentedHolder {
  readonly holder: CertificateHolder;
  readonly issuer: string;
  readonly serialNumber: string;
}

export interface NewRegistration {
  readonly contrast: { documentDate: string } | { supportNumber: string };
  readonly mobile: string;
  readonly email: string;
}

export type RegistrationOutcome =
  | { readonly ok: true; readonly person: Person; readonly change: 'registered' | 'raised' | 'already-advanced' }
  | { readonly ok: false; readonly reason: 'mobile-taken' | 'invalid' | 'not-active' };

export interface CertificateRegistrationDeps {
  readonly identity: IdentityRegistry;
  readonly audit: AuditLog;
}

/** A known person: raised to advanced (contacts added when missing); undefined when unknown. */
export async function raiseKnownHolder(deps: CertificateRegistrationDeps, presented: PresentedHolder, ip: string | undefined): Promise<RegistrationOutcome | undefined> {
  const known = await deps.identity.findByDocument(presented.holder.documentNumber);
  if (!known) return undefined;
  if (known.status !== 'active') return { ok: false, reason: 'not-active' };
  if (known.registrationLevel === 'advanced') return { ok: true, person: known, change: 'already-advanced' };
  const raised = await deps.identity.raiseToAdvanced(known.id);
  if (!raised) return { ok: false, reason: 'not-active' };
  await deps.audit.record({ actor: `person:${known.id}`, action: 'person.level.raised', subject: known.id, ip, detail: { channel: 'certificate', level: 'advanced', issuer: presented.issuer, serialNumber: presented.serialNumber } });
  return { ok: true, person: raised, change: 'raised' };
}

export async function registerHolder(deps: CertificateRegistrationDeps, presented: PresentedHolder, data: NewRegistration, ip: string | undefined): Promise<RegistrationOutcome> {
  const { holder } = presented;
  let person: Person;
  try {
    person = await deps.identity.add({
      documentNumber: holder.documentNumber,
      ...data.contrast,
      givenName: holder.givenName,
      firstSurname: holder.firstSurname,
      ...(holder.secondSurname ? { secondSurname: holder.secondSurname } : {}),
      mobile: data.mobile,
      email: data.email,
      registrationLevel: 'advanced',
    });
  } catch (err) {
    if (err instanceof IdentityError && err.code === 'mobile-taken') return { ok: false, reason: 'mobile-taken' };
    if (err instanceof IdentityError && err.code === 'invalid') return { ok: false, reason: 'invalid' };
    // registered meanwhile (another tab, a certificate login): raise that registration instead
    if (err instanceof IdentityError && err.code === 'duplicate') return (await raiseKnownHolder(deps, presented, ip)) ?? { ok: false, reason: 'not-active' };
    throw err;
  }
  await deps.audit.record({ actor: `person:${person.id}`, action: 'person.registered', subject: person.id, ip, detail: { channel: 'certificate', level: 'advanced', issuer: presented.issuer, serialNumber: presented.serialNumber } });
  return { ok: true, person, change: 'registered' };
}
