// RFC 5280 §6.1 path validation (broker/pki/path.ts) over the test PKI: every certificate of the
// test PKI gets its result, and the path-building cases (order, missing intermediate, non-CA
// issuer, loops, length, path length constraint, anchors that are issuing CAs).
import assert from 'node:assert/strict';
import type { X509Certificate } from 'node:crypto';
import { validatePath, MAX_PATH_CERTIFICATES, MAX_PRESENTED_CERTIFICATES, MAX_SIGNATURE_CHECKS } from '../../../broker/pki/path.js';
import { CertificateRejected, type RejectionCategory, type TrustService } from '../../../broker/pki/model.js';
import { x509 } from '../../../broker/pki/x509.js';
import { createTestPki, issueTestCertificate, type TestCertificate, type TestPki } from '../../helpers/test-pki.js';

const now = new Date('2026-03-01T10:00:00Z');
const DAY = 86_400_000;

function service(name: string, ...certs: TestCertificate[]): TrustService {
  return {
    territory: 'ES', tspName: 'Pasarela TEST TSP', serviceName: name, serviceType: 'http://uri.etsi.org/TrstSvc/Svctype/CA/QC',
    statusHistory: [{ status: 'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted', from: new Date('2020-01-01Z') }],
    certificates: certs.map((c) => c.cert), subjectNames: [], subjectKeyIdentifiers: [], additionalInformation: [], qualifications: [],
  };
}

function rejection(fn: () => unknown): CertificateRejected {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof CertificateRejected, `expected CertificateRejected, got ${String(e)}`);
    return e;
  }
  assert.fail('accepted');
}

function assertRejected(fn: () => unknown, category: RejectionCategory, detail: RegExp): void {
  const e = rejection(fn);
  assert.equal(e.category, category, e.detail);
  assert.match(e.detail, detail);
}

