// The SP role's receiver on Responses the independent test eIDAS node builds for a live
// AuthnRequest: every accepted signature algorithm (lxml + python3-cryptography, and Debian's
// xmlsec1), every accepted key transport and content cipher, the signature layouts eIDAS nodes
// use, and what is read out (SAML core §3.3.3 Response, eIDAS SAML attribute profile).
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { NodeSignatureAlgorithm } from '../../helpers/foreign-node.js';
import { LOA_SUBSTANTIAL, otherKey, ourEncryptionCert, ourKeys, refusedWith, startSpRoleWorld, successOf, type SpRoleWorld } from './harness.js';

let w: SpRoleWorld;
const enc = { encryptTo: ourEncryptionCert };

describe('SP role: receiving a foreign node\'s Response (core §3.3.3, profiles §4.1.4)', function () {
  this.timeout(30_000);
  before(async () => {
    w = await startSpRoleWorld();
  });
  after(() => w.close());

  describe('signature algorithms (python3-cryptography over lxml exc-c14n)', () => {
    const algs: NodeSignatureAlgorithm[] = ['rsa-sha256', 'rsa-sha512', 'rsa-pss-sha256', 'rsa-pss-sha512', 'ecdsa-sha256', 'ecdsa-sha384'];
    for (const alg of algs) {
      it(`${alg} on Response and Assertion`, async () => {
        const a = successOf(await w.roundTrip({ signatureAlgorithm: alg, ...enc }));
        assert.equal(a.issuer, w.node.entityID);
      });
    }
    it('a SHA-512 digest', async () => successOf(await w.roundTrip({ digestAlgorithm: 'sha512' })));
  });

  describe('made by Debian xmlsec1 (libxmlsec1 1.2.37)', () => {
    for (const alg of ['rsa-sha256', 'rsa-sha512', 'ecdsa-sha256', 'ecdsa-sha384'] as const) {
      it(`${alg}, the Assertion encrypted by xmlsec1 (AES-256-GCM, rsa-oaep-mgf1p)`, async () => {
        const a = successOf(await w.roundTrip({ engine: 'xmlsec1', signatureAlgorithm: alg, ...enc }));
        assert.equal(a.wasEncrypted, true);
      });
    }
    it('AES-128-GCM by xmlsec1, only the Response signed', async () => {
      successOf(await w.roundTrip({ engine: 'xmlsec1', signAssertion: false, ...enc, encryption: { content: 'aes128-gcm' } }));
    });
  });

  describe('key transport and content encryption (XML Encryption 1.1)', () => {
    const cases: [string, Record<string, unknown>][] = [
      ['rsa-oaep-mgf1p, SHA-1 digest written', { keyTransport: 'rsa-oaep-mgf1p', oaepDigest: 'sha1' }],
      ['rsa-oaep-mgf1p, no DigestMethod (SHA-1 by default)', { keyTransport: 'rsa-oaep-mgf1p', writeOaepDigest: false }],
      ['rsa-oaep-mgf1p with a SHA-256 digest (MGF1 stays SHA-1)', { keyTransport: 'rsa-oaep-mgf1p', oaepDigest: 'sha256' }],
      ['xmlenc11 rsa-oaep, SHA-256 digest, MGF1-SHA-256', { keyTransport: 'rsa-oaep', oaepDigest: 'sha256', mgf: 'sha256' }],
      ['xmlenc11 rsa-oaep, SHA-512 digest, MGF1-SHA-512', { keyTransport: 'rsa-oaep', oaepDigest: 'sha512', mgf: 'sha512' }],
      ['xmlenc11 rsa-oaep, SHA-256 digest, no MGF (MGF1-SHA-1 by default)', { keyTransport: 'rsa-oaep', oaepDigest: 'sha256', mgf: 'sha1', writeMgf: false }],
      ['xmlenc11 rsa-oaep, SHA-384 digest, MGF1-SHA-224', { keyTransport: 'rsa-oaep', oaepDigest: 'sha384', mgf: 'sha224' }],
      ['AES-128-GCM', { content: 'aes128-gcm' }],
      ['AES-192-GCM', { content: 'aes192-gcm' }],
      ['AES-256-GCM', { content: 'aes256-gcm' }],
      ['the EncryptedKey as a sibling named by RetrievalMethod, with its DataReference', { keyPlacement: 'sibling' }],
    ];
    for (const [name, encryption] of cases) {
      it(name, async () => {
        const a = successOf(await w.roundTrip({ ...enc, encryption }));
        assert.equal(a.wasEncrypted, true);
        assert.equal(a.nameID.value, 'DE/ES/7f1c9a20-TEST');
      });
    }
    it('no RSA key of ours (an EC key only): a clear internal error, never a TypeError', async () => {
      const r = await w.respond(enc);
      const ecOnly = { privateKeys: [generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey] };
      const err = await refusedWith(w.receive(r.samlResponse, w.peer(), r.expected, ecOnly), 'internal');
      assert.match(err.detail ?? '', /no RSA decryption key/);
    });
    it('a rollover: the previous key listed first, the current one opens it', async () => {
      const r = await w.respond(enc);
      successOf(await w.receive(r.samlResponse, w.peer(), r.expected, { privateKeys: [otherKey, ...ourKeys.privateKeys] }));
    });
  });

  describe('signature layouts', () => {
    it('only the Response signed, the Assertion encrypted', async () => {
      assert.equal(successOf(await w.roundTrip({ signAssertion: false, ...enc })).wasEncrypted, true);
    });
    it('only the Assertion signed, inside the encryption', async () => {
      assert.equal(successOf(await w.roundTrip({ signResponse: false, ...enc })).wasEncrypted, true);
    });
    it('only the Response signed, a plain Assertion', async () => successOf(await w.roundTrip({ signAssertion: false })));
    it('only the Assertion signed, a plain Assertion', async () => successOf(await w.roundTrip({ signResponse: false })));
    it('a peer that must sign its Response: both signed is accepted, the Assertion signed alone is refused', async () => {
      successOf(await w.roundTrip({ ...enc }, { requireSignedResponse: true }));
      const r = await w.respond({ signResponse: false, ...enc });
      const err = await refusedWith(w.receive(r.samlResponse, w.peer({ requireSignedResponse: true }), r.expected, ourKeys), 'response-untrusted');
      assert.match(err.detail ?? '', /the peer must sign its Response/);
    });
    it('a peer with several signing certificates: the ECDSA one verifies', async () => {
      successOf(await w.roundTrip({ signatureAlgorithm: 'ecdsa-sha256' }, { signingCertificates: [w.node.certs.rsa, w.node.certs.ec256] }));
    });
  });

  describe('what is read', () => {
    it('subject, authentication, LoA and the eIDAS natural-person attributes with LatinScript', async () => {
      const r = await w.respond({ ...enc, loa: 'http://eidas.europa.eu/LoA/high' });
      const got = await w.receive(r.samlResponse, w.peer(), r.expected, ourKeys);
      assert.equal(got.kind, 'success');
      assert.equal(got.responseId, r.responseId);
      assert.equal(got.issuer, w.node.entityID);
      const a = successOf(got);
      assert.equal(a.id, r.assertionId);
      assert.deepEqual(a.nameID, { value: 'DE/ES/7f1c9a20-TEST', format: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent' });
      assert.equal(a.authnContextClassRef, 'http://eidas.europa.eu/LoA/high');
      assert.ok(a.sessionIndex);
      assert.ok(Math.abs(a.authnInstant.getTime() - (r.expected.now.getTime() - 5000)) < 1000);
      assert.equal(a.notOnOrAfter.getTime(), r.expected.now.getTime() + 300_000);
      const byName = Object.fromEntries(a.attributes.map((x) => [x.friendlyName, x]));
      assert.deepEqual(byName.PersonIdentifier!.values, [{ value: 'DE/ES/7f1c9a20-TEST', latinScript: null }]);
      assert.equal(byName.PersonIdentifier!.name, 'http://eidas.europa.eu/attributes/naturalperson/PersonIdentifier');
      assert.equal(byName.PersonIdentifier!.nameFormat, 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri');
      assert.deepEqual(byName.FamilyName!.values, [{ value: 'Σωκράτους', latinScript: false }, { value: 'Sokratous', latinScript: null }]);
      assert.deepEqual(byName.DateOfBirth!.values, [{ value: '1980-05-17', latinScript: null }]);
    });
    it('legal-person attributes', async () => {
      const a = successOf(await w.roundTrip({ ...enc, legalPerson: { legalName: 'Müller & Söhne TEST GmbH' } }));
      const legalName = a.attributes.find((x) => x.name === 'http://eidas.europa.eu/attributes/legalperson/LegalName');
      assert.deepEqual(legalName?.values, [{ value: 'Müller & Söhne TEST GmbH', latinScript: null }]);
    });
    it('the requested LoA comes back by default (the node reads it from the live AuthnRequest)', async () => {
      assert.equal(successOf(await w.roundTrip()).authnContextClassRef, LOA_SUBSTANTIAL);
    });
    it('a failure status: its codes and message, no assertion', async () => {
      const r = await w.respond({ status: 'AuthnFailed', statusMessage: 'The citizen cancelled' });
      const got = await w.receive(r.samlResponse, w.peer(), r.expected, ourKeys);
      assert.deepEqual(got, {
        kind: 'failure',
        responseId: r.responseId,
        issuer: w.node.entityID,
        status: { code: 'urn:oasis:names:tc:SAML:2.0:status:Responder', subCode: 'urn:oasis:names:tc:SAML:2.0:status:AuthnFailed', message: 'The citizen cancelled' },
      });
    });
  });
});
