// SP metadata (saml-metadata-2.0) to SpEntry: EntityDescriptor or EntitiesDescriptor, each entity
// with an SPSSODescriptor for SAML 2.0. The document is XSD-validated first (xsd.ts 'metadata'),
// then parsed with the hardened parser. Entities without an SPSSODescriptor are skipped.
import { BrokerError } from '../errors.js';
import { NS } from './namespaces.js';
import { parseXml, METADATA_LIMITS } from './parse-xml.js';
import { parseXsdBoolean } from './structure/value-types.js';
import { validateXsd } from './xsd.js';

export interface SpEntry {
  entityID: string;
  acs: { index: number; isDefault: boolean; binding: string; location: string }[];
  slo: { binding: string; location: string; responseLocation?: string }[];
  signingCerts: string[] /* PEM */;
  encryptionCerts: string[];
  authnRequestsSigned: boolean;
  wantAssertionsSigned: boolean;
  nameIDFormats: string[];
  validUntil?: Date;
}

function invalid(detail: string): never {
  throw new BrokerError('request-malformed', 'SP metadata is not acceptable.', detail);
}

const children = (el: Element, ns: string, name: string): Element[] => {
  const out: Element[] = [];
  for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === 1 && (c as Element).namespaceURI === ns && (c as Element).localName === name) out.push(c as Element);
  return out;
};

const text = (el: Element) => (el.textContent ?? '').trim();

/** base64 DER to PEM, 64 characters a line. */
export function toPem(base64: string): string {
  const b64 = base64.replace(/\s+/g, '');
  return `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** The earlier of two optional instants (a nested validUntil cannot outlive its parent's). */
function earlier(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (!a) return b;
  if (!b) return a;
  return a < b ? a : b;
}

function readValidUntil(el: Element): Date | undefined {
  const v = el.getAttribute('validUntil');
  if (!v) return undefined;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) invalid(`bad validUntil ${v}`);
  return d;
}

function readKeys(sso: Element): { signing: string[]; encryption: string[] } {
  const signing: string[] = [];
  const encryption: string[] = [];
  for (const kd of children(sso, NS.md, 'KeyDescriptor')) {
    const use = kd.getAttribute('use');
    const certs = kd.getElementsByTagNameNS(NS.ds, 'X509Certificate');
    for (let i = 0; i < certs.length; i++) {
      const pem = toPem(text(certs[i]!));
      // a KeyDescriptor without `use` counts for both (metadata §2.4.1.1)
      if (use !== 'encryption') signing.push(pem);
      if (use !== 'signing') encryption.push(pem);
    }
  }
  return { signing, encryption };
}

function readSp(entity: Element, inherited: Date | undefined): SpEntry | undefined {
  const entityID = entity.getAttribute('entityID') ?? '';
  const sso = children(entity, NS.md, 'SPSSODescriptor').find((d) => (d.getAttribute('protocolSupportEnumeration') ?? '').split(/\s+/).includes(NS.samlp));
  if (!sso) return undefined;
  const { signing, encryption } = readKeys(sso);
  const acs = children(sso, NS.md, 'AssertionConsumerService').map((a) => ({
    index: Number(a.getAttribute('index')),
    isDefault: parseXsdBoolean(a.getAttribute('isDefault')) ?? false,
    binding: a.getAttribute('Binding') ?? '',
    location: a.getAttribute('Location') ?? '',
  }));
  const slo = children(sso, NS.md, 'SingleLogoutService').map((s) => {
    const responseLocation = s.getAttribute('ResponseLocation');
    return { binding: s.getAttribute('Binding') ?? '', location: s.getAttribute('Location') ?? '', ...(responseLocation ? { responseLocation } : {}) };
  });
  const validUntil = earlier(earlier(inherited, readValidUntil(entity)), readValidUntil(sso));
  return {
    entityID,
    acs,
    slo,
    signingCerts: signing,
    encryptionCerts: encryption,
    authnRequestsSigned: parseXsdBoolean(sso.getAttribute('AuthnRequestsSigned')) ?? false,
    wantAssertionsSigned: parseXsdBoolean(sso.getAttribute('WantAssertionsSigned')) ?? false,
    nameIDFormats: children(sso, NS.md, 'NameIDFormat').map(text),
    ...(validUntil ? { validUntil } : {}),
  };
}

function walk(el: Element, inherited: Date | undefined, out: SpEntry[]): void {
  if (el.namespaceURI !== NS.md) invalid('not a metadata element');
  if (el.localName === 'EntityDescriptor') {
    const sp = readSp(el, inherited);
    if (sp) out.push(sp);
  } else if (el.localName === 'EntitiesDescriptor') {
    const until = earlier(inherited, readValidUntil(el));
    for (let c = el.firstChild; c; c = c.nextSibling) {
      if (c.nodeType !== 1) continue;
      const child = c as Element;
      if (child.namespaceURI === NS.md && (child.localName === 'EntityDescriptor' || child.localName === 'EntitiesDescriptor')) walk(child, until, out);
    }
  } else invalid(`unexpected root ${el.localName}`);
}

/** Read SP entries from an already parsed (and, where required, signature-verified) metadata root. */
export function readSpEntries(root: Element): SpEntry[] {
  const out: SpEntry[] = [];
  walk(root, undefined, out);
  return out;
}

/** Validate `xml` against the metadata schema, parse it and read its SP entries. */
export function parseSpMetadata(xml: string): SpEntry[] {
  const xsd = validateXsd(xml, 'metadata');
  if (!xsd.ok) invalid(`schema: ${xsd.errors.slice(0, 3).join('; ')}`);
  return readSpEntries(parseXml(xml, METADATA_LIMITS).root);
}
