// A tiny content-model checker: each element rule lists its allowed attributes (with value types),
// and either simple content of one type, or element-only content as a sequence of particles with
// cardinalities. Written from the XSDs, as strict or stricter. No comments, processing
// instructions or foreign attributes anywhere: SAML messages need none of them, and refusing them
// removes the comment-truncation tricks (saml-attacks.md "digest comment", "NameID comment").
import { BrokerError } from '../../errors.js';
import { NS } from '../namespaces.js';
import { checkValue, typeName, type ValueType } from './value-types.js';

export interface AttrRule {
  readonly type: ValueType;
  readonly required?: boolean;
}

export interface ElementRule {
  readonly ns: string;
  readonly name: string;
  readonly attrs?: Readonly<Record<string, AttrRule>>;
  /** namespace-qualified attributes allowed here, keyed `{namespace}localName` (xsi:type on an AttributeValue) */
  readonly qualifiedAttrs?: Readonly<Record<string, AttrRule>>;
  /** simple content of this type; absent with no `children`: empty element */
  readonly text?: ValueType;
  /** element-only content: a sequence */
  readonly children?: readonly Particle[];
  /** code rule beyond the content model (co-occurrence, choice of one kind) */
  readonly check?: (el: Element) => void;
}

/** One place in a sequence: any of `rules`, between min and max times in a row. */
export interface Particle {
  readonly rules: readonly ElementRule[] | (() => readonly ElementRule[]);
  readonly min: number;
  readonly max: number;
  /** a name for this position, when the caller wants to know which one matched */
  readonly slot?: string;
}

export const opt = (rule: ElementRule, slot?: string): Particle => ({ rules: [rule], min: 0, max: 1, slot });
export const one = (rule: ElementRule): Particle => ({ rules: [rule], min: 1, max: 1 });
export const many = (rule: ElementRule, min = 0, max = Infinity): Particle => ({ rules: [rule], min, max });
export const choice = (rules: readonly ElementRule[], min = 1, max = 1): Particle => ({ rules, min, max });

export function refuseStructure(detail: string): never {
  throw new BrokerError('request-malformed', 'The message does not have the expected structure.', detail);
}

const label = (el: Element) => `{${el.namespaceURI ?? ''}}${el.localName}`;

function isNamespaceDeclaration(attr: Attr): boolean {
  return attr.namespaceURI === NS.xmlns || attr.name === 'xmlns' || attr.name.startsWith('xmlns:');
}

function checkAttributes(el: Element, rule: ElementRule): void {
  const allowed = rule.attrs ?? {};
  for (let i = 0; i < el.attributes.length; i++) {
    const attr = el.attributes[i]!;
    if (isNamespaceDeclaration(attr)) continue;
    if (attr.namespaceURI) {
      const q = rule.qualifiedAttrs?.[`{${attr.namespaceURI}}${attr.localName}`];
      if (!q) refuseStructure(`${label(el)}: qualified attribute ${attr.name} not allowed`);
      if (!checkValue(q.type, attr.value)) refuseStructure(`${label(el)}: attribute ${attr.name} is not ${typeName(q.type)}`);
      continue;
    }
    const a = allowed[attr.localName ?? attr.name];
    if (!a) refuseStructure(`${label(el)}: attribute ${attr.name} not allowed`);
    if (!checkValue(a.type, attr.value)) refuseStructure(`${label(el)}: attribute ${attr.name} is not ${typeName(a.type)}`);
  }
  for (const [name, a] of Object.entries(allowed)) {
    if (a.required && !el.hasAttribute(name)) refuseStructure(`${label(el)}: attribute ${name} missing`);
  }
}

/** Element children; refuses comments, PIs and (unless simple content) non-whitespace text. */
function elementChildren(el: Element): Element[] {
  const out: Element[] = [];
  for (let c = el.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === 1) out.push(c as Element);
    else if (c.nodeType === 3) {
      if ((c.nodeValue ?? '').trim() !== '') refuseStructure(`${label(el)}: text not allowed here`);
    } else refuseStructure(`${label(el)}: node type ${c.nodeType} not allowed`);
  }
  return out;
}

/** Text of a simple-content element: text and CDATA only, no child elements or comments. */
export function simpleText(el: Element): string {
  let text = '';
  for (let c = el.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === 3 || c.nodeType === 4) text += c.nodeValue ?? '';
    else refuseStructure(`${label(el)}: only text allowed`);
  }
  return text;
}

const matches = (el: Element, r: ElementRule) => el.namespaceURI === r.ns && el.localName === r.name;

/** Which slot each child took, for callers that care (the Keycloak Subject position). */
export type SlotHits = Map<string, number>;

export function checkElement(el: Element, rule: ElementRule, hits?: SlotHits): void {
  if (!matches(el, rule)) refuseStructure(`expected {${rule.ns}}${rule.name}, found ${label(el)}`);
  checkAttributes(el, rule);
  if (rule.text !== undefined) {
    const text = simpleText(el);
    if (!checkValue(rule.text, text)) refuseStructure(`${label(el)}: content is not ${typeName(rule.text)}`);
  } else {
    const kids = elementChildren(el);
    let k = 0;
    for (const p of rule.children ?? []) {
      const rules = typeof p.rules === 'function' ? p.rules() : p.rules;
      let count = 0;
      while (k < kids.length && count < p.max) {
        const kid = kids[k]!;
        const r = rules.find((x) => matches(kid, x));
        if (!r) break;
        checkElement(kid, r, hits);
        count++;
        k++;
      }
      if (count < p.min) refuseStructure(`${label(el)}: expected ${rules.map((r) => r.name).join('|')} at position ${k}`);
      if (p.slot && count > 0 && hits) hits.set(p.slot, (hits.get(p.slot) ?? 0) + count);
    }
    if (k < kids.length) refuseStructure(`${label(el)}: unexpected element ${label(kids[k]!)}`);
  }
  rule.check?.(el);
}
