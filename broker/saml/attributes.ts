// Which attributes leave the broker, and how each dialect spells them (design.md "Assertion
// attributes", "Personal data"). What an SP receives is its release policy (registry entry, or the
// default: the eIDAS natural-person minimum data set, plus the Cl@ve attributes when that dialect
// is on) intersected with what it requested; when the eIDAS dialect is on, the minimum data set
// counts as always requested (eIDAS SAML attribute profile: the MDS is mandatory), still within
// the policy. Attributes the person has no value for are left out. Pure: no I/O.
import type { SpPolicy } from '../config.js';
import type { Person, RegistrationLevel } from '../identity/person.js';
import type { ReleasedAttribute } from './build-assertion.js';
import { ATTRNAME_FORMAT } from './namespaces.js';

const EIDAS_NP = 'http://eidas.europa.eu/attributes/naturalperson/';
const CLAVE = 'http://es.minhafp.clave/';

export interface ReleaseContext {
  person: Person;
  /** connector id, or a mode of it (`permanente-reinforced`, `certificate-qualified-device`) */
  method: string;
  registrationLevel: RegistrationLevel;
  relayState?: string;
}

interface AttributeDef {
  readonly name: string;
  readonly friendlyName: string;
  readonly dialect: 'eidas' | 'clave';
  readonly value: (ctx: ReleaseContext) => string | null | undefined;
}

/** Cl@ve SelectedIdP: which of Cl@ve's identity providers the person used. */
export const CLAVE_SELECTED_IDP: Readonly<Record<string, string>> = {
  pin: 'PIN24H',
  permanente: 'SEGSOC',
  'permanente-reinforced': 'SEGSOC',
  movil: 'CLVMOVIL',
  certificate: 'AFIRMA',
  'certificate-qualified-device': 'AFIRMA',
  eidas: 'EIDAS',
};

/** eIDAS PersonIdentifier: `ES/ES/<DNI|NIE>` for domestic logins, the node's `XX/ES/<id>` for eIDAS ones. */
function personIdentifier({ person, method }: ReleaseContext): string | null {
  if (method === 'eidas' || !person.documentNumber) return person.eidasPersonIdentifier;
  return `ES/ES/${person.documentNumber}`;
}

/** Spanish family name: first and second surname joined by a space. */
function familyName({ person }: ReleaseContext): string {
  return person.secondSurname ? `${person.firstSurname} ${person.secondSurname}` : person.firstSurname;
}

// One row per attribute, in the order they appear in the Assertion.
export const ATTRIBUTE_TABLE: readonly AttributeDef[] = [
  { name: `${EIDAS_NP}PersonIdentifier`, friendlyName: 'PersonIdentifier', dialect: 'eidas', value: personIdentifier },
  { name: `${EIDAS_NP}CurrentGivenName`, friendlyName: 'FirstName', dialect: 'eidas', value: (c) => c.person.givenName },
  { name: `${EIDAS_NP}CurrentFamilyName`, friendlyName: 'FamilyName', dialect: 'eidas', value: familyName },
  { name: `${EIDAS_NP}DateOfBirth`, friendlyName: 'DateOfBirth', dialect: 'eidas', value: (c) => c.person.dateOfBirth },
  // on request only (never in the default set); the registry does not hold the other optional
  // eIDAS attributes (BirthName, PlaceOfBirth, CurrentAddress, Gender) yet, so none is released.
  { name: `${EIDAS_NP}EmailAddress`, friendlyName: 'EmailAddress', dialect: 'eidas', value: (c) => c.person.email },
  { name: `${EIDAS_NP}PhoneNumber`, friendlyName: 'PhoneNumber', dialect: 'eidas', value: (c) => c.person.mobile },
  { name: `${CLAVE}FirstSurname`, friendlyName: 'FirstSurname', dialect: 'clave', value: (c) => c.person.firstSurname },
  { name: `${CLAVE}SelectedIdP`, friendlyName: 'SelectedIdP', dialect: 'clave', value: (c) => CLAVE_SELECTED_IDP[c.method] },
  { name: `${CLAVE}RelayState`, friendlyName: 'RelayState', dialect: 'clave', value: (c) => c.relayState },
  { name: `${CLAVE}RegisterType`, friendlyName: 'RegisterType', dialect: 'clave', value: (c) => c.registrationLevel },
];

/** The eIDAS natural-person minimum data set. */
export const EIDAS_MINIMUM_DATA_SET: readonly string[] = [
  `${EIDAS_NP}PersonIdentifier`,
  `${EIDAS_NP}CurrentGivenName`,
  `${EIDAS_NP}CurrentFamilyName`,
  `${EIDAS_NP}DateOfBirth`,
];

export const CLAVE_ATTRIBUTES: readonly string[] = [`${CLAVE}FirstSurname`, `${CLAVE}SelectedIdP`, `${CLAVE}RelayState`, `${CLAVE}RegisterType`];

/**
 * Cl@ve SPs disable methods by requesting these, without value (design.md); they are
 * instructions, never released. Maps each to the connector it disables.
 */
export const CLAVE_DISABLE_METHOD_ATTRIBUTES: Readonly<Record<string, string>> = {
  [`${CLAVE}AFirmaIdP`]: 'certificate',
  [`${CLAVE}GISSIdP`]: 'permanente',
  [`${CLAVE}CLVMOVILIdP`]: 'movil',
  [`${CLAVE}EIDASIdP`]: 'eidas',
  [`${CLAVE}AEATIdP`]: 'pin',
};

/** What the policy lets this SP receive at most. */
export function policyAttributeNames(policy: Pick<SpPolicy, 'releasedAttributes' | 'dialects'>): Set<string> {
  if (policy.releasedAttributes) return new Set(policy.releasedAttributes);
  const names = new Set(EIDAS_MINIMUM_DATA_SET);
  if (policy.dialects.includes('clave')) for (const n of CLAVE_ATTRIBUTES) names.add(n);
  return names;
}

export function releaseAttributes(input: {
  person: Person;
  method: string;
  registrationLevel: RegistrationLevel;
  relayState?: string;
  /** attribute Names the SP asked for; empty = the policy's set */
  requested: readonly string[];
  policy: Pick<SpPolicy, 'releasedAttributes' | 'dialects'>;
}): ReleasedAttribute[] {
  const allowed = policyAttributeNames(input.policy);
  const dialects = new Set<string>(input.policy.dialects);
  let wanted: Set<string>;
  if (input.requested.length === 0) wanted = allowed;
  else {
    wanted = new Set(input.requested);
    if (dialects.has('eidas')) for (const n of EIDAS_MINIMUM_DATA_SET) wanted.add(n);
  }
  const ctx: ReleaseContext = { person: input.person, method: input.method, registrationLevel: input.registrationLevel, relayState: input.relayState };
  const out: ReleasedAttribute[] = [];
  for (const def of ATTRIBUTE_TABLE) {
    if (!allowed.has(def.name) || !wanted.has(def.name)) continue;
    // A dialect the SP did not choose is never sent, even if its names were listed by mistake.
    if (!dialects.has(def.dialect)) continue;
    const value = def.value(ctx);
    if (value === null || value === undefined || value === '') continue;
    out.push({ name: def.name, friendlyName: def.friendlyName, values: [value], nameFormat: ATTRNAME_FORMAT.uri });
  }
  return out;
}
