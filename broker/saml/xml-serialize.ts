// Two serializations of the element trees the outbound builders describe (xml-writer.ts):
//
// - `serializeXml`: the document we send. Every prefix an element uses or declares is bound where
//   the parent did not already bind it to the same URI, so any subtree is self-contained.
// - `canonicalXml`: Exclusive XML Canonicalization 1.0 without comments (xml-exc-c14n, §3 of the
//   W3C note; C14N 1.0 §2.3 for escaping and ordering) of a subtree, computed from the tree
//   itself. It is what a verifier computes after parsing `serializeXml`'s output.
//
// Hand-written because the library path (xml-crypto: serialize, re-parse, XPath to the element,
// canonicalize the DOM) cost ~2 ms of the 2.4 ms of each signature on the SSO hot path
// (docs/benchmarks.md), while these trees are ours, prefixed throughout and small. Every
// signature it produces is checked by independent verifiers in the tests: xmlsec1, xml-crypto
// (node-saml), samlify and pysaml2.
import { NS } from './namespaces.js';
import { assertXmlText, type XmlChild, type XmlElement } from './xml-writer.js';

const ATTRIBUTE_PREFIX_NS: Readonly<Record<string, string>> = { xsi: NS.xsi, xml: NS.xml };

function prefixOf(qname: string): string {
  const i = qname.indexOf(':');
  if (i <= 0) throw new TypeError(`outbound elements are always prefixed: ${qname}`);
  return qname.slice(0, i);
}

function escapeText(s: string): string {
  return s.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#xD;'));
}

function escapeAttribute(s: string): string {
  return s.replace(/[&<"\t\n\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' })[c]!);
}

interface Attr {
  readonly name: string;
  readonly ns: string; // '' for unprefixed attributes
  readonly local: string;
  readonly value: string;
}

function attributesOf(spec: XmlElement): Attr[] {
  const out: Attr[] = [];
  for (const [name, value] of Object.entries(spec.attrs)) {
    if (value === undefined) continue;
    assertXmlText(value, `attribute ${name}`);
    const colon = name.indexOf(':');
    if (colon < 0) out.push({ name, ns: '', local: name, value });
    else {
      const ns = ATTRIBUTE_PREFIX_NS[name.slice(0, colon)];
      if (!ns) throw new TypeError(`unknown attribute prefix in ${name}`);
      out.push({ name, ns, local: name.slice(colon + 1), value });
    }
  }
  // C14N §2.3: attributes by namespace URI (none first), then local name; code-point order.
  return out.sort((a, b) => (a.ns === b.ns ? cmp(a.local, b.local) : cmp(a.ns, b.ns)));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

type Scope = ReadonlyMap<string, string>;

function write(spec: XmlElement, inScope: Scope, rendered: Scope, canonical: boolean, out: string[]): void {
  const prefix = prefixOf(spec.name);
  const scope = new Map(inScope);
  scope.set(prefix, spec.ns);
  for (const [p, uri] of Object.entries(spec.declare)) scope.set(p, uri);
  const attrs = attributesOf(spec);
  for (const a of attrs) if (a.ns && a.ns !== NS.xml) scope.set(a.name.slice(0, a.name.indexOf(':')), a.ns);

  // exc-c14n renders the namespaces the element and its attributes visibly use; the sent document
  // also keeps what the tree declares (xs for xsi:type="xs:string" values).
  const wanted = new Set<string>([prefix]);
  for (const a of attrs) if (a.ns && a.ns !== NS.xml) wanted.add(a.name.slice(0, a.name.indexOf(':')));
  if (!canonical) for (const p of Object.keys(spec.declare)) wanted.add(p);
  const nowRendered = new Map(rendered);
  const declarations: string[] = [];
  for (const p of [...wanted].sort(cmp)) {
    const uri = scope.get(p)!;
    // What an element declares itself is always written out, so a subtree such as the
    // Assertion stays well-formed when a peer lifts it out of the Response.
    const declaredHere = !canonical && spec.declare[p] !== undefined;
    if (rendered.get(p) === uri && !declaredHere) continue;
    nowRendered.set(p, uri);
    declarations.push(` xmlns:${p}="${escapeAttribute(uri)}"`);
  }
  out.push(`<${spec.name}`, ...declarations);
  for (const a of attrs) out.push(` ${a.name}="${escapeAttribute(a.value)}"`);
  out.push('>');
  for (const child of spec.children as readonly XmlChild[]) {
    if (child === null || child === undefined || child === false) continue;
    if (typeof child === 'string') out.push(escapeText(assertXmlText(child, `text of ${spec.name}`)));
    else write(child, scope, nowRendered, canonical, out);
  }
  out.push(`</${spec.name}>`);
}

const XML_SCOPE: Scope = new Map([['xml', NS.xml]]);

/** The document text of `root` (no XML declaration). */
export function serializeXml(root: XmlElement): string {
  const out: string[] = [];
  write(root, XML_SCOPE, XML_SCOPE, false, out);
  return out.join('');
}

/** Exclusive canonical form of `root` as an apex (no InclusiveNamespaces PrefixList). */
export function canonicalXml(root: XmlElement): string {
  const out: string[] = [];
  write(root, XML_SCOPE, XML_SCOPE, true, out);
  return out.join('');
}
