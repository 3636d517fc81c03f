// A TrustServiceStatusList (ETSI TS 119 612 v2 schema, §5) read into the model's TrustedList.
// This reads content only; it proves nothing. The loader hands it the list re-parsed from the
// signed reference that verify-xades.ts returns, never a DOM a signature was merely checked on.
// PointersToOtherTSL (the EU list of lists' pointers to the member states' lists) are not
// followed: each list the broker trusts is configured with its own anchor.
import { X509Certificate } from 'node:crypto';
import { BrokerError } from '../../errors.js';
import { parseXml, type ParseLimits } from '../../saml/parse-xml.js';
import type { TrustService, TrustedList } from '../model.js';
import { TSL_NS } from './names.js';
import { decodeBase64, ListReader } from './read-dom.js';
import { readServiceExtensions } from './read-extensions.js';
import { TrustedListError } from './trusted-list-error.js';

/**
 * Published national lists are 1–5 MB with tens of thousands of elements (every service repeats
 * its certificates in its history), and some declare namespaces on every extension. Depth stays
 * below 20 (root … CriteriaList › PolicySet › PolicyIdentifier › Identifier, or the XAdES
 * properties), so 32 bounds it with room.
 */
export const TRUSTED_LIST_LIMITS: ParseLimits = {
  maxBytes: 20 * 1024 * 1024,
  maxDepth: 32,
  maxAttributesPerElement: 32,
  maxNamespaceDeclarations: 100_000,
  maxElements: 1_000_000,
};

export interface ReadTrustedList {
  readonly list: TrustedList;
  /** entries read with a caveat (unknown critical extension, criteria not representable) */
  readonly warnings: readonly string[];
}

/** Parse `xml` with the hardened parser; malformed XML becomes a TrustedListError naming `source`. */
export function parseListXml(xml: string, source: string, limits: ParseLimits = TRUSTED_LIST_LIMITS): { doc: Document; root: Element } {
  try {
    return parseXml(xml, limits);
  } catch (err) {
    if (err instanceof BrokerError) throw new TrustedListError(source, `not acceptable XML: ${err.detail ?? err.message}`);
    throw err;
  }
}

function readDigitalIdentity(r: ListReader, identity: Element, where: string): Pick<TrustService, 'certificates' | 'subjectNames' | 'subjectKeyIdentifiers'> {
  const certificates: X509Certificate[] = [];
  const subjectNames: string[] = [];
  const subjectKeyIdentifiers: string[] = [];
  for (const id of r.all(identity, TSL_NS.tsl, 'DigitalId')) {
    for (const cert of r.all(id, TSL_NS.tsl, 'X509Certificate')) {
      const der = decodeBase64(r.text(cert));
      let parsed: X509Certificate | undefined;
      try {
        parsed = der && new X509Certificate(der);
      } catch {
        parsed = undefined;
      }
      if (!parsed) r.fail(`X509Certificate of ${where} is not a certificate`);
      certificates.push(parsed);
    }
    for (const name of r.all(id, TSL_NS.tsl, 'X509SubjectName')) subjectNames.push(r.text(name));
    for (const ski of r.all(id, TSL_NS.tsl, 'X509SKI')) {
      const bytes = decodeBase64(r.text(ski));
      if (!bytes) r.fail(`X509SKI of ${where} is not base64`);
      subjectKeyIdentifiers.push(bytes.toString('hex'));
    }
  }
  return { certificates, subjectNames, subjectKeyIdentifiers };
}

