// A person known to the broker (issue 2 "Identity registry"). Domestic persons are identified by
// DNI or NIE; a foreign person only by an eIDAS PersonIdentifier. The registration level caps the
// LoA any method can reach for them (design.md "Levels of assurance").

export type RegistrationLevel = 'basic' | 'advanced';
export type PersonStatus = 'active' | 'suspended' | 'renounced';
export type DocumentType = 'DNI' | 'NIE';

export interface Person {
  readonly id: string; // uuid, internal and never released
  readonly documentType: DocumentType | null;
  readonly documentNumber: string | null; // normalised upper-case, e.g. 12345678Z
  /** DNI: validity date (or issue date of a permanent DNI), ISO yyyy-mm-dd */
  readonly documentDate: string | null;
  /** NIE: support number printed on the card, e.g. E12345678 */
  readonly supportNumber: string | null;
  readonly eidasPersonIdentifier: string | null; // e.g. DE/ES/abc123
  readonly givenName: string;
  readonly firstSurname: string;
  readonly secondSurname: string | null;
  readonly dateOfBirth: string | null; // yyyy-mm-dd
  readonly mobile: string | null; // E.164
  readonly email: string | null;
  readonly registrationLevel: RegistrationLevel;
  readonly status: PersonStatus;
  readonly createdAt: Date;
}

export interface NewPerson {
  documentNumber?: string;
  documentDate?: string;
  supportNumber?: string;
  eidasPersonIdentifier?: string;
  givenName: string;
  firstSurname: string;
  secondSurname?: string;
  dateOfBirth?: string;
  mobile?: string;
  email?: string;
  registrationLevel: RegistrationLevel;
  status?: PersonStatus;
}

/** The contrast data a person types with their document number (Cl@ve PIN and Móvil). */
export type ContrastData = { documentDate: string } | { supportNumber: string };
