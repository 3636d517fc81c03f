// Revocation (broker/pki/revocation/) against a real OCSP responder (`openssl ocsp`) and CRLs
// served over http: RFC 6960 answers (good, revoked, unknown, delegated and unauthorised
// signers, nonce replay, staleness, timeouts, cache) and RFC 5280 CRLs (revoked, good, stale,
// too large, wrong signer), with the OCSP-then-CRL policy and fail closed / fail open.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createRevocationChecker, type RevocationCheckerOptions } from '../../../broker/pki/revocation/checker.js';
import { CertificateRejected, type RejectionCategory } from '../../../broker/pki/model.js';
import { x509 } from '../../../broker/pki/x509.js';
import { crlUrlsOf } from '../../../broker/pki/revocation/urls.js';
import { AsnConvert } from '@peculiar/asn1-schema';
import { DistributionPointName, GeneralName, IssuingDistributionPoint, id_ce_issuingDistributionPoint } from '@peculiar/asn1-x509';
import { freePort } from '../../helpers/processes.js';
import { downUrl, startFileServer, startHangingServer, startOcspResponder, startReplayingProxy, type RunningServer, type ServedFile } from '../../helpers/ocsp-responder.js';
import { createTestPki, issueTestCertificate, type TestCertificate, type TestPki } from '../../helpers/test-pki.js';

const MINUTE = 60_000;

async function rejected(p: Promise<unknown>, category: RejectionCategory, detail: RegExp): Promise<CertificateRejected> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof CertificateRejected, String(e));
    assert.equal(e.category, category, e.detail);
    assert.match(e.detail, detail);
    return e;
  }
  assert.fail('accepted');
}

