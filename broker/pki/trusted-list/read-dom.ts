// Strict readers over a trusted list's DOM: a mandatory element missing or repeated, or a value
// of the wrong form, is a TrustedListError that names the element, so an operator can find it in
// a list of several megabytes.
import { childElements, textOf } from '../../saml/dom-read.js';
import { TrustedListError } from './trusted-list-error.js';

export class ListReader {
  constructor(readonly source: string) {}

  fail(reason: string): never {
    throw new TrustedListError(this.source, reason);
  }

  one(parent: Element, ns: string, name: string): Element {
    const found = childElements(parent, ns, name);
    if (found.length !== 1) this.fail(`expected one ${name} in ${parent.localName}, found ${found.length}`);
    return found[0]!;
  }

  optional(parent: Element, ns: string, name: string): Element | undefined {
    const found = childElements(parent, ns, name);
    if (found.length > 1) this.fail(`more than one ${name} in ${parent.localName}`);
    return found[0];
  }

  all(parent: Element, ns: string, name: string): Element[] {
    return childElements(parent, ns, name);
  }

  /** Trimmed text of a simple element; empty is malformed. */
  text(el: Element): string {
    const value = textOf(el).trim();
    if (value === '') this.fail(`empty ${el.localName}`);
    return value;
  }

  /**
   * xsd:dateTime with an explicit zone (TS 119 612 §5.1.4 wants UTC); a local time without zone
   * would be read differently on each server, so it is refused.
   */
  dateTime(el: Element): Date {
    const value = this.text(el);
    const d = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) ? new Date(value) : undefined;
    if (!d || Number.isNaN(d.getTime())) this.fail(`${el.localName} is not a dateTime with a time zone: ${value.slice(0, 40)}`);
    return d;
  }

  /** The `xml:lang="en"` Name of a multilingual name element, else its first Name. */
  englishName(parent: Element, ns: string): string {
    const names = this.all(parent, ns, 'Name');
    if (names.length === 0) this.fail(`no Name in ${parent.localName}`);
    const en = names.find((n) => n.getAttributeNS('http://www.w3.org/XML/1998/namespace', 'lang')?.toLowerCase() === 'en');
    return this.text(en ?? names[0]!);
  }
}

/** Decode base64 that may be wrapped over lines (as real lists wrap certificates); undefined if not base64. */
export function decodeBase64(value: string): Buffer | undefined {
  const compact = value.replace(/\s+/g, '');
  if (compact === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) return undefined;
  return Buffer.from(compact, 'base64');
}
