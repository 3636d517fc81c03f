// Our exc-c14n of element trees (xml-serialize.ts) against xml-crypto's implementation of the
// W3C algorithm, applied to the DOM a verifier parses from what we send: for every tree, both
// must give the same bytes. Trees are generated (seeded) with the characters that C14N escapes,
// nested prefixes, redeclarations and xsi:type values.
import assert from 'node:assert/strict';
import { DOMParser } from '@xmldom/xmldom';
import { ExclusiveCanonicalization } from 'xml-crypto';
import { canonicalXml, serializeXml } from '../../../broker/saml/xml-serialize.js';
import { el, type XmlElement } from '../../../broker/saml/xml-writer.js';
import { NS } from '../../../broker/saml/namespaces.js';
import { signTree } from '../../../broker/saml/sign-tree.js';
import { idpKeys, verifySignatureNode } from './fixtures.js';

function referenceC14n(xml: string, pickLocal?: string): string {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const node = pickLocal ? doc.getElementsByTagNameNS('*', pickLocal)[0]! : doc.documentElement!;
  return new ExclusiveCanonicalization().process(node as unknown as Element, {}).toString();
}

let seed = 42;
const rnd = (n: number) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const PIECES = ['a', 'Z', ' ', '&', '<', '>', '"', "'", '\t', '\n', '\r', 'é', '€', '𝄞', ']]>', '&amp;', 'x'];
const text = () => Array.from({ length: rnd(6) }, () => PIECES[rnd(PIECES.length)]).join('');

function tree(depth: number): XmlElement {
  const kinds: [string, string][] = [[NS.saml, 'saml'], [NS.samlp, 'samlp'], [NS.ds, 'ds'], [NS.md, 'md']];
  const [ns, p] = kinds[rnd(kinds.length)]!;
  const attrs: Record<string, string> = {};
  for (const name of ['ID', 'Name', 'b', 'A', 'zeta']) if (rnd(2)) attrs[name] = text();
  if (rnd(4) === 0) attrs['xsi:type'] = 'xs:string';
  const children = depth > 0 ? Array.from({ length: rnd(4) }, () => (rnd(3) ? tree(depth - 1) : text())) : [text()];
  const declare: Record<string, string> = rnd(3) === 0 ? { xs: NS.xs, xsi: NS.xsi } : {};
  return el(ns, `${p}:E${rnd(3)}`, attrs, children, declare);
}

describe('exclusive canonicalization of our trees (xml-exc-c14n)', () => {
  it('equals xml-crypto’s exc-c14n of the parsed document, over 300 generated trees', () => {
    for (let i = 0; i < 300; i++) {
      const t = tree(3);
      const sent = serializeXml(t);
      assert.equal(canonicalXml(t), referenceC14n(sent), `tree ${i}: ${sent}`);
    }
  });

  it('a subtree canonicalizes the same alone and inside its parent (the Assertion in the Response)', () => {
    const inner = el(NS.saml, 'saml:Assertion', { ID: '_a' }, [el(NS.saml, 'saml:Issuer', {}, ['x']), el(NS.saml, 'saml:AttributeValue', { 'xsi:type': 'xs:string' }, ['v'])], { saml: NS.saml, xs: NS.xs, xsi: NS.xsi });
    const outer = el(NS.samlp, 'samlp:Response', { ID: '_r' }, [el(NS.saml, 'saml:Issuer', {}, ['x']), inner], { saml: NS.saml });
    assert.equal(canonicalXml(inner), referenceC14n(serializeXml(outer), 'Assertion'));
  });

  it('signTree signatures verify with xml-crypto, and any change to the signed content breaks them', () => {
    const t = el(NS.samlp, 'samlp:Response', { ID: '_r1', Version: '2.0' }, [el(NS.saml, 'saml:Issuer', {}, ['issuer & <co>']), el(NS.samlp, 'samlp:Status', {}, ['tab\there\r\n'])], { saml: NS.saml });
    const xml = serializeXml(signTree(t, idpKeys, 'rsa-sha256'));
    const verify = (doc: string) => verifySignatureNode(doc, new DOMParser().parseFromString(doc, 'text/xml').getElementsByTagNameNS(NS.ds, 'Signature')[0]! as unknown as Element, idpKeys.certPem).ok;
    assert.ok(verify(xml));
    assert.ok(!verify(xml.replace('issuer &amp;', 'issuer &amp;&amp;')));
  });
});
