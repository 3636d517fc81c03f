// The identity registry: persons and their registration, shared by every connector.
import type { ContrastData, NewPerson, Person } from './person.js';

export interface ForeignIdentityData {
  readonly givenName: string;
  readonly firstSurname: string;
  readonly dateOfBirth: string; // yyyy-mm-dd
}

export interface ContactChange {
  readonly email?: string;
  readonly mobile?: string;
}

export interface IdentityRegistry {
  findById(id: string): Promise<Person | undefined>;
  /** by normalised DNI/NIE (upper-case, no separators) */
  findByDocument(documentNumber: string): Promise<Person | undefined>;
  findByEidasIdentifier(personIdentifier: string): Promise<Person | undefined>;
  /**
   * The person whose document number and contrast data both match, else undefined. Callers must
   * not tell "unknown person" from "wrong contrast data" apart (uniform answers).
   */
  findByDocumentAndContrast(documentNumber: string, contrast: ContrastData): Promise<Person | undefined>;
  /** whether a person, in any state, holds this mobile (E.164): the "one person per mobile" key */
  isMobileTaken(mobile: string): Promise<boolean>;
  /** validates (DNI/NIE check letter, E.164 mobile, one person per mobile) and inserts */
  add(person: NewPerson): Promise<Person>;
  /**
   * A foreign person's names and date of birth as their eIDAS node asserts them now (the node is
   * the authority for them); only for a person known by that PersonIdentifier and no DNI/NIE.
   */
  updateForeignIdentity(personIdentifier: string, identity: ForeignIdentityData): Promise<Person | undefined>;
  /**
   * An active person's e-mail and/or mobile, validated as add() does (E.164, one person per mobile:
   * IdentityError 'mobile-taken'); undefined when no active person has this id.
   */
  changeContact(id: string, change: ContactChange): Promise<Person | undefined>;
  /** raises an active basic person to advanced (a channel as strict as advanced proved them); undefined when no active person */
  raiseToAdvanced(id: string): Promise<Person | undefined>;
  /** adds the persons that do not exist yet (by document number); returns how many were added */
  seed(persons: readonly NewPerson[]): Promise<number>;
}
