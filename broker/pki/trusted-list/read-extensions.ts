// ServiceInformationExtensions of a TSPService (TS 119 612 §5.5.9): the AdditionalServiceInformation
// URIs and the Qualifications extension (§5.5.9.2), whose qualifiers say what a CA/QC service's
// certificates are (QCWithSSCD, QCNoSSCD, QCStatement, NotQualified, QCForLegalPerson, …) for
// the certificates that meet its criteria (policy OIDs, key usage bits).
//
// The model (ServiceQualification) holds flat criteria: each policy OID and each key-usage bit is
// one criterion under `assert`. A QualificationElement whose criteria are not flat — a nested
// CriteriaList, otherCriteriaList (extended key usage, subject attributes), a PolicySet of several
// OIDs or a KeyUsage of several bits under atLeastOne/none, a bit required to be clear — cannot be
// represented, and guessing would be unsafe either way. So it fails closed: a qualifier that takes
// something away (NotQualified, QCNoSSCD, QCNoQSCD, QCForLegalPerson, QCForESeal, QCForWSA) is kept
// and applied to every certificate of the service (assert "all", no criteria); any other qualifier
// is dropped. Both are reported as warnings.
import type { ServiceQualification } from '../model.js';
import { SVC_INFO_EXT, TSL_NS } from './names.js';
import type { ListReader } from './read-dom.js';

const RESTRICTING_QUALIFIERS = new Set(['NotQualified', 'QCNoSSCD', 'QCNoQSCD', 'QCForLegalPerson', 'QCForESeal', 'QCForWSA'].map((q) => SVC_INFO_EXT + q));

/** Extensions this broker reads or may safely ignore; an unknown one marked critical drops the service. */
const KNOWN_EXTENSIONS = new Set([
  `${TSL_NS.tsl} AdditionalServiceInformation`,
  `${TSL_NS.ecc} Qualifications`,
  `${TSL_NS.tslx} TakenOverBy`,
  `${TSL_NS.tsl} ExpiredCertsRevocationInfo`,
]);

export interface ServiceExtensions {
  readonly additionalInformation: string[];
  readonly qualifications: ServiceQualification[];
  /** an unknown extension marked critical: TS 119 612 §5.5.9 forbids using the service then */
  readonly unknownCritical: string | undefined;
}

const OID = /^[0-2](\.(0|[1-9]\d*))+$/;

function policyOid(r: ListReader, value: string): string {
  const oid = value.replace(/^urn:oid:/i, '');
  if (!OID.test(oid)) r.fail(`policy identifier is not an OID: ${value.slice(0, 80)}`);
  return oid;
}

function readQualification(r: ListReader, element: Element, where: string, warn: (m: string) => void): ServiceQualification | undefined {
  const qualifiers = r.all(r.one(element, TSL_NS.ecc, 'Qualifiers'), TSL_NS.ecc, 'Qualifier').map((q) => {
    const uri = q.getAttribute('uri')?.trim() || q.textContent?.trim() || '';
    if (uri === '') r.fail(`empty Qualifier in ${where}`);
    return uri;
  });
  if (qualifiers.length === 0) r.fail(`QualificationElement without Qualifier in ${where}`);
  const criteria = r.one(element, TSL_NS.ecc, 'CriteriaList');
  const assert = criteria.getAttribute('assert');
  if (assert !== 'all' && assert !== 'atLeastOne' && assert !== 'none') r.fail(`CriteriaList assert "${assert}" in ${where}`);

  let flat = r.all(criteria, TSL_NS.ecc, 'CriteriaList').length === 0 && r.all(criteria, TSL_NS.ecc, 'otherCriteriaList').length === 0;
  const policyOids: string[] = [];
  for (const set of r.all(criteria, TSL_NS.ecc, 'PolicySet')) {
    const ids = r.all(set, TSL_NS.ecc, 'PolicyIdentifier').map((p) => policyOid(r, r.text(r.one(p, TSL_NS.xades, 'Identifier'))));
    if (ids.length === 0) r.fail(`empty PolicySet in ${where}`);
    if (ids.length > 1 && assert !== 'all') flat = false;
    policyOids.push(...ids);
  }
  const keyUsage: string[] = [];
  for (const usage of r.all(criteria, TSL_NS.ecc, 'KeyUsage')) {
    const bits = r.all(usage, TSL_NS.ecc, 'KeyUsageBit');
    if (bits.length === 0) r.fail(`empty KeyUsage in ${where}`);
    if (bits.length > 1 && assert !== 'all') flat = false;
    for (const bit of bits) {
      const name = bit.getAttribute('name') ?? '';
      if (!/^[a-zA-Z]+$/.test(name)) r.fail(`KeyUsageBit name "${name.slice(0, 40)}" in ${where}`);
      const value = r.text(bit);
      if (value === 'true' || value === '1') keyUsage.push(name);
      else if (value === 'false' || value === '0') flat = false;
      else r.fail(`KeyUsageBit value "${value.slice(0, 20)}" in ${where}`);
    }
  }
  if (flat) return { qualifiers, assert, policyOids, keyUsage };
  const kept = qualifiers.filter((q) => RESTRICTING_QUALIFIERS.has(q));
  warn(`${where}: criteria the broker cannot represent; ${kept.length ? `applying ${kept.join(', ')} to every certificate` : 'qualification ignored'}${kept.length < qualifiers.length ? `, ignoring ${qualifiers.filter((q) => !kept.includes(q)).join(', ')}` : ''}`);
  return kept.length ? { qualifiers: kept, assert: 'all', policyOids: [], keyUsage: [] } : undefined;
}

/** Read a ServiceInformationExtensions element (or its absence). `where` names the service for messages. */
export function readServiceExtensions(r: ListReader, extensions: Element | undefined, where: string, warn: (m: string) => void): ServiceExtensions {
  const additionalInformation: string[] = [];
  const qualifications: ServiceQualification[] = [];
  let unknownCritical: string | undefined;
  for (const extension of extensions ? r.all(extensions, TSL_NS.tsl, 'Extension') : []) {
    const critical = extension.getAttribute('Critical') === 'true' || extension.getAttribute('Critical') === '1';
    for (let c = extension.firstChild; c; c = c.nextSibling) {
      if (c.nodeType !== 1) continue;
      const el = c as Element;
      const key = `${el.namespaceURI} ${el.localName}`;
      if (key === `${TSL_NS.tsl} AdditionalServiceInformation`) additionalInformation.push(r.text(r.one(el, TSL_NS.tsl, 'URI')));
      else if (key === `${TSL_NS.ecc} Qualifications`) {
        for (const q of r.all(el, TSL_NS.ecc, 'QualificationElement')) {
          const read = readQualification(r, q, where, warn);
          if (read) qualifications.push(read);
        }
      } else if (critical && !KNOWN_EXTENSIONS.has(key)) unknownCritical ??= `{${el.namespaceURI}}${el.localName}`;
    }
  }
  return { additionalInformation, qualifications, unknownCritical };
}
