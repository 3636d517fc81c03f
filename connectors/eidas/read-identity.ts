// The foreign person from a verified assertion's attributes (eIDAS SAML Attribute Profile v1.2):
// PersonIdentifier kept as it is (`XX/YY/…`: XX must be the node's country, YY ours), names with
// LatinScript handling (a node sends a name in its own script marked LatinScript="false" next to
// the Latin transliteration: we keep the Latin one), DateOfBirth as yyyy-mm-dd. Anything missing
// or malformed refuses the login: these are the minimum data set every node must deliver.
// Everything else the node asserts and we can name — the legal person, the optional natural-person
// attributes, the representative attributes — is passed on as upstream attributes under its own
// eIDAS name, released to the SP only as its policy allows (broker/flow/upstream-attributes.ts).
import type { ReceivedAttribute } from '../../broker/saml/sp-role/model.js';
import type { UpstreamAttribute } from '../../broker/flow/login-transaction.js';
import { EIDAS, EIDAS_NATURAL_PERSON_OPTIONAL, EIDAS_REPRESENTATIVE, EIDAS_REPRESENTATIVE_IDENTIFIERS, type EidasAttribute } from './eidas-attributes.js';

export interface ForeignIdentity {
  readonly personIdentifier: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly dateOfBirth: string;
}

export class ForeignIdentityError extends Error {
  override name = 'ForeignIdentityError';
}

const MAX_VALUE = 256;
// CurrentAddress is base64 of an address structure (attribute profile §2.2.6): longer than a name.
const MAX_ADDRESS_VALUE = 4096;

function values(attrs: readonly ReceivedAttribute[], name: string): ReceivedAttribute['values'] {
  const found = attrs.filter((a) => a.name === name);
  if (found.length > 1) throw new ForeignIdentityError(`attribute ${name} sent twice`);
  return found[0]?.values ?? [];
}

/** The Latin value: LatinScript absent or true; a lone value counts whatever its mark. */
function latinValue(attrs: readonly ReceivedAttribute[], name: string, maxLength = MAX_VALUE): string | undefined {
  const all = values(attrs, name);
  const chosen = all.find((v) => v.latinScript !== false) ?? (all.length === 1 ? all[0] : undefined);
  const text = chosen?.value.trim();
  if (text && text.length > maxLength) throw new ForeignIdentityError(`attribute ${name} too long`);
  return text || undefined;
}

function required(attrs: readonly ReceivedAttribute[], name: string): string {
  const v = latinValue(attrs, name);
  if (!v) throw new ForeignIdentityError(`attribute ${name} missing`);
  return v;
}

interface Countries {
  readonly nodeCountry: string;
  readonly ourCountry: string;
}

/** An eIDAS unique identifier `XX/YY/…`: XX the node's country, YY ours (attribute profile §2.2.3). */
function checkIdentifier(value: string, what: string, expect: Countries): void {
  const m = /^([A-Z]{2})\/([A-Z]{2})\/(\S{1,200})$/.exec(value);
  if (!m) throw new ForeignIdentityError(`${what} is not XX/YY/identifier`);
  if (m[1] !== expect.nodeCountry) throw new ForeignIdentityError(`${what} from ${m[1]}, but the node is ${expect.nodeCountry}'s`);
  if (m[2] !== expect.ourCountry) throw new ForeignIdentityError(`${what} is meant for ${m[2]}, not ${expect.ourCountry}`);
}

/** The legal person the node asserted (both minimum-data-set attributes, Latin values), released as asserted. */
function readLegalPerson(attrs: readonly ReceivedAttribute[], expect: Countries): UpstreamAttribute[] {
  const identifier = latinValue(attrs, EIDAS.legalPersonIdentifier.name);
  const name = latinValue(attrs, EIDAS.legalName.name);
  if (!identifier || !name) return [];
  checkIdentifier(identifier, 'LegalPersonIdentifier', expect);
  return [
    { ...EIDAS.legalPersonIdentifier, values: [identifier] },
    { ...EIDAS.legalName, values: [name] },
  ];
}

/**
 * What the node asserted beyond the minimum data set, as upstream attributes under their eIDAS
 * names: the legal person (both attributes or none), the optional natural-person attributes and the
 * representative attributes it sent (one Latin value each; representative identifiers checked like
 * the subject's). A representative is what the foreign node asserts, never a broker-verified mandate.
 */
export function readUpstreamAttributes(attrs: readonly ReceivedAttribute[], expect: Countries): UpstreamAttribute[] {
  const passed = (attribute: EidasAttribute): UpstreamAttribute[] => {
    const value = latinValue(attrs, attribute.name, attribute === EIDAS.currentAddress ? MAX_ADDRESS_VALUE : MAX_VALUE);
    if (!value) return [];
    if (EIDAS_REPRESENTATIVE_IDENTIFIERS.includes(attribute)) checkIdentifier(value, attribute.friendlyName, expect);
    return [{ ...attribute, values: [value] }];
  };
  return [...readLegalPerson(attrs, expect), ...EIDAS_NATURAL_PERSON_OPTIONAL.flatMap(passed), ...EIDAS_REPRESENTATIVE.flatMap(passed)];
}

export function readForeignIdentity(attrs: readonly ReceivedAttribute[], expect: Countries): ForeignIdentity {
  const personIdentifier = required(attrs, EIDAS.personIdentifier.name);
  checkIdentifier(personIdentifier, 'PersonIdentifier', expect);
  const dateOfBirth = required(attrs, EIDAS.dateOfBirth.name);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(dateOfBirth) || Number.isNaN(Date.parse(`${dateOfBirth}T00:00:00Z`))) throw new ForeignIdentityError('DateOfBirth is not yyyy-mm-dd');
  return {
    personIdentifier,
    givenName: required(attrs, EIDAS.firstName.name),
    familyName: required(attrs, EIDAS.familyName.name),
    dateOfBirth,
  };
}
