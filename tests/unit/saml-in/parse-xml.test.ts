import assert from 'node:assert/strict';
import { parseXml } from '../../../broker/saml/parse-xml.js';
import { rejectsWith } from './harness.js';

describe('parse-xml', () => {
  it('parses a plain document with an XML declaration and comments outside the root', () => {
    const { root } = parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<!-- c --><a xmlns="urn:x"><b/></a>\n');
    assert.equal(root.localName, 'a');
  });
  const refused: [string, string][] = [
    ['DOCTYPE', '<!DOCTYPE a><a/>'],
    ['ENTITY inside', '<a><!ENTITY x "y"></a>'],
    ['other markup declaration', '<a><!ELEMENT a ANY></a>'],
    ['processing instruction', '<?xml-stylesheet href="x"?><a/>'],
    ['two roots', '<a/><b/>'],
    ['text after root', '<a/>x'],
    ['no root', '<!-- only -->'],
    ['unclosed element', '<a><b></a>'],
    ['unterminated tag', '<a><b'],
    ['unterminated comment', '<a><!-- </a>'],
    ['duplicate attribute', '<a x="1" x="2"/>'],
    ['undefined entity', '<a>&foo;</a>'],
    ['unbound element prefix', '<a><q:b/></a>'],
    ['unbound attribute prefix', '<a q:x="1"/>'],
    ['control character', '<a>\u0001</a>'],
    ['character reference to NUL', '<a>&#0;</a>'],
    ['character reference to a control character in an attribute', '<a x="&#x1;"/>'],
    ['too deep', '<a>' + '<b>'.repeat(100) + '</b>'.repeat(100) + '</a>'],
    ['too many attributes', '<a ' + Array.from({ length: 100 }, (_, i) => `x${i}="1"`).join(' ') + '/>'],
  ];
  for (const [name, xml] of refused) it(`refuses ${name}`, () => rejectsWith(() => parseXml(xml), 'request-malformed'));
  it('refuses input over the byte cap (counted in UTF-8 bytes)', () =>
    rejectsWith(() => parseXml(`<a>${'é'.repeat(600)}</a>`, { maxBytes: 1000, maxDepth: 8, maxAttributesPerElement: 8, maxNamespaceDeclarations: 8, maxElements: 8 }), 'request-malformed'));
  it('keeps entity and character references as text', () => {
    const { root } = parseXml('<a>x&amp;y&#65;</a>');
    assert.equal(root.textContent, 'x&yA');
  });
});