describe('revocation: OCSP (RFC 6960) and CRLs (RFC 5280 §5)', () => {
  // openssl ocsp stamps its answers with the real clock, so the PKI is made for now
  const now = new Date();
  let pki: TestPki;
  let responder: RunningServer;
  let crlServer: RunningServer;
  let crlBody: Buffer;
  let crlServed: Omit<ServedFile, 'bytes'> = {};
  let notInIndex: TestCertificate;
  const started: RunningServer[] = [];
  let fetchCalls: string[] = [];
  const countingFetch: typeof fetch = (input, init) => {
    fetchCalls.push(String(input));
    return fetch(input, init);
  };
  const warnings: string[] = [];
  const log = pino({ level: 'warn' }, new Writable({ write: (chunk, _enc, done) => (warnings.push(String(chunk)), done()) }));

  const checker = (o: Partial<RevocationCheckerOptions> = {}) => createRevocationChecker({
    policy: 'ocsp', failClosed: true, timeoutMs: 2000, ocspNonce: 'required', ocspUrl: null, crlMaxBytes: 10 * 1024 * 1024,
    clockSkewSeconds: 60, log, fetch: countingFetch, ...o,
  });
  const check = (c: TestCertificate, o: Partial<RevocationCheckerOptions> = {}, at = new Date()) => checker(o).check(c.cert, pki.intermediate.cert, at);

  before(async () => {
    const [ocspPort, crlPort] = [await freePort(), await freePort()];
    pki = await createTestPki({ now, ocspUrl: `http://127.0.0.1:${ocspPort}/`, crlUrl: `http://127.0.0.1:${crlPort}/issuing-ca.crl` });
    notInIndex = await issueTestCertificate({
      subject: 'CN=not in the responder index', issuer: pki.intermediate, notBefore: new Date(now.getTime() - MINUTE), notAfter: new Date(now.getTime() + 60 * MINUTE),
      keyUsage: x509.KeyUsageFlags.digitalSignature, ocspUrl: `http://127.0.0.1:${ocspPort}/`, crlUrl: `http://127.0.0.1:${crlPort}/issuing-ca.crl`,
    });
    crlBody = await pki.crl();
    [responder, crlServer] = await Promise.all([startOcspResponder({ pki, port: ocspPort }), startFileServer(() => ({ ...crlServed, bytes: crlBody }), crlPort)]);
  });
  beforeEach(async () => {
    fetchCalls = [];
    crlBody = await pki.crl();
    crlServed = {};
  });
  after(async () => {
    await Promise.all([responder?.stop(), crlServer?.stop(), ...started.map((s) => s.stop())]);
  });

  describe('RFC 6960 OCSP', () => {
    it('good: the delegated responder (OCSPSigning, issued by the CA) says good', async () => {
      await check(pki.qualifiedPerson);
      assert.deepEqual(fetchCalls, [responder.url]);
    });
    it('revoked: refused as revoked, with the time and reason for the audit log', async () => {
      await rejected(check(pki.revokedByOcsp), 'revoked', new RegExp(`revoked at ${pki.revocationTime.toISOString().slice(0, 16)}.*\\(keyCompromise\\) according to OCSP`));
    });
    it('a serial the responder does not know → revocation-unknown', async () => {
      await rejected(check(notInIndex), 'revocation-unknown', /OCSP: .*responder does not know the certificate/);
    });
    it('an answer signed by the issuing CA itself is accepted', async () => {
      const caSigned = await startOcspResponder({ pki, signer: pki.intermediate });
      started.push(caSigned);
      await check(pki.qualifiedPerson, { ocspUrl: caSigned.url });
    });
    it('an answer signed by a certificate of the CA without id-kp-OCSPSigning → revocation-unknown', async () => {
      const unauthorised = await startOcspResponder({ pki, signer: pki.unauthorisedResponder });
      started.push(unauthorised);
      await rejected(check(pki.qualifiedPerson, { ocspUrl: unauthorised.url }), 'revocation-unknown', /Not A Responder' is not authorised to sign OCSP answers/);
    });
    it('an answer signed by another CA\'s responder → revocation-unknown', async () => {
      const foreign = await startOcspResponder({ pki, signer: pki.unknownRoot });
      started.push(foreign);
      await rejected(check(pki.qualifiedPerson, { ocspUrl: foreign.url }), 'revocation-unknown', /Unrelated TEST CA' was not issued by the certificate's issuer/);
    });
    it('a replayed answer (another request\'s nonce) → revocation-unknown', async () => {
      const replay = await startReplayingProxy(responder.url);
      started.push(replay);
      await check(pki.qualifiedPerson, { ocspUrl: replay.url });
      await rejected(check(pki.qualifiedPerson, { ocspUrl: replay.url }), 'revocation-unknown', /nonce differs from the request/);
      assert.equal(replay.requests(), 2);
    });
    it('an answer without a nonce (as a CDN caches them): refused when the policy requires one, accepted when if-present', async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'pasarela-ocsp-client-'));
      await writeFile(path.join(dir, 'ca.pem'), pki.intermediate.pem);
      await writeFile(path.join(dir, 'leaf.pem'), pki.qualifiedPerson.pem);
      await promisify(execFile)('openssl', ['ocsp', '-issuer', 'ca.pem', '-cert', 'leaf.pem', '-no_nonce', '-url', responder.url, '-respout', 'answer.der', '-noverify'], { cwd: dir });
      const canned = await readFile(path.join(dir, 'answer.der'));
      await rm(dir, { recursive: true, force: true });
      const cdn = await startFileServer(() => ({ bytes: canned }));
      started.push(cdn);
      await rejected(check(pki.qualifiedPerson, { ocspUrl: cdn.url }), 'revocation-unknown', /no nonce in the answer and the policy requires one/);
      await check(pki.qualifiedPerson, { ocspUrl: cdn.url, ocspNonce: 'if-present' });
    });
    it('garbage, an HTTP error or a non-successful OCSP status → revocation-unknown, never a crash', async () => {
      let served: ServedFile = { bytes: Buffer.from('<html>not OCSP</html>') };
      const odd = await startFileServer(() => served);
      started.push(odd);
      await rejected(check(pki.qualifiedPerson, { ocspUrl: odd.url }), 'revocation-unknown', /undecodable OCSP response/);
      served = { status: 500, bytes: Buffer.alloc(0) };
      await rejected(check(pki.qualifiedPerson, { ocspUrl: odd.url }), 'revocation-unknown', /answered HTTP 500/);
      // OCSPResponse { responseStatus tryLater (3) }
      served = { bytes: Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x03]) };
      await rejected(check(pki.qualifiedPerson, { ocspUrl: odd.url }), 'revocation-unknown', /responder status tryLater/);
    });
    it('an answer past its nextUpdate (checked later than nextUpdate + skew) → revocation-unknown', async () => {
      await rejected(check(pki.qualifiedPerson, {}, new Date(Date.now() + 62 * MINUTE)), 'revocation-unknown', /stale: nextUpdate .* has passed/);
    });
    it('an answer from the future (thisUpdate after the check time + skew) → revocation-unknown', async () => {
      await rejected(check(pki.qualifiedPerson, {}, new Date(Date.now() - 5 * MINUTE)), 'revocation-unknown', /thisUpdate .* is in the future/);
    });
    it('a hanging responder is given up within the timeout (+200 ms)', async () => {
      const hanging = await startHangingServer();
      started.push(hanging);
      const t0 = performance.now();
      await rejected(check(pki.qualifiedPerson, { ocspUrl: hanging.url, timeoutMs: 400 }), 'revocation-unknown', /did not answer within 400 ms/);
      const elapsed = performance.now() - t0;
      assert.ok(elapsed <= 600, `took ${elapsed} ms`);
      assert.equal(hanging.requests(), 1);
    });
    it('a responder that is down → revocation-unknown (policy ocsp, fail closed)', async () => {
      await rejected(check(pki.qualifiedPerson, { ocspUrl: await downUrl() }), 'revocation-unknown', /OCSP: .*fetch failed \(.*ECONNREFUSED/);
    });
    it('an AIA naming several responders: a down first one is passed over, the next one is asked', async () => {
      const twoResponders = await issueTestCertificate({
        subject: 'CN=two responders', issuer: pki.intermediate, notBefore: new Date(now.getTime() - MINUTE), notAfter: new Date(now.getTime() + 60 * MINUTE),
        keyUsage: x509.KeyUsageFlags.digitalSignature, ocspUrl: [await downUrl(), responder.url],
      });
      // the responder answers from its index: this certificate is not in it, an authentic "unknown"
      await rejected(check(twoResponders), 'revocation-unknown', /ECONNREFUSED.*; http:\/\/127\.0\.0\.1:\d+\/: .*unknown/);
      assert.equal(fetchCalls.length, 2);
    });
    it('several responders share one timeout: a hanging first one leaves the next one unasked, within the timeout', async () => {
      const hanging = await startHangingServer();
      started.push(hanging);
      const behindHanging = await issueTestCertificate({
        subject: 'CN=hanging responder first', issuer: pki.intermediate, notBefore: new Date(now.getTime() - MINUTE), notAfter: new Date(now.getTime() + 60 * MINUTE),
        keyUsage: x509.KeyUsageFlags.digitalSignature, ocspUrl: [hanging.url, responder.url],
      });
      const t0 = performance.now();
      await rejected(check(behindHanging, { timeoutMs: 400 }), 'revocation-unknown', /did not answer within 400 ms; .* not asked, the 400 ms were spent/);
      assert.ok(performance.now() - t0 <= 600, `took ${performance.now() - t0} ms`);
      assert.equal(fetchCalls.length, 1);
    });
    it('good and revoked answers are cached until nextUpdate: no second request', async () => {
      const c = checker();
      await c.check(pki.qualifiedPerson.cert, pki.intermediate.cert, new Date());
      await rejected(c.check(pki.revokedByOcsp.cert, pki.intermediate.cert, new Date()), 'revoked', /OCSP/);
      assert.equal(fetchCalls.length, 2);
      await c.check(pki.qualifiedPerson.cert, pki.intermediate.cert, new Date());
      await rejected(c.check(pki.revokedByOcsp.cert, pki.intermediate.cert, new Date()), 'revoked', /OCSP/);
      assert.equal(fetchCalls.length, 2);
      // past nextUpdate the cache no longer answers: a new request, whose answer is fresh again
      await c.check(pki.qualifiedPerson.cert, pki.intermediate.cert, new Date(Date.now() + 62 * MINUTE)).catch(() => undefined);
      assert.equal(fetchCalls.length, 3);
    });
  });

  describe('OCSP first, then the CRL', () => {
    const policy = 'ocsp-then-crl' as const;
    it('responder down → the CRL says good', async () => {
      await check(pki.qualifiedPerson, { policy, ocspUrl: await downUrl() });
      assert.equal(fetchCalls.length, 2);
      assert.match(fetchCalls[1]!, /issuing-ca\.crl$/);
    });
    it('responder down → the CRL says revoked', async () => {
      await rejected(check(pki.revokedByOcsp, { policy, ocspUrl: await downUrl() }), 'revoked', /according to CRL/);
    });
    it('responder does not know the certificate → the CRL decides', async () => {
      await check(notInIndex, { policy });
      assert.equal(fetchCalls.length, 2);
    });
    it('OCSP says revoked → the CRL is not asked', async () => {
      await rejected(check(pki.revokedByOcsp, { policy }), 'revoked', /according to OCSP/);
      assert.deepEqual(fetchCalls, [responder.url]);
    });
    it('a certificate with only a CRL distribution point is checked on the CRL', async () => {
      await rejected(check(pki.revokedByCrl, { policy }), 'revoked', /according to CRL/);
      assert.equal(fetchCalls.length, 1);
    });
    it('neither answers → revocation-unknown naming both; fail open lets it through with a warning', async () => {
      const hanging = await startHangingServer();
      started.push(hanging);
      crlBody = await pki.crl({ signer: pki.unknownRoot, issuerOf: pki.intermediate });
      await rejected(check(pki.qualifiedPerson, { policy, ocspUrl: hanging.url, timeoutMs: 300 }), 'revocation-unknown', /OCSP: .*did not answer within 300 ms; CRL: .*signature does not verify/);
      warnings.length = 0;
      await check(pki.qualifiedPerson, { policy, ocspUrl: hanging.url, timeoutMs: 300, failClosed: false });
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /revocation status unknown; accepted because pki.revocation.failClosed is false/);
    });
  });

  describe('RFC 5280 CRLs', () => {
    const policy = 'crl' as const;
    it('good and revoked', async () => {
      await check(pki.qualifiedPerson, { policy });
      await rejected(check(pki.revokedByCrl, { policy }), 'revoked', new RegExp(`revoked at ${pki.revocationTime.toISOString().slice(0, 19)}.*\\(keyCompromise\\) according to CRL`));
    });
    it('several distribution points: a down first one is passed over, the next one answers', async () => {
      const twoPoints = await issueTestCertificate({
        subject: 'CN=two distribution points', issuer: pki.intermediate, notBefore: new Date(now.getTime() - MINUTE), notAfter: new Date(now.getTime() + 60 * MINUTE),
        keyUsage: x509.KeyUsageFlags.digitalSignature, crlUrl: [await downUrl(), crlUrlsOf(pki.qualifiedPerson.cert)[0]!],
      });
      await check(twoPoints, { policy: 'crl' });
      assert.equal(fetchCalls.length, 2);
    });
    it('several distribution points share one timeout: a hanging first one leaves the next one unasked, within the timeout', async () => {
      const hanging = await startHangingServer();
      started.push(hanging);
      const behindHanging = await issueTestCertificate({
        subject: 'CN=hanging distribution point first', issuer: pki.intermediate, notBefore: new Date(now.getTime() - MINUTE), notAfter: new Date(now.getTime() + 60 * MINUTE),
        keyUsage: x509.KeyUsageFlags.digitalSignature, crlUrl: [`${hanging.url}slow.crl`, crlUrlsOf(pki.qualifiedPerson.cert)[0]!],
      });
      const t0 = performance.now();
      await rejected(check(behindHanging, { policy: 'crl', timeoutMs: 400 }), 'revocation-unknown', /did not answer within 400 ms; .* not asked, the 400 ms were spent/);
      assert.ok(performance.now() - t0 <= 600, `took ${performance.now() - t0} ms`);
      assert.equal(fetchCalls.length, 1);
    });
    it('a CRL past its nextUpdate → revocation-unknown', async () => {
      crlBody = await pki.crl({ thisUpdate: new Date(Date.now() - 3 * 24 * 60 * MINUTE), nextUpdate: new Date(Date.now() - 24 * 60 * MINUTE) });
      await rejected(check(pki.qualifiedPerson, { policy }), 'revocation-unknown', /CRL: .*stale: nextUpdate .* has passed/);
    });
    it('a CRL without nextUpdate → revocation-unknown', async () => {
      crlBody = await pki.crl({ nextUpdate: null });
      await rejected(check(pki.qualifiedPerson, { policy }), 'revocation-unknown', /no nextUpdate/);
    });
    it('a CRL larger than crlMaxBytes is not read → revocation-unknown', async () => {
      crlBody = await pki.crl({ extraSerials: Array.from({ length: 200 }, (_, i) => (0x1000 + i).toString(16)) });
      assert.ok(crlBody.length > 2048);
      await rejected(check(pki.qualifiedPerson, { policy, crlMaxBytes: 2048 }), 'revocation-unknown', /more than the 2048 allowed/);
    });
    it('a CRL streamed without Content-Length is cut off at crlMaxBytes', async () => {
      crlBody = await pki.crl({ extraSerials: Array.from({ length: 200 }, (_, i) => (0x1000 + i).toString(16)) });
      crlServed = { streamed: true };
      await rejected(check(pki.qualifiedPerson, { policy, crlMaxBytes: 2048 }), 'revocation-unknown', /sent more than the 2048 bytes allowed/);
      await check(pki.qualifiedPerson, { policy });
    });
    it('a redirect is not followed (it could name another scheme or host)', async () => {
      crlServed = { status: 302, location: 'file:///etc/passwd' };
      await rejected(check(pki.qualifiedPerson, { policy }), 'revocation-unknown', /answered HTTP 302/);
    });
    it('a CRL whose scope is narrower than every end-entity certificate, a partition for another point, or a delta → revocation-unknown', async () => {
      const idp = (p: ConstructorParameters<typeof IssuingDistributionPoint>[0]) => new x509.Extension(id_ce_issuingDistributionPoint, true, AsnConvert.serialize(new IssuingDistributionPoint(p)));
      crlBody = await pki.crl({ extensions: [idp({ onlyContainsCACerts: true })] });
      await rejected(check(pki.qualifiedPerson, { policy }), 'revocation-unknown', /does not cover end-entity certificates/);
      crlBody = await pki.crl({ extensions: [idp({ distributionPoint: new DistributionPointName({ fullName: [new GeneralName({ uniformResourceIdentifier: 'http://elsewhere.test/part2.crl' })] }) })] });
      await rejected(check(pki.qualifiedPerson, { policy }), 'revocation-unknown', /is the partition for http:\/\/elsewhere.test\/part2.crl/);
      crlBody = await pki.crl({ extensions: [idp({ onlyContainsUserCerts: true })] });
      await check(pki.qualifiedPerson, { policy });
      crlBody = await pki.crl({ extensions: [new x509.Extension('2.5.29.27', true, new Uint8Array([0x02, 0x01, 0x01]))] });
      await rejected(check(pki.qualifiedPerson, { policy }), 'revocation-unknown', /unrecognised critical extension 2.5.29.27 \(a delta CRL\?\)/);
    });
    it('garbage instead of a CRL → revocation-unknown', async () => {
      crlBody = Buffer.from('-----BEGIN NOTHING-----');
      await rejected(check(pki.qualifiedPerson, { policy }), 'revocation-unknown', /CRL: .*(undecodable|unreadable) CRL/);
    });
    it('a CRL signed by another key under the issuer\'s name → revocation-unknown', async () => {
      crlBody = await pki.crl({ signer: pki.unknownRoot, issuerOf: pki.intermediate });
      await rejected(check(pki.revokedByCrl, { policy }), 'revocation-unknown', /CRL signature does not verify with the key of/);
    });
    it('another CA\'s CRL → revocation-unknown', async () => {
      crlBody = await pki.crl({ signer: pki.unknownRoot });
      await rejected(check(pki.revokedByCrl, { policy }), 'revocation-unknown', /CRL issuer .*Unrelated TEST CA.* is not the certificate's issuer/);
    });
    it('the issuing CA itself is checked on the root\'s CRL (a path anchored at the root)', async () => {
      const arlPort = await freePort();
      const withArl = await createTestPki({ now, caCrlUrl: `http://127.0.0.1:${arlPort}/root.crl` });
      let arl = await withArl.crl({ signer: withArl.root, revoked: [] });
      const arlServer = await startFileServer(() => ({ bytes: arl }), arlPort);
      started.push(arlServer);
      await checker({ policy }).check(withArl.intermediate.cert, withArl.root.cert, new Date());
      arl = await withArl.crl({ signer: withArl.root, revoked: [withArl.intermediate] });
      await rejected(checker({ policy }).check(withArl.intermediate.cert, withArl.root.cert, new Date()), 'revoked', /Pasarela TEST Root CA' revoked at/);
    });
    it('a CRL is fetched once and kept until its nextUpdate', async () => {
      const c = checker({ policy });
      const before = crlServer.requests();
      await c.check(pki.qualifiedPerson.cert, pki.intermediate.cert, new Date());
      await rejected(c.check(pki.revokedByCrl.cert, pki.intermediate.cert, new Date()), 'revoked', /CRL/);
      await c.check(pki.publicEmployee.cert, pki.intermediate.cert, new Date());
      assert.equal(crlServer.requests() - before, 1);
    });
  });
});