function readService(r: ListReader, territory: string, tspName: string, service: Element, warn: (m: string) => void): TrustService | undefined {
  const info = r.one(service, TSL_NS.tsl, 'ServiceInformation');
  const serviceName = r.englishName(r.one(info, TSL_NS.tsl, 'ServiceName'), TSL_NS.tsl);
  const where = `service "${serviceName}" of "${tspName}"`;
  const serviceType = r.text(r.one(info, TSL_NS.tsl, 'ServiceTypeIdentifier'));
  const statusHistory: { status: string; from: Date; serviceType?: string }[] = [
    { status: r.text(r.one(info, TSL_NS.tsl, 'ServiceStatus')), from: r.dateTime(r.one(info, TSL_NS.tsl, 'StatusStartingTime')) },
  ];
  const history = r.optional(service, TSL_NS.tsl, 'ServiceHistory');
  for (const instance of history ? r.all(history, TSL_NS.tsl, 'ServiceHistoryInstance') : []) {
    const type = r.text(r.one(instance, TSL_NS.tsl, 'ServiceTypeIdentifier'));
    const entry = { status: r.text(r.one(instance, TSL_NS.tsl, 'ServiceStatus')), from: r.dateTime(r.one(instance, TSL_NS.tsl, 'StatusStartingTime')) };
    statusHistory.push(type === serviceType ? entry : { ...entry, serviceType: type });
  }
  // TS 119 612 §5.6 orders history newest first; sorted here so a list that does not still reads right
  statusHistory.sort((a, b) => b.from.getTime() - a.from.getTime());
  const extensions = readServiceExtensions(r, r.optional(info, TSL_NS.tsl, 'ServiceInformationExtensions'), where, warn);
  if (extensions.unknownCritical) {
    warn(`${where} skipped: critical extension ${extensions.unknownCritical} not understood`);
    return undefined;
  }
  return {
    territory,
    tspName,
    serviceName,
    serviceType,
    statusHistory,
    ...readDigitalIdentity(r, r.one(info, TSL_NS.tsl, 'ServiceDigitalIdentity'), where),
    additionalInformation: extensions.additionalInformation,
    qualifications: extensions.qualifications,
  };
}

/** Read the TrustedList from a parsed TrustServiceStatusList root. Throws TrustedListError. */
export function readTrustedList(root: Element, source: string): ReadTrustedList {
  const r: ListReader = new ListReader(source);
  if (root.namespaceURI !== TSL_NS.tsl || root.localName !== 'TrustServiceStatusList') r.fail(`root element is {${root.namespaceURI}}${root.localName}, not a TrustServiceStatusList`);
  const scheme = r.one(root, TSL_NS.tsl, 'SchemeInformation');
  const territory = r.text(r.one(scheme, TSL_NS.tsl, 'SchemeTerritory'));
  if (!/^[A-Z]{2}$/.test(territory)) r.fail(`SchemeTerritory "${territory.slice(0, 20)}" is not a two-letter code`);
  const sequence = r.text(r.one(scheme, TSL_NS.tsl, 'TSLSequenceNumber'));
  if (!/^[1-9]\d{0,8}$/.test(sequence)) r.fail(`TSLSequenceNumber "${sequence.slice(0, 20)}" is not a positive integer`);
  const issued = r.dateTime(r.one(scheme, TSL_NS.tsl, 'ListIssueDateTime'));
  const next = r.optional(r.one(scheme, TSL_NS.tsl, 'NextUpdate'), TSL_NS.tsl, 'dateTime');
  const nextUpdate = next ? r.dateTime(next) : null;

  const warnings: string[] = [];
  const warn = (m: string): void => void warnings.push(m);
  const services: TrustService[] = [];
  const providers = r.optional(root, TSL_NS.tsl, 'TrustServiceProviderList');
  for (const tsp of providers ? r.all(providers, TSL_NS.tsl, 'TrustServiceProvider') : []) {
    const tspName = r.englishName(r.one(r.one(tsp, TSL_NS.tsl, 'TSPInformation'), TSL_NS.tsl, 'TSPName'), TSL_NS.tsl);
    for (const service of r.all(r.one(tsp, TSL_NS.tsl, 'TSPServices'), TSL_NS.tsl, 'TSPService')) {
      const read = readService(r, territory, tspName, service, warn);
      if (read) services.push(read);
    }
  }
  return { list: { source, territory, sequenceNumber: Number(sequence), issued, nextUpdate, services }, warnings };
}

/**
 * Parse and read a trusted list WITHOUT checking its signature (parser tests, diagnostics).
 * The broker loads lists only through verifyTrustedList in verify-xades.ts.
 */
export function parseTrustedListUnverified(xml: string, source: string, limits: ParseLimits = TRUSTED_LIST_LIMITS): ReadTrustedList {
  return readTrustedList(parseListXml(xml, source, limits).root, source);
}
