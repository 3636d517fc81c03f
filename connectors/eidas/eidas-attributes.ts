// The eIDAS attributes the connector asks foreign nodes for and reads from their answers (eIDAS
// SAML Attribute Profile v1.2 §2.2 natural persons, §2.3 legal persons): the upstream side of
// the attribute dialects (style.md §3). The broker's own release table stays in broker/saml/attributes.ts.
const NP = 'http://eidas.europa.eu/attributes/naturalperson/';
const LP = 'http://eidas.europa.eu/attributes/legalperson/';
// Representatives (attribute profile v1.2 §2.4): the person or organisation acting for the subject,
// as the node asserts it. The broker passes these on under their own names; they are never a
// mandate the broker has verified (broker mandates come from its own registry only).
const NP_REP = `${NP}representative/`;
const LP_REP = `${LP}representative/`;

export interface EidasAttribute {
  readonly name: string;
  readonly friendlyName: string;
}

const a = (base: string, local: string, friendlyName = local): EidasAttribute => ({ name: base + local, friendlyName });

export const EIDAS = {
  personIdentifier: a(NP, 'PersonIdentifier'),
  familyName: a(NP, 'CurrentFamilyName', 'FamilyName'),
  firstName: a(NP, 'CurrentGivenName', 'FirstName'),
  dateOfBirth: a(NP, 'DateOfBirth'),
  birthName: a(NP, 'BirthName'),
  placeOfBirth: a(NP, 'PlaceOfBirth'),
  currentAddress: a(NP, 'CurrentAddress'),
  gender: a(NP, 'Gender'),
  legalPersonIdentifier: a(LP, 'LegalPersonIdentifier'),
  legalName: a(LP, 'LegalName'),
  representativePersonIdentifier: a(NP_REP, 'PersonIdentifier', 'RepresentativePersonIdentifier'),
  representativeFamilyName: a(NP_REP, 'CurrentFamilyName', 'RepresentativeFamilyName'),
  representativeFirstName: a(NP_REP, 'CurrentGivenName', 'RepresentativeFirstName'),
  representativeDateOfBirth: a(NP_REP, 'DateOfBirth', 'RepresentativeDateOfBirth'),
  representativeLegalPersonIdentifier: a(LP_REP, 'LegalPersonIdentifier', 'RepresentativeLegalPersonIdentifier'),
  representativeLegalName: a(LP_REP, 'LegalName', 'RepresentativeLegalName'),
} as const;

/** Optional natural-person attributes: requested when the SP asks, passed on when the node sends them. */
export const EIDAS_NATURAL_PERSON_OPTIONAL: readonly EidasAttribute[] = [EIDAS.birthName, EIDAS.placeOfBirth, EIDAS.currentAddress, EIDAS.gender];
export const EIDAS_REPRESENTATIVE: readonly EidasAttribute[] = [
  EIDAS.representativePersonIdentifier,
  EIDAS.representativeFamilyName,
  EIDAS.representativeFirstName,
  EIDAS.representativeDateOfBirth,
  EIDAS.representativeLegalPersonIdentifier,
  EIDAS.representativeLegalName,
];
/** Representative attributes that are eIDAS unique identifiers (XX/YY/…). */
export const EIDAS_REPRESENTATIVE_IDENTIFIERS: readonly EidasAttribute[] = [EIDAS.representativePersonIdentifier, EIDAS.representativeLegalPersonIdentifier];

export const EIDAS_NATURAL_PERSON_MINIMUM: readonly EidasAttribute[] = [EIDAS.personIdentifier, EIDAS.familyName, EIDAS.firstName, EIDAS.dateOfBirth];
export const EIDAS_LEGAL_PERSON_MINIMUM: readonly EidasAttribute[] = [EIDAS.legalPersonIdentifier, EIDAS.legalName];

const BY_NAME = new Map(Object.values(EIDAS).map((attr) => [attr.name, attr]));

/** The eIDAS attribute an SP requested by Name, if it is one a node can be asked for. */
export function eidasAttributeByName(name: string): EidasAttribute | undefined {
  return BY_NAME.get(name);
}
