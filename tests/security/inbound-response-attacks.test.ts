// The inbound-Response half of ../shared/saml-attacks.md against the SP role's receiver: every
// case starts from a valid signed Response that the independent test eIDAS node
// (tests/helpers/eidas-node/node.py) builds for a live AuthnRequest, changed by the node as the
// catalogue describes, and must be refused with the named code. The first test proves the
// untouched message is accepted, so a refusal below is the change's doing.
import assert from 'node:assert/strict';
import { isBrokerError } from '../../broker/errors.js';
import { childElement, textOf } from '../../broker/saml/dom-read.js';
import { ALG, NS } from '../../broker/saml/namespaces.js';
import { parseXml } from '../../broker/saml/parse-xml.js';
import { trustedParts } from '../../broker/saml/sp-role/trusted-assertion.js';
import type { ResponsePeer } from '../../broker/saml/sp-role/model.js';
import type { ResponseOptions } from '../helpers/foreign-node.js';
import { ourEncryptionCert, ourKeys, otherCert, refusedWith, SKEW_SECONDS, startSpRoleWorld, successOf, type SpRoleWorld } from '../unit/saml-sp-role/harness.js';

type Opts = Omit<ResponseOptions, 'authnRequestXml'>;
type Code = 'response-untrusted' | 'response-rejected';

let w: SpRoleWorld;

/** Refused with `code`, for the reason `why` (the log detail): a refusal for another reason fails. */
async function refused(opts: Opts, code: Code, why: RegExp, peer: Partial<ResponsePeer> = {}) {
  const r = await w.respond(opts);
  const err = await refusedWith(w.receive(r.samlResponse, w.peer(peer), r.expected, ourKeys), code);
  assert.match(err.detail ?? '', why);
  return err;
}

const DUPLICATE_ID = /duplicate ID value/;
const ONE_ASSERTION = /expected exactly one assertion/;
const NOT_VERIFIED = /does not verify with any signing certificate/;
const DECRYPTION_FAILED = /^decryption failed$/;

// Signature-wrapping layouts: which signature the variant attacks.
const responseSigned: Opts = { signResponse: true, signAssertion: false };
const assertionSigned: Opts = { signResponse: false, signAssertion: true };
const bothSigned: Opts = { signResponse: true, signAssertion: true };
const encrypted: Opts = { encryptTo: ourEncryptionCert };

