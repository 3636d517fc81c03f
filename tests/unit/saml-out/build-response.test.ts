import assert from 'node:assert/strict';
import { privateDecrypt, constants, createDecipheriv } from 'node:crypto';
import { buildSuccessResponse } from '../../../broker/saml/build-response.js';
import { buildStatusResponse } from '../../../broker/saml/build-status-response.js';
import { buildAssertion, newSamlId } from '../../../broker/saml/build-assertion.js';
import { validateXsd } from '../../../broker/saml/xsd.js';
import { ACS, IDP, NOW, SP, assertionInput, children, idpKeys, parse, pem, verifyChildSignature } from './fixtures.js';

const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
const one = (doc: Document | Element, name: string, ns = SAML): Element => {
  const list = doc.getElementsByTagNameNS(ns, name);
  assert.equal(list.length, 1, `exactly one ${name}`);
  return list.item(0)!;
};

describe('saml-out build-response: what Keycloak checks in our Response (keycloak-compat.md)', () => {
  const opts = { keys: idpKeys, algorithm: 'rsa-sha256' as const, signAssertion: true, signResponse: true };

  it('1. no DOCTYPE; schema-valid (protocol XSD)', () => {
    const xml = buildSuccessResponse(assertionInput(), opts);
    assert.doesNotMatch(xml, /<!DOCTYPE/i);
    const r = validateXsd(xml, 'protocol');
    assert.deepEqual(r.errors, []);
    assert.equal(r.ok, true);
  });

  it('2. Destination = ACS URL; 6. both Issuers equal our entityID; 7. InResponseTo on Response and SubjectConfirmationData', () => {
    const input = assertionInput();
    const doc = parse(buildSuccessResponse(input, opts));
    const response = doc.documentElement!;
    assert.equal(response.getAttribute('Destination'), ACS);
    assert.equal(response.getAttribute('InResponseTo'), input.inResponseTo);
    const issuers = Array.from(doc.getElementsByTagNameNS(SAML, 'Issuer')).map((i) => i.textContent);
    assert.deepEqual(issuers, [IDP, IDP]);
    const scd = one(doc, 'SubjectConfirmationData');
    assert.equal(scd.getAttribute('InResponseTo'), input.inResponseTo);
  });

  it('3/8. Response and Assertion each signed, each signature over its own element', () => {
    const xml = buildSuccessResponse(assertionInput(), opts);
    const doc = parse(xml);
    const response = doc.documentElement!;
    const assertion = one(doc, 'Assertion');
    assert.deepEqual(verifyChildSignature(xml, response, pem('idp.crt')), { ok: true, refUri: '#' + response.getAttribute('ID') });
    assert.deepEqual(verifyChildSignature(xml, assertion, pem('idp.crt')), { ok: true, refUri: '#' + assertion.getAttribute('ID') });
    assert.deepEqual(children(response).map((c) => c.localName), ['Issuer', 'Signature', 'Status', 'Assertion']);
    assert.deepEqual(children(assertion).map((c) => c.localName), ['Issuer', 'Signature', 'Subject', 'Conditions', 'AuthnStatement', 'AttributeStatement']);
  });

  it('signs only what is asked; refuses to sign nothing', () => {
    const onlyResponse = parse(buildSuccessResponse(assertionInput(), { ...opts, signAssertion: false }));
    assert.equal(children(one(onlyResponse, 'Assertion')).some((c) => c.localName === 'Signature'), false);
    assert.equal(children(onlyResponse.documentElement!).some((c) => c.localName === 'Signature'), true);
    const onlyAssertion = parse(buildSuccessResponse(assertionInput(), { ...opts, signResponse: false }));
    assert.equal(children(onlyAssertion.documentElement!).some((c) => c.localName === 'Signature'), false);
    assert.throws(() => buildSuccessResponse(assertionInput(), { ...opts, signAssertion: false, signResponse: false }), TypeError);
  });

  it('4. Status Success', () => {
    const doc = parse(buildSuccessResponse(assertionInput(), opts));
    assert.equal(one(doc, 'StatusCode', 'urn:oasis:names:tc:SAML:2.0:protocol').getAttribute('Value'), 'urn:oasis:names:tc:SAML:2.0:status:Success');
  });

  it('9. Conditions: NotBefore = now − 5 s (never future), NotOnOrAfter = now + lifetime, one Audience, nothing else', () => {
    const doc = parse(buildSuccessResponse(assertionInput({ lifetimeSeconds: 300 }), opts));
    const conditions = one(doc, 'Conditions');
    const nb = new Date(conditions.getAttribute('NotBefore')!).getTime();
    assert.ok(nb <= NOW.getTime() && nb >= NOW.getTime() - 5000);
    assert.equal(conditions.getAttribute('NotOnOrAfter'), new Date(NOW.getTime() + 300_000).toISOString());
    assert.deepEqual(children(conditions).map((c) => c.localName), ['AudienceRestriction']);
    const audiences = children(children(conditions)[0]!);
    assert.deepEqual(audiences.map((a) => [a.localName, a.textContent]), [['Audience', SP]]);
  });

  it('10. bearer SubjectConfirmation: Recipient = ACS = Destination, InResponseTo, NotOnOrAfter, no NotBefore', () => {
    const doc = parse(buildSuccessResponse(assertionInput(), opts));
    assert.equal(one(doc, 'SubjectConfirmation').getAttribute('Method'), 'urn:oasis:names:tc:SAML:2.0:cm:bearer');
    const scd = one(doc, 'SubjectConfirmationData');
    assert.equal(scd.getAttribute('Recipient'), ACS);
    assert.equal(scd.getAttribute('NotOnOrAfter'), new Date(NOW.getTime() + 300_000).toISOString());
    assert.equal(scd.hasAttribute('NotBefore'), false);
  });

  it('11. AuthnStatement: AuthnInstant, SessionIndex, AuthnContextClassRef, AuthenticatingAuthority when given', () => {
    const input = assertionInput({ authenticatingAuthority: 'https://eidas.example.de/metadata' });
    const doc = parse(buildSuccessResponse(input, opts));
    const st = one(doc, 'AuthnStatement');
    assert.equal(st.getAttribute('SessionIndex'), input.sessionIndex);
    assert.equal(st.getAttribute('AuthnInstant'), input.authnInstant.toISOString());
    assert.equal(one(doc, 'AuthnContextClassRef').textContent, 'http://eidas.europa.eu/LoA/substantial');
    assert.equal(one(doc, 'AuthenticatingAuthority').textContent, 'https://eidas.example.de/metadata');
    const none = parse(buildSuccessResponse(assertionInput(), opts));
    assert.equal(none.getElementsByTagNameNS(SAML, 'AuthenticatingAuthority').length, 0);
  });

  it('attributes: NameFormat uri, Name + FriendlyName, xs:string values; NameID with format and SPNameQualifier', () => {
    const doc = parse(buildSuccessResponse(assertionInput(), opts));
    const attrs = Array.from(doc.getElementsByTagNameNS(SAML, 'Attribute'));
    assert.equal(attrs.length, 2);
    for (const a of attrs) {
      assert.equal(a.getAttribute('NameFormat'), 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri');
      assert.ok(a.getAttribute('FriendlyName'));
      const v = children(a)[0]!;
      assert.equal(v.getAttributeNS('http://www.w3.org/2001/XMLSchema-instance', 'type'), 'xs:string');
    }
    assert.equal(children(attrs[1]!)[0]!.textContent, 'María José');
    const nameID = one(doc, 'NameID');
    assert.equal(nameID.getAttribute('Format'), 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent');
    assert.equal(nameID.getAttribute('SPNameQualifier'), SP);
  });

  it('no attributes released: no (schema-invalid) empty AttributeStatement', () => {
    const xml = buildSuccessResponse(assertionInput({ attributes: [] }), opts);
    assert.equal(parse(xml).getElementsByTagNameNS(SAML, 'AttributeStatement').length, 0);
    assert.equal(validateXsd(xml, 'protocol').ok, true);
  });

  it('injected markup in a value stays text and the signature still covers it', () => {
    const evil = 'Eve</saml:AttributeValue></saml:Attribute><saml:Attribute Name="role"><saml:AttributeValue>admin';
    const xml = buildSuccessResponse(
      assertionInput({ attributes: [{ name: 'http://eidas.europa.eu/attributes/naturalperson/CurrentGivenName', friendlyName: 'FirstName', values: [evil] }] }),
      opts,
    );
    const doc = parse(xml);
    const attrs = Array.from(doc.getElementsByTagNameNS(SAML, 'Attribute'));
    assert.equal(attrs.length, 1);
    assert.equal(attrs[0]!.getAttribute('Name'), 'http://eidas.europa.eu/attributes/naturalperson/CurrentGivenName');
    assert.equal(children(attrs[0]!)[0]!.textContent, evil);
    assert.equal(verifyChildSignature(xml, one(doc, 'Assertion'), pem('idp.crt')).ok, true);
    assert.equal(validateXsd(xml, 'protocol').ok, true);
  });

  it('refuses characters XML 1.0 cannot carry instead of emitting broken XML', () => {
    assert.throws(() => buildAssertion(assertionInput({ nameID: { format: 'x', value: 'a\u0000b' } })), TypeError);
  });

  it('IDs: _ + at least 32 hex, fresh every time', () => {
    const id = newSamlId();
    assert.match(id, /^_[0-9a-f]{32,}$/);
    assert.notEqual(newSamlId(), id);
    const doc = parse(buildSuccessResponse(assertionInput(), opts));
    assert.match(doc.documentElement!.getAttribute('ID')!, /^_[0-9a-f]{32,}$/);
    assert.match(one(doc, 'Assertion').getAttribute('ID')!, /^_[0-9a-f]{32,}$/);
  });

  it('5. encrypted: sign the Assertion, then encrypt it, then sign the Response', () => {
    const xml = buildSuccessResponse(assertionInput(), { ...opts, encryptTo: pem('sp1-enc.crt') });
    const doc = parse(xml);
    const response = doc.documentElement!;
    assert.deepEqual(children(response).map((c) => c.localName), ['Issuer', 'Signature', 'Status', 'EncryptedAssertion']);
    assert.equal(doc.getElementsByTagNameNS(SAML, 'Assertion').length, 0);
    assert.equal(verifyChildSignature(xml, response, pem('idp.crt')).ok, true);
    assert.equal(validateXsd(xml, 'protocol').ok, true);
    // decrypt by hand: RSA-OAEP (SHA-1) key, AES-256-GCM IV||ct||tag
    const values = Array.from(doc.getElementsByTagNameNS('http://www.w3.org/2001/04/xmlenc#', 'CipherValue')).map((c) => Buffer.from(c.textContent!, 'base64'));
    const key = privateDecrypt({ key: pem('sp1-enc.key'), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, values[0]!);
    const blob = values[1]!;
    const d = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12));
    d.setAuthTag(blob.subarray(blob.length - 16));
    const assertionXml = Buffer.concat([d.update(blob.subarray(12, blob.length - 16)), d.final()]).toString('utf8');
    const assertion = parse(assertionXml).documentElement!;
    assert.equal(assertion.localName, 'Assertion');
    assert.equal(verifyChildSignature(assertionXml, assertion, pem('idp.crt')).ok, true);
    assert.equal(validateXsd(assertionXml, 'assertion').ok, true);
  });
});

describe('saml-out build-status-response: failures reach the SP with a readable StatusMessage', () => {
  const opts = { keys: idpKeys, algorithm: 'rsa-sha256' as const, signResponse: true };
  const input = { issuer: IDP, acsUrl: ACS, inResponseTo: 'ID_1', status: 'Responder' as const, subStatus: 'AuthnFailed' as const, message: 'The login was cancelled.', now: NOW };

  it('nested StatusCode, StatusMessage, Destination, InResponseTo, signed, schema-valid', () => {
    const xml = buildStatusResponse(input, opts);
    const doc = parse(xml);
    const P = 'urn:oasis:names:tc:SAML:2.0:protocol';
    const codes = Array.from(doc.getElementsByTagNameNS(P, 'StatusCode')).map((c) => c.getAttribute('Value'));
    assert.deepEqual(codes, ['urn:oasis:names:tc:SAML:2.0:status:Responder', 'urn:oasis:names:tc:SAML:2.0:status:AuthnFailed']);
    assert.equal(one(doc, 'StatusMessage', P).textContent, 'The login was cancelled.');
    assert.equal(doc.documentElement!.getAttribute('Destination'), ACS);
    assert.equal(doc.documentElement!.getAttribute('InResponseTo'), 'ID_1');
    assert.equal(doc.getElementsByTagNameNS(SAML, 'Assertion').length, 0);
    assert.equal(verifyChildSignature(xml, doc.documentElement!, pem('idp.crt')).ok, true);
    assert.equal(validateXsd(xml, 'protocol').ok, true);
  });

  it('refuses an empty message', () => {
    assert.throws(() => buildStatusResponse({ ...input, message: ' ' }, opts), TypeError);
  });
});
