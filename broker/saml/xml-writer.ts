// The one way the outbound half writes XML: elements described as data, turned into a real DOM
// (@xmldom/xmldom) and serialized by it. Text and attribute values only ever become DOM text and
// attribute nodes, so a person's name containing `</saml:AttributeValue>…` stays text: no string
// concatenation of untrusted values anywhere in the builders.
//
// XML 1.0 cannot carry some characters at all (NUL, most C0 controls, lone surrogates, U+FFFE/F);
// the serializer would emit them and produce a document no peer can parse, so we refuse them.
import { DOMImplementation, XMLSerializer } from '@xmldom/xmldom';
import { NS } from './namespaces.js';

export type XmlChild = XmlElement | string | null | undefined | false;

export interface XmlElement {
  /** namespace URI of the element */
  readonly ns: string;
  /** qualified name as written: `saml:Issuer` */
  readonly name: string;
  /** unqualified attributes, plus `xsi:type`-style ones whose prefix is in `PREFIXED_ATTRIBUTE_NS` */
  readonly attrs: Readonly<Record<string, string | undefined>>;
  /** namespace declarations to put on this element: prefix → URI */
  readonly declare: Readonly<Record<string, string>>;
  readonly children: readonly XmlChild[];
}

/** An element; children may be elements, text, or falsy (skipped). */
export function el(
  ns: string,
  name: string,
  attrs: Record<string, string | undefined> = {},
  children: readonly XmlChild[] = [],
  declare: Record<string, string> = {},
): XmlElement {
  return { ns, name, attrs, children, declare };
}

const PREFIXED_ATTRIBUTE_NS: Record<string, string> = { xsi: NS.xsi, xml: NS.xml };

// XML 1.0 §2.2 Char, over UTF-16 code units (surrogate pairs checked as pairs).
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export function assertXmlText(value: string, what: string): string {
  if (NOT_XML_CHAR.test(value)) throw new TypeError(`${what} contains a character XML 1.0 cannot carry`);
  return value;
}

function build(doc: Document, spec: XmlElement, scope: ReadonlyMap<string, string>): Element {
  const node = doc.createElementNS(spec.ns, spec.name);
  const prefix = spec.name.includes(':') ? spec.name.slice(0, spec.name.indexOf(':')) : '';
  // Declare a prefix only where the parent did not already bind it to the same URI.
  const inner = new Map(scope);
  for (const [p, uri] of [[prefix, spec.ns] as const, ...Object.entries(spec.declare)]) {
    if (inner.get(p) === uri) continue;
    node.setAttributeNS(NS.xmlns, p ? `xmlns:${p}` : 'xmlns', uri);
    inner.set(p, uri);
  }
  for (const [name, value] of Object.entries(spec.attrs)) {
    if (value === undefined) continue;
    assertXmlText(value, `attribute ${name}`);
    const colon = name.indexOf(':');
    if (colon < 0) node.setAttribute(name, value);
    else {
      const attrNs = PREFIXED_ATTRIBUTE_NS[name.slice(0, colon)];
      if (!attrNs) throw new TypeError(`unknown attribute prefix in ${name}`);
      node.setAttributeNS(attrNs, name, value);
    }
  }
  for (const child of spec.children) {
    if (child === null || child === undefined || child === false) continue;
    if (typeof child === 'string') node.appendChild(doc.createTextNode(assertXmlText(child, `text of ${spec.name}`)));
    else node.appendChild(build(doc, child, inner));
  }
  return node;
}

/**
 * Serialize an element tree, without XML declaration. Each element declares its prefix unless
 * its parent bound it already, so a subtree serialized on its own (a signed Assertion that is
 * later encrypted or embedded as a string) is always self-contained.
 */
export function toXml(root: XmlElement): string {
  const doc = new DOMImplementation().createDocument(null, null, null);
  doc.appendChild(build(doc, root, new Map([['xml', NS.xml]])));
  return new XMLSerializer().serializeToString(doc);
}
