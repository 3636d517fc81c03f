// Deterministic structural mutations of XML messages, for the differential tests of the
// structural validators against the XSDs (tests/unit/saml-in/structure-vs-xsd.test.ts for
// requests, tests/unit/saml-sp-role/structure-vs-xsd.test.ts for Responses). TEST ONLY.
import { NS } from '../../broker/saml/namespaces.js';

/** mulberry32: a small deterministic PRNG, so the corpus is the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const BAD_VALUES = ['', ' ', 'x y', '2026-13-01T00:00:00Z', '2026-02-30T00:00:00Z', '2026-01-01T00:00:00', '2026-01-01T00:00:00+01:00', 'maybe', 'TRUE', '70000', '-1', '1a', '1.0', '3.0', '#', 'a b c', '1ID', 'ID:x', '%zz', 'not base64!', 'abc', '<', 'http://ok.test/x', 'true', '0', '65535', 'public', 'exact', 'ID_ok'];
export const UNKNOWN_ELEMENTS: [string, string][] = [
  [NS.samlp, 'samlp:Bogus'],
  [NS.saml, 'saml:Bogus'],
  [NS.saml, 'saml:Conditions'],
  [NS.saml, 'saml:Issuer'],
  [NS.samlp, 'samlp:Extensions'],
  ['urn:foreign', 'f:Thing'],
  [NS.ds, 'ds:Object'],
  [NS.eidas, 'eidas:SPType'],
];

export function allElements(root: Element): Element[] {
  const out: Element[] = [];
  const walk = (e: Element) => {
    out.push(e);
    for (let c = e.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) walk(c as Element);
  };
  walk(root);
  return out;
}
export const elementKids = (e: Element) => allElements(e).filter((k) => k.parentNode === e);

export type Mutation = (doc: Document, rnd: () => number) => boolean;
export const pick = <T>(xs: T[], rnd: () => number): T => xs[Math.floor(rnd() * xs.length)]!;

/** The mutations, with `unknownElements` as the foreign or misplaced elements to insert. */
export function structureMutations(unknownElements: readonly [string, string][] = UNKNOWN_ELEMENTS): Record<string, Mutation> {
  return {
    drop(doc, rnd) {
      const els = allElements(doc.documentElement!).slice(1);
      if (!els.length) return false;
      const e = pick(els, rnd);
      e.parentNode!.removeChild(e);
      return true;
    },
    duplicate(doc, rnd) {
      const els = allElements(doc.documentElement!).slice(1);
      const e = pick(els, rnd);
      e.parentNode!.insertBefore(e.cloneNode(true), e.nextSibling);
      return true;
    },
    swap(doc, rnd) {
      const parents = allElements(doc.documentElement!).filter((e) => elementKids(e).length >= 2);
      if (!parents.length) return false;
      const p = pick(parents, rnd);
      const kids = elementKids(p);
      const i = Math.floor(rnd() * (kids.length - 1));
      p.insertBefore(kids[i + 1]!, kids[i]!);
      return true;
    },
    unknownElement(doc, rnd) {
      const parent = pick(allElements(doc.documentElement!), rnd);
      const [ns, qn] = pick([...unknownElements], rnd);
      const el = doc.createElementNS(ns, qn);
      const kids = elementKids(parent);
      parent.insertBefore(el, kids.length ? pick(kids, rnd) : null);
      return true;
    },
    unknownAttribute(doc, rnd) {
      const el = pick(allElements(doc.documentElement!), rnd);
      if (rnd() < 0.5) el.setAttribute(pick(['Foo', 'id', 'Id', 'ID', 'Format', 'Name', 'index'], rnd), pick(BAD_VALUES, rnd));
      else el.setAttributeNS(pick(['urn:foreign', NS.xsi, NS.xml], rnd), pick(['f:x', 'xsi:type', 'xml:lang'], rnd), 'v');
      return true;
    },
    removeAttribute(doc, rnd) {
      const withAttrs = allElements(doc.documentElement!).filter((e) => Array.from({ length: e.attributes.length }, (_, i) => e.attributes[i]!).some((a) => !a.name.startsWith('xmlns')));
      if (!withAttrs.length) return false;
      const el = pick(withAttrs, rnd);
      const names = Array.from({ length: el.attributes.length }, (_, i) => el.attributes[i]!.name).filter((n) => !n.startsWith('xmlns'));
      el.removeAttribute(pick(names, rnd));
      return true;
    },
    badAttributeValue(doc, rnd) {
      const withAttrs = allElements(doc.documentElement!).filter((e) => e.attributes.length > 0);
      const el = pick(withAttrs, rnd);
      const names = Array.from({ length: el.attributes.length }, (_, i) => el.attributes[i]!.name).filter((n) => !n.startsWith('xmlns'));
      if (!names.length) return false;
      el.setAttribute(pick(names, rnd), pick(BAD_VALUES, rnd));
      return true;
    },
    badText(doc, rnd) {
      const leaves = allElements(doc.documentElement!).filter((e) => elementKids(e).length === 0);
      const el = pick(leaves, rnd);
      while (el.firstChild) el.removeChild(el.firstChild);
      el.appendChild(doc.createTextNode(pick(BAD_VALUES, rnd)));
      return true;
    },
    strayText(doc, rnd) {
      const parents = allElements(doc.documentElement!).filter((e) => elementKids(e).length > 0);
      const p = pick(parents, rnd);
      p.insertBefore(doc.createTextNode(pick(['x', ' ', '\n  '], rnd)), pick(elementKids(p), rnd));
      return true;
    },
  };
}
