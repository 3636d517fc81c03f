// The eIDAS AuthnRequest: schema-valid, eIDAS extensions, exactly one notified LoA with
// Comparison="minimum", derived from the SP's request; signed after the Issuer (xmlsec1 verifies
// the ECDSA signature; RSASSA-PSS is checked by the Python node in the integration suite).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { buildAuthnRequest, requestedAttributes, requestedEidasLoa } from '../../../connectors/eidas/authn-request.js';
import type { ForeignNode } from '../../../connectors/eidas/foreign-metadata.js';
import { validateXsd } from '../../../broker/saml/xsd.js';
import type { LoginService } from '../../../broker/mandates/representations.js';
import { NS } from '../../../broker/saml/namespaces.js';
import { NOW, PUBLIC_URL, eidasConfig, keysOf, loginTransaction, opensslPair, requestedLoa } from './fixtures.js';

const NODE: ForeignNode = {
  country: 'DE',
  entityID: 'https://eidas-node.de.test/metadata',
  ssoPostUrl: 'https://eidas-node.de.test/sso',
  signingCertificates: [],
  signingMethods: [],
  digestMethods: [],
  acceptedSignatureAlgorithms: [],
  validUntil: new Date(NOW.getTime() + 86_400_000),
};
const NP = 'http://eidas.europa.eu/attributes/naturalperson/';
const LP = 'http://eidas.europa.eu/attributes/legalperson/';

