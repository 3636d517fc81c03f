// Small readers over a DOM that has already passed validate-structure.ts: they never decide what
// is allowed, only fetch what the allowlist guaranteed is there.
export function childElements(el: Element, ns: string, name: string): Element[] {
  const out: Element[] = [];
  for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === 1 && (c as Element).namespaceURI === ns && (c as Element).localName === name) out.push(c as Element);
  return out;
}

export function childElement(el: Element, ns: string, name: string): Element | undefined {
  return childElements(el, ns, name)[0];
}

/** The whole text of a simple-content element (every text and CDATA node, never just the first). */
export function textOf(el: Element): string {
  let s = '';
  for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === 3 || c.nodeType === 4) s += c.nodeValue ?? '';
  return s;
}

export function optionalAttr(el: Element, name: string): string | undefined {
  return el.hasAttribute(name) ? (el.getAttribute(name) ?? undefined) : undefined;
}
