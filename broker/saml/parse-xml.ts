// The one way inbound XML becomes a DOM. SAML messages never need a DTD, entities, processing
// instructions or more than one root, so we refuse all of those *before* the parser sees them, and
// a cheap linear pre-scan bounds size, depth and attribute counts so that hostile inputs (billion
// laughs, XXE, deep nesting, 10⁵ attributes, 10⁴ namespace declarations, unterminated tags) fail
// in bounded time without ever reaching xmldom (saml-attacks.md "Parsing").
import { DOMParser } from '@xmldom/xmldom';
import { BrokerError } from '../errors.js';

export interface ParseLimits {
  /** largest input in UTF-8 bytes */
  maxBytes: number;
  /** deepest element nesting */
  maxDepth: number;
  /** attributes (namespace declarations included) on one element */
  maxAttributesPerElement: number;
  /** namespace declarations in the whole document */
  maxNamespaceDeclarations: number;
  /** elements in the whole document */
  maxElements: number;
}

// Generous for any SAML message we accept (a Keycloak AuthnRequest has depth 4, < 10 attributes);
// SP metadata passes larger limits.
export const MESSAGE_LIMITS: ParseLimits = {
  maxBytes: 256 * 1024,
  maxDepth: 32,
  maxAttributesPerElement: 32,
  maxNamespaceDeclarations: 64,
  maxElements: 2000,
};

export const METADATA_LIMITS: ParseLimits = {
  maxBytes: 4 * 1024 * 1024,
  maxDepth: 48,
  maxAttributesPerElement: 64,
  maxNamespaceDeclarations: 4096,
  maxElements: 200_000,
};

export interface ParsedXml {
  doc: Document;
  root: Element;
}

function refuse(detail: string): never {
  throw new BrokerError('request-malformed', 'The message is not acceptable XML.', detail);
}

// XML 1.0 Char production: no C0 controls except tab, LF, CR; no U+FFFE/U+FFFF; no lone surrogates.
const FORBIDDEN_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CHAR_REF = /&#(x[0-9A-Fa-f]+|[0-9]+);/g;
const XML_DECLARATION = /^\uFEFF?<\?xml\s[^?]*\?>/;
const NS_DECLARATION = /\sxmlns(?::[^\s=/>]+)?\s*=/g;

/**
 * Linear scan of the markup: refuses DOCTYPE/ENTITY and every other `<!` construct except
 * comments and CDATA, processing instructions other than the XML declaration, unterminated
 * markup, and anything over the limits. Returns nothing; it only refuses.
 */
