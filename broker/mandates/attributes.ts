// The representation attributes of an assertion (design.md "Assertion attributes", issue 7 "In
// the assertion"), in the dialects the SP policy chooses (`eherkenning`, `eidas`, both), within
// the policy's release list like saml/attributes.ts: an explicit `releasedAttributes` must name
// each of them; without one, every representation attribute of the chosen dialects may leave.
// They are sent whenever the person acts for an organisation, requested or not: an SP that
// accepts representation cannot tell whom the login is for without them. Pure: no I/O.
//
// eIDAS (SAML Attribute Profile v1.2 §2.4): the represented legal person is the subject
// (LegalPersonIdentifier, LegalName) and the natural person acting moves under
// naturalperson/representative/, FriendlyName "Representative" + the natural one
// (RepresentativePersonIdentifier, RepresentativeFirstName, RepresentativeFamilyName,
// RepresentativeDateOfBirth), as eIDAS nodes name them. A chain mandate's intermediary is the
// legal person that represents the client: legalperson/representative/LegalPersonIdentifier and
// LegalName (RepresentativeLegalPersonIdentifier, RepresentativeLegalName), so an intermediary
// without a KvK number, which eHerkenning cannot name, still reaches the SP (design.md).
//
// eHerkenning: FriendlyName is the last segment of the URI (design.md), so the represented and
// the intermediate CompanyName share one; their Names tell them apart.
import type { SpPolicy } from '../config.js';
import type { AttributeValue, ReleasedAttribute } from '../saml/build-assertion.js';
import { ATTRNAME_FORMAT } from '../saml/namespaces.js';
import { ENTITY_CONCERNED_QUALIFIER, eidasLegalPersonIdentifier } from './identifiers.js';
import type { RepresentationChoice } from './model.js';
import type { LoginService } from './representations.js';

const EIDAS_NP = 'http://eidas.europa.eu/attributes/naturalperson/';
const EIDAS_REPRESENTATIVE = `${EIDAS_NP}representative/`;
const EIDAS_LP = 'http://eidas.europa.eu/attributes/legalperson/';
const EIDAS_LP_REPRESENTATIVE = `${EIDAS_LP}representative/`;

export const EHERKENNING = {
  legalSubjectID: 'urn:etoegang:core:LegalSubjectID',
  actingSubjectID: 'urn:etoegang:core:ActingSubjectID',
  serviceID: 'urn:etoegang:core:ServiceID',
  serviceUUID: 'urn:etoegang:core:ServiceUUID',
  intermediateKvK: 'urn:etoegang:1.9:IntermediateEntityID:KvKnr',
  intermediateName: 'urn:etoegang:1.13:attribute-intermediate:CompanyName',
  representedName: 'urn:etoegang:1.11:attribute-represented:CompanyName',
  branch: 'urn:etoegang:1.9:ServiceRestriction:Vestigingsnr',
} as const;

export const EIDAS_LEGAL_PERSON = {
  identifier: `${EIDAS_LP}LegalPersonIdentifier`,
  name: `${EIDAS_LP}LegalName`,
  representativeIdentifier: `${EIDAS_LP_REPRESENTATIVE}LegalPersonIdentifier`,
  representativeName: `${EIDAS_LP_REPRESENTATIVE}LegalName`,
} as const;

/** The eIDAS name of a natural-person attribute when its holder acts for someone else. */
export function representativeName(name: string): string | undefined {
  if (!name.startsWith(EIDAS_NP) || name.startsWith(EIDAS_REPRESENTATIVE)) return undefined;
  return EIDAS_REPRESENTATIVE + name.slice(EIDAS_NP.length);
}

export interface RepresentationRelease {
  /** the person's attributes as saml/attributes.ts released them */
  readonly natural: readonly ReleasedAttribute[];
  /** the service of the login (null: the SP has no catalogue entry) */
  readonly service: LoginService | null;
  /** the organisation chosen; null when the person acts for themselves */
  readonly representation: RepresentationChoice | null;
  /** urn:etoegang:core:ActingSubjectID (acting-subject.ts); needed when representing */
  readonly actingSubjectID: { readonly value: string; readonly nameQualifier: string } | null;
  readonly policy: Pick<SpPolicy, 'releasedAttributes' | 'dialects'>;
}