describe('eidas authn-request: the request to a foreign node', function () {
  this.timeout(30_000);
  const ec = opensslPair('ec');
  const rsa = opensslPair('rsa');
  const doc = (xml: string) => new DOMParser().parseFromString(xml, 'text/xml') as unknown as Document;
  const els = (d: Document | Element, ns: string, name: string) => {
    const list = d.getElementsByTagNameNS(ns, name);
    return Array.from({ length: list.length }, (_, i) => list.item(i)!);
  };

  it('asks for the lowest notified level whose lowest rung reaches what the SP needs', () => {
    const loaFor = (over: Parameters<typeof requestedLoa>[0]) => requestedEidasLoa(loginTransaction({ loa: requestedLoa(over) }));
    assert.equal(loaFor({ rungs: ['2', '2+'], comparison: 'minimum' }), 'http://eidas.europa.eu/LoA/low');
    assert.equal(loaFor({ rungs: ['2+'], comparison: 'minimum', framework: 'eherkenning' }), 'http://eidas.europa.eu/LoA/substantial');
    assert.equal(loaFor({ rungs: ['3'], comparison: 'minimum' }), 'http://eidas.europa.eu/LoA/substantial');
    assert.equal(loaFor({ rungs: ['3'], comparison: 'better' }), 'http://eidas.europa.eu/LoA/high');
    assert.equal(loaFor({ rungs: [], policyMinimum: '2' }), 'http://eidas.europa.eu/LoA/low');
    assert.equal(loaFor({ rungs: ['4'], comparison: 'better' }), undefined);
  });

  it('validates against the protocol schema and carries the eIDAS shape', () => {
    const cfg = eidasConfig({ spTypeIn: 'request', spType: 'public', requesterId: true });
    const { id, xml } = buildAuthnRequest({ cfg, tx: loginTransaction(), node: NODE, loa: 'http://eidas.europa.eu/LoA/substantial', keys: keysOf(rsa), now: NOW });
    assert.deepEqual(validateXsd(xml, 'protocol').errors, []);
    const root = doc(xml).documentElement!;
    assert.equal(root.getAttribute('ID'), id);
    assert.equal(root.getAttribute('Destination'), NODE.ssoPostUrl);
    assert.equal(root.getAttribute('ForceAuthn'), 'true');
    assert.equal(root.getAttribute('IsPassive'), 'false');
    assert.equal(root.getAttribute('ProviderName'), 'Pasarela');
    assert.equal(els(root, NS.saml, 'Issuer')[0]!.textContent, `${PUBLIC_URL}/eidas/metadata`);
    assert.deepEqual(Array.from(root.childNodes).filter((n) => n.nodeType === 1).map((n) => (n as Element).localName), ['Issuer', 'Signature', 'Extensions', 'NameIDPolicy', 'RequestedAuthnContext', 'Scoping']);
    assert.equal(els(root, NS.eidas, 'SPType')[0]!.textContent, 'public');
    const policy = els(root, NS.samlp, 'NameIDPolicy')[0]!;
    assert.equal(policy.getAttribute('Format'), 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent');
    assert.equal(policy.getAttribute('AllowCreate'), 'true');
    const rac = els(root, NS.samlp, 'RequestedAuthnContext')[0]!;
    assert.equal(rac.getAttribute('Comparison'), 'minimum');
    assert.deepEqual(els(rac, NS.saml, 'AuthnContextClassRef').map((e) => e.textContent), ['http://eidas.europa.eu/LoA/substantial']);
    assert.equal(els(root, NS.samlp, 'RequesterID')[0]!.textContent, 'https://sp1.test/metadata');
    const attrs = els(root, NS.eidas, 'RequestedAttribute');
    assert.deepEqual(attrs.map((a) => [a.getAttribute('FriendlyName'), a.getAttribute('isRequired')]), [['PersonIdentifier', 'true'], ['FamilyName', 'true'], ['FirstName', 'true'], ['DateOfBirth', 'true']]);
    assert.ok(attrs.every((a) => a.getAttribute('NameFormat') === 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri'));
  });

  it('SPType only when configured per request; no Scoping unless configured', () => {
    const { xml } = buildAuthnRequest({ cfg: eidasConfig({ spTypeIn: 'metadata' }), tx: loginTransaction(), node: NODE, loa: 'http://eidas.europa.eu/LoA/low', keys: keysOf(rsa), now: NOW });
    const root = doc(xml).documentElement!;
    assert.equal(els(root, NS.eidas, 'SPType').length, 0);
    assert.equal(els(root, NS.samlp, 'Scoping').length, 0);
    assert.deepEqual(validateXsd(xml, 'protocol').errors, []);
  });

  it('adds what the SP asked for that has an eIDAS name, and the legal-person set when the service accepts organisations', () => {
    const service = { id: 's', serviceId: 'urn:s', serviceUuid: 'u', names: { es: 'S' }, minRung: '2', representation: 'optional', acceptsChain: false } as unknown as LoginService;
    const tx = loginTransaction({ requestedAttributes: [`${NP}BirthName`, `${NP}PersonIdentifier`, 'urn:other:Thing'], service });
    assert.deepEqual(requestedAttributes(tx).map((r) => [r.attribute.name, r.isRequired]), [
      [`${NP}PersonIdentifier`, true],
      [`${NP}CurrentFamilyName`, true],
      [`${NP}CurrentGivenName`, true],
      [`${NP}DateOfBirth`, true],
      [`${LP}LegalPersonIdentifier`, false],
      [`${LP}LegalName`, false],
      [`${NP}BirthName`, false],
    ]);
  });

  it('xmlsec1 verifies the ECDSA signature with the request certificate', () => {
    const { xml } = buildAuthnRequest({ cfg: eidasConfig(), tx: loginTransaction(), node: NODE, loa: 'http://eidas.europa.eu/LoA/low', keys: keysOf(ec), now: NOW });
    assert.match(xml, /ecdsa-sha256/);
    const dir = mkdtempSync(path.join(tmpdir(), 'eidas-req-'));
    try {
      writeFileSync(path.join(dir, 'r.xml'), xml);
      writeFileSync(path.join(dir, 'c.pem'), ec.certPem);
      const verify = (file: string) => execFileSync('xmlsec1', ['--verify', '--enabled-reference-uris', 'same-doc', '--pubkey-cert-pem', path.join(dir, 'c.pem'), '--id-attr:ID', 'urn:oasis:names:tc:SAML:2.0:protocol:AuthnRequest', file], { stdio: 'pipe' });
      verify(path.join(dir, 'r.xml'));
      writeFileSync(path.join(dir, 'bad.xml'), xml.replace('LoA/low', 'LoA/high'));
      assert.throws(() => verify(path.join(dir, 'bad.xml')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
