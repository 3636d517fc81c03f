// The one way the outbound half describes XML: elements as data, serialized only by
// xml-serialize.ts, which escapes every text and attribute value. A person's name containing
// `</saml:AttributeValue>…` stays text: no string concatenation of untrusted values anywhere in
// the builders.
//
// XML 1.0 cannot carry some characters at all (NUL, most C0 controls, lone surrogates, U+FFFE/F);
// the serializer would emit them and produce a document no peer can parse, so we refuse them.

export type XmlChild = XmlElement | string | null | undefined | false;

export interface XmlElement {
  /** namespace URI of the element */
  readonly ns: string;
  /** qualified name as written: `saml:Issuer` */
  readonly name: string;
  /** unqualified attributes, plus `xsi:type`-style ones (xsi and xml prefixes only) */
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


// XML 1.0 §2.2 Char, over UTF-16 code units (surrogate pairs checked as pairs).
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export function assertXmlText(value: string, what: string): string {
  if (NOT_XML_CHAR.test(value)) throw new TypeError(`${what} contains a character XML 1.0 cannot carry`);
  return value;
}