function prescan(xml: string, limits: ParseLimits): void {
  if (xml.includes('<!DOCTYPE') || xml.includes('<!ENTITY')) refuse('DOCTYPE or ENTITY declaration');
  if (FORBIDDEN_CHAR.test(xml)) refuse('character not allowed in XML');
  // xmldom expands &#1; or &#0; without complaint; XML 1.0 forbids them (WFC: Legal Character)
  for (const m of xml.matchAll(CHAR_REF)) {
    const code = m[1]!.startsWith('x') ? parseInt(m[1]!.slice(1), 16) : parseInt(m[1]!, 10);
    const legal = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
    if (!legal) refuse('character reference to a character not allowed in XML');
  }
  const decl = XML_DECLARATION.exec(xml);
  let i = decl ? decl[0].length : 0;
  let depth = 0;
  let elements = 0;
  let nsDecls = 0;
  const n = xml.length;
  while (i < n) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) break;
    const next = xml.charCodeAt(lt + 1);
    if (next === 0x21 /* ! */) {
      if (xml.startsWith('<!--', lt)) {
        const end = xml.indexOf('-->', lt + 4);
        if (end < 0) refuse('unterminated comment');
        i = end + 3;
      } else if (xml.startsWith('<![CDATA[', lt)) {
        const end = xml.indexOf(']]>', lt + 9);
        if (end < 0) refuse('unterminated CDATA section');
        i = end + 3;
      } else refuse('markup declaration not allowed');
      continue;
    }
    if (next === 0x3f /* ? */) refuse('processing instruction not allowed');
    if (next === 0x2f /* / */) {
      const end = xml.indexOf('>', lt);
      if (end < 0) refuse('unterminated end tag');
      depth--;
      if (depth < 0) refuse('end tag without start tag');
      i = end + 1;
      continue;
    }
    // A start tag: find its end outside quoted attribute values, counting '=' as attributes.
    let j = lt + 1;
    let quote = 0;
    let attributes = 0;
    for (; j < n; j++) {
      const c = xml.charCodeAt(j);
      if (quote) {
        if (c === quote) quote = 0;
        else if (c === 0x3c /* < */) refuse('"<" in attribute value');
      } else if (c === 0x22 || c === 0x27) quote = c;
      else if (c === 0x3d /* = */) {
        if (++attributes > limits.maxAttributesPerElement) refuse('too many attributes');
      } else if (c === 0x3e /* > */) break;
      else if (c === 0x3c) refuse('"<" inside a tag');
    }
    if (j >= n) refuse('unterminated start tag');
    const tag = xml.slice(lt, j + 1);
    NS_DECLARATION.lastIndex = 0;
    while (NS_DECLARATION.exec(tag)) if (++nsDecls > limits.maxNamespaceDeclarations) refuse('too many namespace declarations');
    if (++elements > limits.maxElements) refuse('too many elements');
    if (xml.charCodeAt(j - 1) !== 0x2f /* / */) {
      if (++depth > limits.maxDepth) refuse('nesting too deep');
    }
    i = j + 1;
  }
  if (depth !== 0) refuse('unclosed element');
}

/** Every element and attribute prefix must be bound (xmldom lets unbound prefixes through). */
function checkPrefixesBound(root: Element): void {
  const stack: Element[] = [root];
  while (stack.length > 0) {
    const el = stack.pop()!;
    if (el.prefix && !el.namespaceURI) refuse(`unbound prefix ${el.prefix}`);
    for (let a = 0; a < el.attributes.length; a++) {
      const attr = el.attributes[a]!;
      if (attr.prefix && attr.prefix !== 'xmlns' && !attr.namespaceURI) refuse(`unbound prefix ${attr.prefix}`);
    }
    for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) stack.push(c as Element);
  }
}

/** Exactly one root element; besides it only comments, whitespace and the XML declaration. */
function onlyRoot(doc: Document): Element {
  let root: Element | undefined;
  for (let c = doc.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === 1) {
      if (root) refuse('more than one root element');
      root = c as Element;
    } else if (c.nodeType === 3) {
      if ((c.nodeValue ?? '').trim() !== '') refuse('text outside the root element');
    } else if (c.nodeType === 7) {
      if (c.nodeName !== 'xml' || c !== doc.firstChild) refuse('processing instruction not allowed');
    } else if (c.nodeType !== 8) refuse(`node type ${c.nodeType} outside the root element`);
  }
  if (!root) refuse('no root element');
  return root;
}

/**
 * Parse untrusted XML. Any xmldom error or warning is a refusal. Throws BrokerError
 * 'request-malformed' (the detail says why, for the log).
 */
export function parseXml(xml: string, limits: ParseLimits = MESSAGE_LIMITS): ParsedXml {
  if (xml.length > limits.maxBytes || Buffer.byteLength(xml, 'utf8') > limits.maxBytes) refuse('message too large');
  prescan(xml, limits);
  const problems: string[] = [];
  const parser = new DOMParser({
    errorHandler: {
      warning: (m: unknown) => problems.push(String(m)),
      error: (m: unknown) => problems.push(String(m)),
      fatalError: (m: unknown) => problems.push(String(m)),
    },
  });
  let doc: Document;
  try {
    doc = parser.parseFromString(xml, 'application/xml');
  } catch (err) {
    refuse(`parser: ${(err as Error).message}`);
  }
  if (problems.length > 0) refuse(`parser: ${problems[0]!.split('\n')[0]}`);
  const root = onlyRoot(doc);
  checkPrefixesBound(root);
  return { doc, root };
}