describe('RFC 5280 §6.1 certification path validation', () => {
  let pki: TestPki;
  let anchors: TrustService[];
  before(async () => {
    pki = await createTestPki({ now });
    anchors = [service('Pasarela TEST Root', pki.root)];
  });
  const chainOf = (leaf: TestCertificate): X509Certificate[] => [leaf.cert, pki.intermediate.cert];

  describe('each certificate of the test PKI', () => {
    for (const name of ['qualifiedPerson', 'qualifiedPersonSscd', 'publicEmployee', 'nonQualified', 'revokedByOcsp', 'revokedByCrl'] as const) {
      it(`${name}: a path leaf → issuing CA → root`, () => {
        const path = validatePath(chainOf(pki[name]), anchors, now);
        assert.deepEqual(path.chain.map((c) => c.fingerprint256), [pki[name].cert, pki.intermediate.cert, pki.root.cert].map((c) => c.fingerprint256));
        assert.equal(path.leaf, pki[name].cert);
        assert.deepEqual(path.services, [anchors[0]]);
      });
    }
    it('expired → expired, with the date in the detail', () => {
      assertRejected(() => validatePath(chainOf(pki.expired), anchors, now), 'expired', /^leaf 'C=ES, serialNumber=IDCES-22222222J.* expired at 2026-02-28T10:00:00.000Z/);
    });
    it('notYetValid → not-yet-valid', () => {
      assertRejected(() => validatePath(chainOf(pki.notYetValid), anchors, now), 'not-yet-valid', /is not valid before 2026-03-02T10:00:00.000Z/);
    });
    it('wrongKeyUsage (keyEncipherment only) → wrong-usage', () => {
      assertRejected(() => validatePath(chainOf(pki.wrongKeyUsage), anchors, now), 'wrong-usage', /keyUsage \(bits 4\) lacks digitalSignature/);
    });
    it('unknownIssuer (with its own CA presented) → untrusted-issuer', () => {
      assertRejected(() => validatePath([pki.unknownIssuer.cert, pki.unknownRoot.cert], anchors, now), 'untrusted-issuer', /no path from .* to a trusted-list CA/);
    });
    it('the OCSP responder (EKU OCSPSigning only) → wrong-usage: not a login certificate', () => {
      assertRejected(() => validatePath(chainOf(pki.ocspResponder), anchors, now), 'wrong-usage', /does not allow clientAuth/);
    });
    it('a CA certificate presented as the leaf → wrong-usage', () => {
      assertRejected(() => validatePath([pki.intermediate.cert, pki.root.cert], anchors, now), 'wrong-usage', /is a CA certificate/);
    });
    it('no certificate at all → malformed', () => {
      assertRejected(() => validatePath([], anchors, now), 'malformed', /no certificate presented/);
    });
  });

  describe('building the path', () => {
    it('a chain presented out of order (root first, then the issuing CA) still validates', () => {
      const path = validatePath([pki.qualifiedPerson.cert, pki.root.cert, pki.intermediate.cert], anchors, now);
      assert.equal(path.chain.length, 3);
    });
    it('a missing intermediate is supplied by extraIntermediates', () => {
      assertRejected(() => validatePath([pki.qualifiedPerson.cert], anchors, now), 'untrusted-issuer', /no certificate that issued .*Qualified Issuing CA/);
      assert.equal(validatePath([pki.qualifiedPerson.cert], anchors, now, [pki.intermediate.cert]).chain.length, 3);
    });
    it('an anchor that is the issuing CA itself gives a two-certificate path', () => {
      const issuing = service('Pasarela TEST Issuing', pki.intermediate);
      const path = validatePath([pki.qualifiedPerson.cert], [issuing], now);
      assert.equal(path.chain.length, 2);
      assert.deepEqual(path.services, [issuing]);
    });
    it('the anchor itself out of validity → expired, naming the CA', async () => {
      const leaf = await issueTestCertificate({ subject: 'CN=outlives its CA', issuer: pki.intermediate, notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 3000 * DAY), keyUsage: x509.KeyUsageFlags.digitalSignature });
      const afterIssuingCa = new Date(new Date(pki.intermediate.cert.validTo).getTime() + DAY);
      assertRejected(() => validatePath([leaf.cert], [service('issuing', pki.intermediate)], afterIssuingCa), 'expired', /^CA 'C=ES, O=Pasarela TEST, CN=Pasarela TEST Qualified Issuing CA'.* expired at/);
    });
    it('an issuing CA out of validity → expired, naming the CA', async () => {
      const oldCa = await issueTestCertificate({ subject: 'CN=Old TEST CA', issuer: pki.root, notBefore: new Date(now.getTime() - 900 * DAY), notAfter: new Date(now.getTime() - DAY), ca: {}, keyUsage: x509.KeyUsageFlags.keyCertSign });
      const leaf = await issueTestCertificate({ subject: 'CN=leaf of old CA', issuer: oldCa, notBefore: new Date(now.getTime() - 30 * DAY), notAfter: new Date(now.getTime() + 30 * DAY), keyUsage: x509.KeyUsageFlags.digitalSignature });
      assertRejected(() => validatePath([leaf.cert, oldCa.cert], anchors, now), 'expired', /^CA 'CN=Old TEST CA'.* expired at/);
    });
    it('an intermediate without the CA basic constraint cannot issue → untrusted-issuer', async () => {
      for (const ca of [false, undefined] as const) {
        const notCa = await issueTestCertificate({ subject: `CN=Not a CA ${String(ca)}`, issuer: pki.root, notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 30 * DAY), ...(ca === false ? { ca } : {}), keyUsage: x509.KeyUsageFlags.keyCertSign });
        const leaf = await issueTestCertificate({ subject: 'CN=leaf', issuer: notCa, notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 30 * DAY), keyUsage: x509.KeyUsageFlags.digitalSignature });
        assertRejected(() => validatePath([leaf.cert, notCa.cert], anchors, now), 'untrusted-issuer', ca === false ? /is not a CA \(basicConstraints CA=false\)/ : /is not a CA \(basicConstraints absent\)/);
      }
    });
    it('a path longer than the issuing CA\'s pathLen allows → untrusted-issuer', async () => {
      // the test PKI's issuing CA has pathLen 0: no CA may sit below it
      const sub = await issueTestCertificate({ subject: 'CN=Sub TEST CA', issuer: pki.intermediate, notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 30 * DAY), ca: {}, keyUsage: x509.KeyUsageFlags.keyCertSign });
      const leaf = await issueTestCertificate({ subject: 'CN=leaf of sub', issuer: sub, notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 30 * DAY), keyUsage: x509.KeyUsageFlags.digitalSignature });
      assertRejected(() => validatePath([leaf.cert, sub.cert, pki.intermediate.cert], anchors, now), 'untrusted-issuer', /allows 0 intermediate CA\(s\) below it, the path has 1/);
    });
    it('a CA without keyCertSign is no issuer → untrusted-issuer', async () => {
      const ca = await issueTestCertificate({ subject: 'CN=CRL-only TEST CA', issuer: pki.root, notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 30 * DAY), ca: {}, keyUsage: x509.KeyUsageFlags.cRLSign });
      const leaf = await issueTestCertificate({ subject: 'CN=leaf of crl-only', issuer: ca, notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 30 * DAY), keyUsage: x509.KeyUsageFlags.digitalSignature });
      assertRejected(() => validatePath([leaf.cert, ca.cert], anchors, now), 'untrusted-issuer', /no path/);
    });
    it('a loop of cross-certificates (A certifies B, B certifies A) ends, untrusted, the loop in the detail', async () => {
      const window = { notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 30 * DAY), ca: {}, keyUsage: x509.KeyUsageFlags.keyCertSign } as const;
      const a = await issueTestCertificate({ subject: 'CN=Loop A', ...window });
      const b = await issueTestCertificate({ subject: 'CN=Loop B', issuer: a, ...window });
      const aByB = await issueTestCertificate({ subject: 'CN=Loop A', keys: a.keys, issuer: b, ...window });
      const leaf = await issueTestCertificate({ subject: 'CN=leaf in loop', issuer: b, notBefore: window.notBefore, notAfter: window.notAfter, keyUsage: x509.KeyUsageFlags.digitalSignature });
      assertRejected(() => validatePath([leaf.cert, b.cert, aByB.cert, a.cert], anchors, now), 'untrusted-issuer', /loop: 'CN=Loop B'.* already in the path/);
    });
    it(`a path needing more than ${MAX_PATH_CERTIFICATES} certificates is not built; ${MAX_PATH_CERTIFICATES} are`, async () => {
      const window = { notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 30 * DAY) } as const;
      const cas: TestCertificate[] = [];
      let issuer = pki.root;
      for (let i = 0; i < MAX_PATH_CERTIFICATES - 1; i++) {
        issuer = await issueTestCertificate({ subject: `CN=Deep ${i}`, issuer, ...window, ca: {}, keyUsage: x509.KeyUsageFlags.keyCertSign });
        cas.push(issuer);
      }
      const leafUnder = (ca: TestCertificate): Promise<TestCertificate> => issueTestCertificate({ subject: 'CN=deep leaf', issuer: ca, ...window, keyUsage: x509.KeyUsageFlags.digitalSignature });
      const tooDeep = await leafUnder(cas[cas.length - 1]!);
      assertRejected(() => validatePath([tooDeep.cert, ...cas.map((c) => c.cert)], anchors, now), 'untrusted-issuer', new RegExp(`path longer than ${MAX_PATH_CERTIFICATES} certificates`));
      const deepest = await leafUnder(cas[cas.length - 2]!);
      assert.equal(validatePath([deepest.cert, ...cas.map((c) => c.cert)], anchors, now).chain.length, MAX_PATH_CERTIFICATES);
    });
    it('an issuer with the right name but another key (forged intermediate) → untrusted-issuer: the real one did not issue the leaf', async () => {
      const forged = await issueTestCertificate({ subject: pki.intermediate.cert.subject.split('\n').join(', '), issuer: pki.root, notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 30 * DAY), ca: {}, keyUsage: x509.KeyUsageFlags.keyCertSign });
      const leaf = await issueTestCertificate({ subject: 'CN=leaf', issuer: forged, notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 30 * DAY), keyUsage: x509.KeyUsageFlags.digitalSignature });
      // presented with the real intermediate: same name, but its key did not sign the leaf
      assertRejected(() => validatePath([leaf.cert, pki.intermediate.cert], anchors, now), 'untrusted-issuer', /no certificate that issued 'CN=leaf'/);
    });
    it('RSA keys under 2048 bits: a leaf → malformed, a CA → untrusted-issuer', async () => {
      const window = { notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 30 * DAY) } as const;
      const shortLeaf = await issueTestCertificate({ subject: 'CN=short RSA leaf', issuer: pki.intermediate, ...window, keyUsage: x509.KeyUsageFlags.digitalSignature, rsaBits: 1024 });
      assertRejected(() => validatePath(chainOf(shortLeaf), anchors, now), 'malformed', /has a 1024-bit RSA key \(minimum 2048\)/);
      const shortCa = await issueTestCertificate({ subject: 'CN=short RSA CA', issuer: pki.root, ...window, ca: {}, keyUsage: x509.KeyUsageFlags.keyCertSign, rsaBits: 1024 });
      const leaf = await issueTestCertificate({ subject: 'CN=leaf of short CA', issuer: shortCa, ...window, keyUsage: x509.KeyUsageFlags.digitalSignature });
      assertRejected(() => validatePath([leaf.cert, shortCa.cert], anchors, now), 'untrusted-issuer', /CA 'CN=short RSA CA'.* has a 1024-bit RSA key/);
      const rsaLeaf = await issueTestCertificate({ subject: 'CN=RSA 2048 leaf', issuer: pki.intermediate, ...window, keyUsage: x509.KeyUsageFlags.digitalSignature, rsaBits: 2048 });
      assert.equal(validatePath(chainOf(rsaLeaf), anchors, now).chain.length, 3);
    });
    it('a certificate signed with SHA-1 → untrusted-issuer (SHA-1 signatures are forgeable)', async () => {
      const window = { notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 30 * DAY) } as const;
      const sha1Leaf = await issueTestCertificate({ subject: 'CN=SHA-1 leaf', issuer: pki.intermediate, ...window, keyUsage: x509.KeyUsageFlags.digitalSignature, signatureHash: 'SHA-1' });
      assertRejected(() => validatePath(chainOf(sha1Leaf), anchors, now), 'untrusted-issuer', /'CN=SHA-1 leaf'.* is signed with ECDSA with SHA-1, not accepted/);
      const sha384Leaf = await issueTestCertificate({ subject: 'CN=SHA-384 leaf', issuer: pki.intermediate, ...window, keyUsage: x509.KeyUsageFlags.digitalSignature, signatureHash: 'SHA-384' });
      assert.equal(validatePath(chainOf(sha384Leaf), anchors, now).chain.length, 3);
    });
    it(`more than ${MAX_PRESENTED_CERTIFICATES} certificates presented → malformed`, () => {
      const many = [pki.qualifiedPerson.cert, ...Array.from({ length: MAX_PRESENTED_CERTIFICATES }, () => pki.intermediate.cert)];
      assertRejected(() => validatePath(many, anchors, now), 'malformed', new RegExp(`${MAX_PRESENTED_CERTIFICATES + 1} certificates presented`));
    });
    it('twins (one name, one key, many certificates) cannot make the search explode: it stops after its signature budget', async () => {
      const window = { notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 30 * DAY), ca: {}, keyUsage: x509.KeyUsageFlags.keyCertSign } as const;
      const first = await issueTestCertificate({ subject: 'CN=Twin', ...window });
      const twins = [first];
      for (let i = 1; i < MAX_PRESENTED_CERTIFICATES - 1; i++) twins.push(await issueTestCertificate({ subject: 'CN=Twin', keys: first.keys, issuer: first, ...window }));
      const leaf = await issueTestCertificate({ subject: 'CN=leaf of twins', issuer: first, notBefore: window.notBefore, notAfter: window.notAfter, keyUsage: x509.KeyUsageFlags.digitalSignature });
      const t0 = performance.now();
      assertRejected(() => validatePath([leaf.cert, ...twins.map((t) => t.cert)], anchors, now), 'untrusted-issuer', new RegExp(`search stopped after ${MAX_SIGNATURE_CHECKS} signature checks`));
      assert.ok(performance.now() - t0 < 1000);
    });
    it('a leaf with an unrecognised critical extension → malformed; the same extension non-critical is ignored', async () => {
      const leafWith = (critical: boolean): Promise<TestCertificate> => issueTestCertificate({
        subject: 'CN=critical', issuer: pki.intermediate, notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 30 * DAY),
        keyUsage: x509.KeyUsageFlags.digitalSignature, extensions: [new x509.Extension('1.3.6.1.4.1.99999.1', critical, new Uint8Array([0x05, 0x00]))],
      });
      const critical = await leafWith(true);
      assertRejected(() => validatePath(chainOf(critical), anchors, now), 'malformed', /unrecognised critical extensions 1.3.6.1.4.1.99999.1/);
      assert.equal(validatePath(chainOf(await leafWith(false)), anchors, now).chain.length, 3);
    });
  });
});