describe('saml-attacks.md inbound Responses (SP role, eIDAS connector)', function () {
  this.timeout(30_000);
  before(async () => {
    w = await startSpRoleWorld();
  });
  after(() => w.close());

  it('the unchanged signed Response is accepted (each layout the attacks start from)', async () => {
    for (const layout of [responseSigned, assertionSigned, bothSigned, { ...bothSigned, ...encrypted }]) successOf(await w.roundTrip(layout));
  });

  describe('signature wrapping', () => {
    it('XSW1: signed Response clone inside its ds:Signature, edited outer Response', () => refused({ ...responseSigned, mutations: ['xsw1'] }, 'response-untrusted', DUPLICATE_ID));
    it('XSW2: signed Response clone as sibling before ds:Signature', () => refused({ ...responseSigned, mutations: ['xsw2'] }, 'response-untrusted', DUPLICATE_ID));
    it('XSW3: edited unsigned Assertion copy before the signed one', () => refused({ ...assertionSigned, mutations: ['xsw3'] }, 'response-untrusted', ONE_ASSERTION));
    it('XSW4: edited copy appended, the signed Assertion moved inside it', () => refused({ ...assertionSigned, mutations: ['xsw4'] }, 'response-untrusted', /Assertion: unexpected element .*Assertion/));
    it('XSW5: Assertion edited in place with a new ID, unedited unsigned copy appended', () => refused({ ...assertionSigned, mutations: ['xsw5'] }, 'response-untrusted', ONE_ASSERTION));
    it('XSW6: as XSW5, the copy inside the original ds:Signature', () => refused({ ...assertionSigned, mutations: ['xsw6'] }, 'response-untrusted', /Signature: unexpected element .*Assertion/));
    it('XSW7: Extensions holding an edited unsigned copy with the same ID', () => refused({ ...assertionSigned, mutations: ['xsw7'] }, 'response-untrusted', DUPLICATE_ID));
    it('XSW8: edited in place, unedited copy in a ds:Object of its Signature', () => refused({ ...assertionSigned, mutations: ['xsw8'] }, 'response-untrusted', DUPLICATE_ID));
    it('XSW9: the signed Response moved into samlp:Extensions of an edited one', () => refused({ ...responseSigned, mutations: ['xsw9'] }, 'response-untrusted', DUPLICATE_ID));
    it('XSW10: Response signature dropped, the Assertion signature moved under Response with a copy in ds:Object', () =>
      refused({ ...bothSigned, mutations: ['xsw10'] }, 'response-untrusted', /Signature: unexpected element .*Object/));
    it('hidden: genuine signed Assertion in Extensions, forged top-level one with its ID and Signature', () =>
      refused({ ...assertionSigned, mutations: ['hidden'] }, 'response-untrusted', DUPLICATE_ID));
  });

  // Defence in depth: with the structural validator and the duplicate-ID check bypassed, the
  // signature layer on its own still never yields the attacker's edited assertion.
  describe('signature wrapping against the signature layer alone', () => {
    const variants: [string, Opts][] = [
      ['xsw1', responseSigned], ['xsw2', responseSigned], ['xsw3', assertionSigned], ['xsw4', assertionSigned], ['xsw5', assertionSigned],
      ['xsw6', assertionSigned], ['xsw7', assertionSigned], ['xsw8', assertionSigned], ['xsw9', responseSigned], ['xsw10', bothSigned],
      ['hidden', assertionSigned], ['extra-assertion', assertionSigned],
    ];
    for (const [m, layout] of variants) {
      it(`${m}: refused, or only the genuine assertion is read`, async () => {
        const r = await w.respond({ ...layout, mutations: [m] });
        let parts: ReturnType<typeof trustedParts>;
        try {
          parts = trustedParts(r.xml, parseXml(r.xml).root, w.peer(), ourKeys, r.expected.now);
        } catch (err) {
          assert.ok(isBrokerError(err) && err.code === 'response-untrusted', String(err));
          return;
        }
        const nameID = childElement(childElement(parts.assertion!, NS.saml, 'Subject')!, NS.saml, 'NameID')!;
        assert.equal(textOf(nameID), 'DE/ES/7f1c9a20-TEST');
      });
    }
  });

  describe('extra assertions and IDs', () => {
    it('a second unsigned Assertion', () => refused({ ...assertionSigned, mutations: ['extra-assertion'] }, 'response-untrusted', ONE_ASSERTION));
    it('an EncryptedAssertion beside a plain one', () => refused({ ...assertionSigned, ...encrypted, mutations: ['extra-encrypted-assertion'] }, 'response-untrusted', ONE_ASSERTION));
    it('an Assertion inside saml:Advice of the signed one', () => refused({ ...bothSigned, mutations: ['advice-assertion'] }, 'response-untrusted', /Assertion: expected AuthnStatement\|AttributeStatement/));
    for (const attr of ['ID', 'Id', 'id']) {
      it(`duplicate IDs: an injected element with the signed element's ID in ${attr}`, () => refused({ ...assertionSigned, mutations: [`duplicate-${attr}`] }, 'response-untrusted', DUPLICATE_ID));
    }
  });

  describe('signature handling', () => {
    it('strip: every ds:Signature removed', () => refused({ ...bothSigned, mutations: ['strip'] }, 'response-untrusted', /not covered by a verified signature/));
    it('an unsigned Response around a signed Assertion, to a peer that must sign its Response (eIDAS)', () =>
      refused({ ...assertionSigned, ...encrypted }, 'response-untrusted', /the peer must sign its Response/, { requireSignedResponse: true, requireEncryptedAssertion: true }));
    it('confusion: a valid Response signature does not excuse an Assertion signed by another key', () =>
      refused({ ...bothSigned, attackTarget: 'assertion', mutations: ['untrusted-signer'] }, 'response-untrusted', /signature of the Assertion does not verify/));
    it('confusion: a valid Assertion signature does not excuse a Response signed by another key', () =>
      refused({ ...bothSigned, attackTarget: 'response', mutations: ['untrusted-signer'] }, 'response-untrusted', /signature of the Response does not verify/));
    it('reference: Reference URI to another element (the Assertion) under the Response signature', () => refused({ ...bothSigned, mutations: ['reference-other'] }, 'response-untrusted', /Reference URI is not #ID of Response/));
    it('reference: empty URI', () => refused({ ...responseSigned, mutations: ['reference-empty'] }, 'response-untrusted', /URI must be #ID/));
    it('reference: a non-# URI', () => refused({ ...responseSigned, mutations: ['reference-external'] }, 'response-untrusted', /URI must be #ID/));
    it('two refs: a second ds:Reference in SignedInfo', () => refused({ ...responseSigned, mutations: ['two-refs'] }, 'response-untrusted', /SignedInfo: unexpected element .*Reference/));
    it('digest comment: <!----> inside ds:DigestValue', () => refused({ ...responseSigned, mutations: ['digest-comment'] }, 'response-untrusted', /DigestValue: only text allowed/));
    it('stray digest: an extra ds:DigestValue outside SignedInfo', () => refused({ ...responseSigned, mutations: ['stray-digest'] }, 'response-untrusted', /Signature: unexpected element .*DigestValue/));
    it('key injection: content edited, re-signed by an attacker key whose certificate is in KeyInfo', () =>
      refused({ ...assertionSigned, attackTarget: 'assertion', mutations: ['key-injection'] }, 'response-untrusted', /signature of the Assertion does not verify/));
    it('HMAC confusion: hmac-sha1 keyed with the certificate bytes', () => refused({ ...responseSigned, mutations: ['hmac'] }, 'response-untrusted', /signature algorithm .*hmac-sha1 not accepted/));
    it('transforms: three transforms', () => refused({ ...responseSigned, mutations: ['transforms-three'] }, 'response-untrusted', /Transforms: unexpected element .*Transform/));
    it('transforms: an XSLT transform', () => refused({ ...responseSigned, mutations: ['transforms-xslt'] }, 'response-untrusted', /transforms .*xslt.* not accepted/));
    it('transforms: an XPath transform', () => refused({ ...responseSigned, mutations: ['transforms-xpath'] }, 'response-untrusted', /transforms .*xpath.* not accepted/));
    it('transforms: no enveloped-signature transform', () => refused({ ...responseSigned, mutations: ['transforms-no-enveloped'] }, 'response-untrusted', /transforms http:\/\/www.w3.org\/2001\/10\/xml-exc-c14n# not accepted/));
    it('object: a ds:Object in the Signature', () => refused({ ...responseSigned, mutations: ['object'] }, 'response-untrusted', /Signature: unexpected element .*Object/));
    it('NameID comment: a signed admin@example.org<!---->.evil.test is refused, never read truncated', () =>
      refused({ ...bothSigned, mutations: ['nameid-comment'] }, 'response-untrusted', /NameID: only text allowed/));
    it('namespaces: the saml prefix redeclared on an inner element (a NameID of another namespace), signed', () =>
      refused({ ...bothSigned, mutations: ['namespaces'] }, 'response-untrusted', /Subject: expected NameID/));
    it('weak algorithms: rsa-sha1', () => refused({ ...responseSigned, mutations: ['rsa-sha1'] }, 'response-untrusted', /signature algorithm .*rsa-sha1 not accepted/));
    it('weak algorithms: sha1 digest', () => refused({ ...responseSigned, mutations: ['sha1-digest'] }, 'response-untrusted', /digest algorithm .*sha1 not accepted/));
    it('untrusted signer: a valid signature by a certificate not in the metadata', () => refused({ ...responseSigned, mutations: ['untrusted-signer'] }, 'response-untrusted', NOT_VERIFIED));
    it('untrusted signer: an expired certificate of the node, even when listed', async () => {
      await refused({ ...responseSigned, mutations: ['expired-signer'] }, 'response-untrusted', NOT_VERIFIED, { signingCertificates: [w.node.certs.expired, w.node.certs.rsa] });
    });
    it("a peer whose allowlist excludes the signature algorithm used (rsa-sha512 where only rsa-sha256 is listed)", () =>
      refused({ ...responseSigned, signatureAlgorithm: 'rsa-sha512' }, 'response-untrusted', /signature algorithm .*rsa-sha512 not accepted/, { signatureAlgorithms: [ALG.rsaSha256] }));
    it('a peer whose allowlist excludes the digest used (sha512 where only sha256 is listed)', () =>
      refused({ ...responseSigned, digestAlgorithm: 'sha512' }, 'response-untrusted', /digest algorithm .*sha512 not accepted/, { digestAlgorithms: [ALG.sha256] }));
    it('a peer listing rsa-sha1 still never gets it (the allowlist is within accepted-algorithms.ts)', () =>
      refused({ ...responseSigned, mutations: ['rsa-sha1'] }, 'response-untrusted', /signature algorithm .*rsa-sha1 not accepted/, { signatureAlgorithms: ['http://www.w3.org/2000/09/xmldsig#rsa-sha1', ALG.rsaSha256] }));
  });

  describe('parsing', () => {
    it('billion laughs: refused fast', async () => {
      const r = await w.respond({ ...responseSigned, mutations: ['billion-laughs'] });
      const t = process.hrtime.bigint();
      await refusedWith(w.receive(r.samlResponse, w.peer(), r.expected, ourKeys), 'response-untrusted');
      assert.ok(Number(process.hrtime.bigint() - t) / 1e6 < 50, 'under 50 ms');
    });
    it('XXE: an external entity is refused, nothing read', () => refused({ ...responseSigned, mutations: ['xxe'] }, 'response-untrusted', /DOCTYPE/));
    it('roots: a second root element', () => refused({ ...responseSigned, mutations: ['second-root'] }, 'response-untrusted', /Only one element can be added|more than one root/));
    it('roots: text after the root', () => refused({ ...responseSigned, mutations: ['text-after-root'] }, 'response-untrusted', /text outside the root element/));
    it('schema: an unknown element', () => refused({ ...assertionSigned, mutations: ['schema-unknown-element'] }, 'response-untrusted', /unexpected element .*Unknown/));
    it('schema: wrong child order', () => refused({ ...assertionSigned, mutations: ['schema-wrong-order'] }, 'response-untrusted', /expected Status/));
    it('schema: missing ID', () => refused({ ...assertionSigned, mutations: ['schema-missing-id'] }, 'response-untrusted', /attribute ID missing/));
    it('not base64', async () => {
      const r = await w.respond(responseSigned);
      await refusedWith(w.receive(`${r.samlResponse}<script>`, w.peer(), r.expected, ourKeys), 'response-untrusted');
    });
  });

  describe('protocol', () => {
    it('replay: the same Response twice, the second refused', async () => {
      const r = await w.respond(bothSigned);
      successOf(await w.receive(r.samlResponse, w.peer(), r.expected, ourKeys));
      await refusedWith(w.receive(r.samlResponse, w.peer(), r.expected, ourKeys), 'response-rejected');
    });
    it('replay: the same signed Assertion in a Response with another ID', async () => {
      const r = await w.respond(assertionSigned);
      successOf(await w.receive(r.samlResponse, w.peer(), r.expected, ourKeys));
      const again = Buffer.from(r.xml.replace(`ID="${r.responseId}"`, 'ID="_another0response0id"')).toString('base64');
      const err = await refusedWith(w.receive(again, w.peer(), r.expected, ourKeys), 'response-rejected');
      assert.match(err.detail ?? '', /replay of assertion/);
    });
    it('unsolicited: no InResponseTo anywhere', () => refused({ inResponseTo: null, subjectInResponseTo: null }, 'response-rejected', /unsolicited/));
    it('InResponseTo: another login transaction (the Response answers another request)', async () => {
      const r = await w.respond();
      await refusedWith(w.receive(r.samlResponse, w.peer(), { ...r.expected, inResponseTo: '_another0transaction' }, ourKeys), 'response-rejected');
    });
    it('InResponseTo: unknown value on the Response', () => refused({ inResponseTo: '_unknown0request' }, 'response-rejected', /^InResponseTo .* is not this login's request/));
    it('InResponseTo: SubjectConfirmationData names another request', () => refused({ subjectInResponseTo: '_unknown0request' }, 'response-rejected', /SubjectConfirmationData InResponseTo/));
    it('Destination: missing', () => refused({ destination: null }, 'response-rejected', /without Destination/));
    it("Destination: another party's", () => refused({ destination: 'https://other.test/acs' }, 'response-rejected', /^Destination .* is not/));
    it('Recipient: missing', () => refused({ recipient: null }, 'response-rejected', /Recipient \(none\)/));
    it("Recipient: another party's", () => refused({ recipient: 'https://other.test/acs' }, 'response-rejected', /^Recipient https/));
    it('Audience: missing', () => refused({ audience: null }, 'response-rejected', /no AudienceRestriction/));
    it("Audience: another party's", () => refused({ audience: 'https://other.test/metadata' }, 'response-rejected', /Audience does not include/));
    it('Issuer: another entity on Response and Assertion', () => refused({ issuer: 'https://other-node.test/metadata' }, 'response-untrusted', /Response Issuer .* is not/));
    it('Issuer: missing on the Response', () => refused({ issuer: null, assertionIssuer: w.node.entityID }, 'response-untrusted', /expected Issuer/));
    it('Issuer: the Assertion issuer differs from the Response issuer', () => refused({ assertionIssuer: 'https://other-node.test/metadata' }, 'response-untrusted', /Assertion Issuer .* is not/));
    it('bearer: another SubjectConfirmation method', () => refused({ subjectConfirmationMethod: 'urn:oasis:names:tc:SAML:2.0:cm:holder-of-key' }, 'response-rejected', /is not bearer/));
    it('status: a failure status with a signed Assertion inside is never used', () =>
      refused({ status: 'AuthnFailed', mutations: ['status-failure-with-assertion'] }, 'response-rejected', /a failure status with an assertion/));
    it('status: an unsigned failure Response is not believed', () => refused({ status: 'AuthnFailed', signResponse: false }, 'response-untrusted', /unsigned failure response/));
    it('an unencrypted Assertion from a peer that must encrypt', () => refused(bothSigned, 'response-untrusted', /must encrypt/, { requireEncryptedAssertion: true }));
  });

  describe(`times at both edges ± the ${SKEW_SECONDS} s skew`, () => {
    const s = SKEW_SECONDS;
    const edge = (what: string, why: RegExp, late: Opts, ok: Opts) => {
      it(`${what}: refused beyond the skew`, () => refused(late, 'response-rejected', why));
      it(`${what}: accepted at the skew`, async () => successOf(await w.roundTrip(ok)));
    };
    edge('Conditions NotOnOrAfter past', /^Conditions NotOnOrAfter .* passed/, { notOnOrAfter: -s }, { notOnOrAfter: -s + 1 });
    edge('Conditions NotBefore in the future', /^Conditions NotBefore .* not reached/, { notBefore: s + 1 }, { notBefore: s });
    edge('SubjectConfirmationData NotOnOrAfter past', /^SubjectConfirmationData NotOnOrAfter .* passed/, { subjectNotOnOrAfter: -s }, { subjectNotOnOrAfter: -s + 1 });
    edge('Response IssueInstant in the future', /^Response IssueInstant .* is ahead/, { issueInstant: s + 1 }, { issueInstant: s });
    edge('Assertion IssueInstant in the future', /^Assertion IssueInstant .* is ahead/, { assertionIssueInstant: s + 1 }, { assertionIssueInstant: s });
    edge('Response IssueInstant too old', /^Response IssueInstant .* is too old/, { issueInstant: -(300 + s + 1), notOnOrAfter: 600, subjectNotOnOrAfter: 600 }, { issueInstant: -(300 + s), notOnOrAfter: 600, subjectNotOnOrAfter: 600 });
    edge('AuthnInstant in the future', /^AuthnInstant .* is in the future/, { authnInstant: s + 1 }, { authnInstant: s });
  });

  describe('encryption', () => {
    it('RSA 1.5 key transport', () => refused({ ...encrypted, encryption: { keyTransport: 'rsa-1_5' } }, 'response-untrusted', /key transport .*rsa-1_5 not accepted/));
    for (const content of ['aes128-cbc', 'aes256-cbc', 'tripledes-cbc']) {
      it(`CBC: content ${content}`, () => refused({ ...encrypted, encryption: { content } }, 'response-untrusted', /content encryption .*cbc not accepted/));
    }
    for (const m of ['gcm-tag-truncated', 'gcm-tag-flipped', 'gcm-tag-removed']) {
      it(`GCM tag: ${m.slice(8)}`, async () => {
        const err = await refused({ ...encrypted, signResponse: false, mutations: [m] }, 'response-untrusted', DECRYPTION_FAILED);
        assert.equal(err.detail, 'decryption failed');
      });
    }
    it('uniform errors: corrupt ciphertext, corrupt key and a key for someone else give one and the same error', async () => {
      const errors = [
        await refused({ ...encrypted, signResponse: false, mutations: ['corrupt-ciphertext'] }, 'response-untrusted', DECRYPTION_FAILED),
        await refused({ ...encrypted, signResponse: false, mutations: ['corrupt-key'] }, 'response-untrusted', DECRYPTION_FAILED),
        await refused({ encryptTo: otherCert, signResponse: false }, 'response-untrusted', DECRYPTION_FAILED),
        await refused({ encryptTo: otherCert, signResponse: false, encryption: { keyTransport: 'rsa-oaep-mgf1p', oaepDigest: 'sha256' } }, 'response-untrusted', DECRYPTION_FAILED),
      ];
      for (const e of errors) assert.deepEqual([e.code, e.message, e.detail], [errors[0]!.code, errors[0]!.message, 'decryption failed']);
    });
    it('decrypt-then-trust: unsigned Response, unsigned encrypted Assertion', () => refused({ ...encrypted, signResponse: false, signAssertion: false }, 'response-untrusted', /not covered by a verified signature/));
    it('XXE inside: the decrypted plaintext starts with a DOCTYPE', () =>
      refused({ ...encrypted, encryption: { plaintextPrefix: '<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>' } }, 'response-untrusted', /DOCTYPE/));
    it('key confusion: two EncryptedKeys', () => refused({ ...encrypted, signResponse: false, mutations: ['two-encrypted-keys'] }, 'response-untrusted', /more than one EncryptedKey/));
    it('key confusion: RetrievalMethod to an attacker key', () => refused({ ...encrypted, signResponse: false, mutations: ['retrieval-method-external'] }, 'response-untrusted', /expected one EncryptedKey, found 0/));
    it('OAEP parameters: xmlenc11 rsa-oaep with a SHA-1 digest', () => refused({ ...encrypted, encryption: { keyTransport: 'rsa-oaep', oaepDigest: 'sha1' } }, 'response-untrusted', /SHA-1 digest not accepted/));
    it('OAEP parameters: an unknown MGF', () =>
      refused({ ...encrypted, encryption: { keyTransport: 'rsa-oaep', mgfUri: 'http://attacker.test/mgf' } }, 'response-untrusted', /MGF .* not accepted/));
  });
});
