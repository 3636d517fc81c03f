// Shared inputs of the saml-out tests: the test signing keys and one realistic AssertionInput.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import type { AssertionInput } from '../../../broker/saml/build-assertion.js';
import { signingKeysFromPem } from '../../../broker/saml/keys.js';
import { xmlCryptoSignatureAlgorithms } from '../../../broker/saml/sign-xml.js';

export const KEYS_DIR = path.resolve(import.meta.dirname, '../../fixtures/keys');
export const pem = (name: string) => readFileSync(path.join(KEYS_DIR, name), 'utf8');
export const idpKeys = signingKeysFromPem(pem('idp.key'), pem('idp.crt'), 'rsa-sha256', pem('idp-next.crt'));

export const IDP = 'http://localhost:8080/saml/metadata';
export const SP = 'http://localhost:8081/metadata';
export const ACS = 'http://localhost:8081/acs';
export const NOW = new Date('2026-05-04T10:00:00.000Z');

export function assertionInput(over: Partial<AssertionInput> = {}): AssertionInput {
  return {
    issuer: IDP,
    spEntityID: SP,
    acsUrl: ACS,
    inResponseTo: 'ID_4f1e0a2b-6c1d-4e2f-9a3b-0c1d2e3f4a5b',
    nameID: { format: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent', value: '1.abcDEF_-', spNameQualifier: SP },
    sessionIndex: '_sess0123456789abcdef0123456789abcdef',
    authnInstant: new Date(NOW.getTime() - 30_000),
    authnContextClassRef: 'http://eidas.europa.eu/LoA/substantial',
    attributes: [
      { name: 'http://eidas.europa.eu/attributes/naturalperson/PersonIdentifier', friendlyName: 'PersonIdentifier', values: ['ES/ES/12345678Z'] },
      { name: 'http://eidas.europa.eu/attributes/naturalperson/CurrentGivenName', friendlyName: 'FirstName', values: ['María José'] },
    ],
    lifetimeSeconds: 300,
    now: NOW,
    ...over,
  };
}

export function parse(xml: string): Document {
  return new DOMParser().parseFromString(xml, 'text/xml') as unknown as Document;
}

export function children(node: Element): Element[] {
  return Array.from(node.childNodes).filter((n): n is Element => n.nodeType === 1);
}

/** Verify the signature that is a direct child of `element` with `certPem`; returns the Reference URI. */
export function verifyChildSignature(xml: string, element: Element, certPem: string): { ok: boolean; refUri: string } {
  const sigNode = children(element).find((c) => c.localName === 'Signature');
  if (!sigNode) return { ok: false, refUri: '' };
  return verifySignatureNode(xml, sigNode, certPem);
}

/** Verify one ds:Signature of `xml` with xml-crypto and `certPem` (never the KeyInfo certificate). */
export function verifySignatureNode(xml: string, sigNode: Element, certPem: string): { ok: boolean; refUri: string } {
  const v = new SignedXml({ publicCert: certPem, getCertFromKeyInfo: () => null });
  v.SignatureAlgorithms = { ...xmlCryptoSignatureAlgorithms };
  v.loadSignature(sigNode);
  let ok: boolean;
  try {
    ok = v.checkSignature(xml);
  } catch {
    ok = false; // xml-crypto throws on a wrong SignatureValue, returns false on a wrong digest
  }
  const ref = sigNode.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Reference').item(0)!;
  return { ok, refUri: ref.getAttribute('URI') ?? '' };
}