const lastSegment = (uri: string) => uri.slice(uri.lastIndexOf(':') + 1);

function attribute(name: string, friendlyName: string, value: AttributeValue): ReleasedAttribute {
  return { name, friendlyName, values: [value], nameFormat: ATTRNAME_FORMAT.uri };
}

const eherkenning = (name: string, value: AttributeValue) => attribute(name, lastSegment(name), value);

function serviceAttributes(service: LoginService): ReleasedAttribute[] {
  return [eherkenning(EHERKENNING.serviceID, service.serviceId), eherkenning(EHERKENNING.serviceUUID, service.serviceUuid)];
}

function eherkenningRepresentation(r: RepresentationChoice, acting: NonNullable<RepresentationRelease['actingSubjectID']>, service: LoginService | null): ReleasedAttribute[] {
  const out = [
    eherkenning(EHERKENNING.legalSubjectID, { kind: 'NameID', value: r.organisation.identifier.value, nameQualifier: ENTITY_CONCERNED_QUALIFIER[r.organisation.identifier.type] }),
    eherkenning(EHERKENNING.actingSubjectID, { kind: 'NameID', value: acting.value, nameQualifier: acting.nameQualifier }),
    ...(service ? serviceAttributes(service) : []),
    eherkenning(EHERKENNING.representedName, r.organisation.name),
  ];
  if (r.branch) out.push(eherkenning(EHERKENNING.branch, r.branch.branchNumber));
  if (r.intermediary) {
    // the eHerkenning chain attribute names a KvK number; other intermediaries go by name only
    if (r.intermediary.identifier.type === 'kvk') out.push(eherkenning(EHERKENNING.intermediateKvK, r.intermediary.identifier.value));
    out.push(eherkenning(EHERKENNING.intermediateName, r.intermediary.name));
  }
  return out;
}

function eidasRepresentation(r: RepresentationChoice, natural: readonly ReleasedAttribute[]): ReleasedAttribute[] {
  const representative = natural.flatMap((a) => {
    const name = representativeName(a.name);
    return name ? [{ ...a, name, friendlyName: `Representative${a.friendlyName}` }] : [];
  });
  const intermediary = r.intermediary
    ? [
        attribute(EIDAS_LEGAL_PERSON.representativeIdentifier, 'RepresentativeLegalPersonIdentifier', eidasLegalPersonIdentifier(r.intermediary.identifier)),
        attribute(EIDAS_LEGAL_PERSON.representativeName, 'RepresentativeLegalName', r.intermediary.name),
      ]
    : [];
  return [
    attribute(EIDAS_LEGAL_PERSON.identifier, 'LegalPersonIdentifier', eidasLegalPersonIdentifier(r.organisation.identifier)),
    attribute(EIDAS_LEGAL_PERSON.name, 'LegalName', r.organisation.name),
    ...intermediary,
    ...representative,
  ];
}

/** The assertion's attributes: the person's, moved or completed for the representation chosen. */
export function releaseRepresentationAttributes(input: RepresentationRelease): ReleasedAttribute[] {
  const { natural, service, representation: r, policy } = input;
  const eh = policy.dialects.includes('eherkenning');
  const eidas = policy.dialects.includes('eidas');
  const listed = policy.releasedAttributes ? new Set(policy.releasedAttributes) : undefined;
  const allowed = (a: ReleasedAttribute) => !listed || listed.has(a.name);

  if (!r) return [...natural, ...(eh && service ? serviceAttributes(service).filter(allowed) : [])];
  if (!input.actingSubjectID) throw new TypeError('a representation needs its ActingSubjectID');
  // in the eIDAS dialect the acting person's natural-person attributes become the representative's
  const kept = eidas ? natural.filter((a) => representativeName(a.name) === undefined) : [...natural];
  const added = [...(eidas ? eidasRepresentation(r, natural) : []), ...(eh ? eherkenningRepresentation(r, input.actingSubjectID, service) : [])];
  return [...kept, ...added.filter(allowed)];
}
