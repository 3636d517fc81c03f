import assert from 'node:assert/strict';
import { el } from '../../../broker/saml/xml-writer.js';
import { serializeXml as toXml } from '../../../broker/saml/xml-serialize.js';
import { parse, children } from './fixtures.js';

const S = 'urn:oasis:names:tc:SAML:2.0:assertion';
const P = 'urn:oasis:names:tc:SAML:2.0:protocol';

describe('saml-out xml-writer: untrusted text stays text', () => {
  it('markup in text and attribute values is escaped and round-trips', () => {
    const evil = '</saml:AttributeValue></saml:Attribute><saml:Attribute Name="role"> & ]]> "\'';
    const xml = toXml(el(S, 'saml:Attribute', { Name: evil }, [el(S, 'saml:AttributeValue', {}, [evil])]));
    const root = parse(xml).documentElement!;
    assert.equal(root.getAttribute('Name'), evil);
    assert.equal(children(root).length, 1);
    assert.equal(children(root)[0]!.textContent, evil);
  });

  it('refuses characters XML 1.0 cannot carry (text and attributes), accepts astral ones', () => {
    assert.throws(() => toXml(el(S, 'saml:A', {}, ['\u0001'])), TypeError);
    assert.throws(() => toXml(el(S, 'saml:A', { x: '\uFFFE' })), TypeError);
    assert.throws(() => toXml(el(S, 'saml:A', {}, ['\uD800'])), TypeError);
    assert.match(toXml(el(S, 'saml:A', {}, ['😀\t\n'])), /😀/);
  });

  it('declares a prefix once where it is inherited, again in a subtree built alone', () => {
    const xml = toXml(el(P, 'samlp:Response', {}, [el(S, 'saml:Issuer', {}, ['x']), el(S, 'saml:Assertion', {}, [el(S, 'saml:Issuer', {}, ['x'])])], { saml: S }));
    assert.equal((xml.match(/xmlns:saml=/g) ?? []).length, 1);
    assert.equal(toXml(el(S, 'saml:Issuer', {}, ['x'])), `<saml:Issuer xmlns:saml="${S}">x</saml:Issuer>`);
  });

  it('skips undefined attributes and falsy children', () => {
    assert.equal(toXml(el(S, 'saml:A', { a: undefined, b: '1' }, [null, false, undefined, 't'])), `<saml:A xmlns:saml="${S}" b="1">t</saml:A>`);
  });

  it('refuses an unknown attribute prefix', () => {
    assert.throws(() => toXml(el(S, 'saml:A', { 'evil:x': '1' })), TypeError);
  });
});
