// The trusted-list XAdES verification profile (broker/pki/trusted-list/verify-xades.ts) against
// lists signed by xmlsec1: what a scheme operator publishes verifies, and every deviation from
// the profile or tampering after signing is refused. Each refusal names the check it needs.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../../broker/config.js';
import { readTrustedList } from '../../../broker/pki/trusted-list/parse.js';
import { TrustedListError } from '../../../broker/pki/trusted-list/trusted-list-error.js';
import { verifyTrustedListSignature } from '../../../broker/pki/trusted-list/verify-xades.js';
import { ALG } from '../../../broker/saml/namespaces.js';
import { issueTestCertificate, type TestCertificate } from '../../helpers/test-pki.js';
import { buildTrustedList, type TrustedListDescription, type TrustedListSigner } from '../../helpers/tsl-builder.js';

const run = promisify(execFile);
const NOW = new Date();
const DAY = 86_400_000;
const SOURCE = 'metadata/tsl/ES.xml';

function description(serviceName = 'AC FNMT Usuarios'): TrustedListDescription {
  return {
    territory: 'ES',
    sequenceNumber: 12,
    issued: new Date(NOW.getTime() - DAY),
    nextUpdate: new Date(NOW.getTime() + 180 * DAY),
    providers: [{ name: 'FNMT-RCM', services: [{ name: serviceName, status: 'granted', statusFrom: new Date('2020-01-01T00:00:00Z'), subjectNames: ['CN=AC FNMT Usuarios,OU=Ceres,O=FNMT-RCM,C=ES'] }] }],
  };
}

async function selfSigned(cn: string, from = new Date(NOW.getTime() - 30 * DAY), to = new Date(NOW.getTime() + 365 * DAY)): Promise<TestCertificate> {
  return issueTestCertificate({ subject: `CN=${cn}, O=Test scheme operator, C=ES`, notBefore: from, notAfter: to, keyUsage: 1 /* digitalSignature */ });
}

function verify(xml: string, anchorPem: string, now = NOW) {
  return verifyTrustedListSignature(xml, anchorPem, SOURCE, now);
}

function refused(xml: string, anchorPem: string, pattern: RegExp, now = NOW): void {
  assert.throws(() => verify(xml, anchorPem, now), (err: unknown) => {
    assert.ok(err instanceof TrustedListError, `not a TrustedListError: ${String(err)}`);
    assert.equal(err.source, SOURCE);
    assert.match(err.reason, pattern);
    return true;
  });
}

describe('TS 119 612 §5.7.1 trusted list XAdES signature (signed by xmlsec1)', function () {
  let operator: TestCertificate;
  let signer: TrustedListSigner;
  let rsaSigner: TrustedListSigner;
  let attacker: TrustedListSigner;
  let signed: string;
  let signedAt: Date;

  before(async () => {
    operator = await selfSigned('Scheme operator');
    signer = { keyPem: operator.keyPem, certPem: operator.pem };
    const other = await selfSigned('Attacker');
    attacker = { keyPem: other.keyPem, certPem: other.pem };
    // an RSA operator (EC test keys cannot make rsa-sha1 signatures)
    const dir = await mkdtemp(path.join(tmpdir(), 'pasarela-tsl-rsa-'));
    try {
      await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem'), '-days', '30', '-subj', '/CN=RSA scheme operator/C=ES']);
      rsaSigner = { keyPem: await readFile(path.join(dir, 'k.pem'), 'utf8'), certPem: await readFile(path.join(dir, 'c.pem'), 'utf8') };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    signedAt = new Date();
    signed = await buildTrustedList(description(), signer);
  });

  describe('accepted', () => {
    it('URI="" with exclusive canonicalisation: verifies, and the list is read from the signed reference', () => {
      const verified = verify(signed, operator.pem);
      // the SigningTime xmlsec1 wrote is when the before hook signed (NOW is when mocha loaded this file, possibly minutes earlier)
      assert.ok(Math.abs(verified.signingTime.getTime() - signedAt.getTime()) < 60_000);
      const { list } = readTrustedList(verified.root, SOURCE);
      assert.deepEqual([list.territory, list.sequenceNumber, list.services[0]!.serviceName], ['ES', 12, 'AC FNMT Usuarios']);
    });

    it('URI="#<root Id>" with inclusive C14N 1.0: verifies', async () => {
      const xml = await buildTrustedList(description(), signer, { referenceUri: 'root-id', canonicalization: 'inclusive' });
      assert.match(xml, /URI="#TrustServiceStatusList-1"/);
      assert.equal(readTrustedList(verify(xml, operator.pem).root, SOURCE).list.services.length, 1);
    });

    it('RSA-SHA256, and ECDSA-SHA384 with SHA-384 digests: verify', async () => {
      // openssl's certificate starts the second it was made, after this file's NOW
      verify(await buildTrustedList(description(), rsaSigner), rsaSigner.certPem, new Date());
      verify(await buildTrustedList(description(), signer, { signatureMethod: ALG.ecdsaSha384, digestMethod: ALG.sha384 }), operator.pem);
    });

    it('the older SigningCertificate naming the anchor by a SHA-1 digest (as the Spanish list of 2019): verifies', async () => {
      const xml = await buildTrustedList(description(), signer, { signingCertificateV1Sha1: true });
      assert.match(xml, /<xades:SigningCertificate><xades:Cert><xades:CertDigest><ds:DigestMethod Algorithm="http:\/\/www.w3.org\/2000\/09\/xmldsig#sha1"/);
      verify(xml, operator.pem);
      refused(await buildTrustedList(description(), signer, { signingCertificateV1Sha1: true, signingCertificatePem: attacker.certPem }), operator.pem, /SigningCertificate does not name the anchor/);
    });

    it('a copy of the list hidden in KeyInfo (outside what is signed): verifies, and only the signed list is read', async () => {
      const evil = (await buildTrustedList(description('EVIL CA'), attacker)).replace(/^<\?xml[^>]*>\s*/, '').replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '');
      const xml = signed.replace('<ds:KeyInfo>', `<ds:KeyInfo>${evil}`);
      const { list } = readTrustedList(verify(xml, operator.pem).root, SOURCE);
      assert.deepEqual(list.services.map((s) => s.serviceName), ['AC FNMT Usuarios']);
      assert.doesNotMatch(JSON.stringify(list), /EVIL/);
    });
  });

  it('the signature of a real published list (Spanish list no. 88) has the accepted shape: only the digest of the excerpt fails', async () => {
    const real = await readFile(path.join(PROJECT_ROOT, 'tests/fixtures/tsl/ES-88-excerpt.xml'), 'utf8');
    const operatorPem = `-----BEGIN CERTIFICATE-----\n${/<ds:X509Certificate>([^<]+)</.exec(real)![1]}\n-----END CERTIFICATE-----\n`;
    // signed 2019-08-08T07:46:08Z with the scheme operator's certificate of 2018–2023
    refused(real, operatorPem, /does not verify with the configured signer certificate \(a reference does not match its digest\)/, new Date('2019-08-08T08:00:00Z'));
  });

  describe('refused', () => {
    it('another anchor than the one that signed (the configured certificate only)', () => refused(signed, attacker.certPem, /does not verify with the configured signer certificate/));

    it('a byte of the list changed after signing', () => refused(signed.replace('AC FNMT Usuarios', 'AC FNMT Usuarioz'), operator.pem, /does not verify/));

    it('the SignedProperties changed after signing (SigningTime)', () => {
      const xml = signed.replace(/<xades:SigningTime>(\d{4})/, (_m, y: string) => `<xades:SigningTime>${Number(y) - 1}`);
      assert.notEqual(xml, signed);
      refused(xml, operator.pem, /does not verify/);
    });

    it('a third Reference', async () => refused(await buildTrustedList(description(), signer, { extraReference: true }), operator.pem, /expected two References.*found 3/));

    it('no Reference to the SignedProperties', async () => refused(await buildTrustedList(description(), signer, { omitSignedPropertiesReference: true }), operator.pem, /expected two References.*found 1/));

    it('an rsa-sha1 signature (old lists still use it)', async () =>
      refused(await buildTrustedList(description(), rsaSigner, { signatureMethod: ALG.rsaSha1 }), rsaSigner.certPem, /signature algorithm .*rsa-sha1 not accepted/));

    it('SHA-1 reference digests', async () => refused(await buildTrustedList(description(), signer, { signatureMethod: ALG.ecdsaSha256, digestMethod: ALG.sha1 }), operator.pem, /digest algorithm .*sha1 not accepted/));

    it('an attacker key with its certificate in KeyInfo, signing changed content', async () => {
      const forged = await buildTrustedList(description('EVIL CA'), attacker, { signingCertificatePem: operator.pem });
      assert.match(forged, /<ds:X509Certificate>/);
      refused(forged, operator.pem, /does not verify with the configured signer certificate/);
    });

    it('a second ds:Signature', () => {
      const signature = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(signed)![0];
      refused(signed.replace('</tsl:TSPInformation>', `${signature}</tsl:TSPInformation>`), operator.pem, /expected exactly one ds:Signature, found 2/);
    });

    it('the signed list wrapped in another list that takes the root (reference by Id)', async () => {
      const byId = await buildTrustedList(description(), signer, { referenceUri: 'root-id' });
      const signature = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(byId)![0];
      const inner = byId.replace(/^<\?xml[^>]*>\s*/, '').replace(signature, '');
      const outer = (await buildTrustedList(description('EVIL CA'), attacker))
        .replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, `${signature}`)
        .replace('Id="TrustServiceStatusList-1"', 'Id="evil"')
        .replace('</tsl:TSPInformation>', `<tsl:TSPInformationExtensions>${inner}</tsl:TSPInformationExtensions></tsl:TSPInformation>`);
      refused(outer, operator.pem, /list Reference URI is neither/);
    });

    it('a SigningCertificateV2 that names another certificate than the anchor', async () =>
      refused(await buildTrustedList(description(), signer, { signingCertificatePem: attacker.certPem }), operator.pem, /SigningCertificate does not name the anchor/));

    it('no SigningTime', async () => refused(await buildTrustedList(description(), signer, { omitSigningTime: true }), operator.pem, /without one SigningTime/));

    it('other content in the ds:Object', () => refused(signed.replace('</xades:QualifyingProperties>', '</xades:QualifyingProperties><x xmlns="urn:x"/>'), operator.pem, /ds:Object must hold exactly one xades:QualifyingProperties/));

    it('an anchor certificate no longer valid', async () => {
      const old = await selfSigned('Expired operator', new Date(NOW.getTime() - 400 * DAY), new Date(NOW.getTime() - DAY));
      const xml = await buildTrustedList(description(), { keyPem: old.keyPem, certPem: old.pem }, { signingTime: new Date(NOW.getTime() - 2 * DAY) });
      verify(xml, old.pem, new Date(NOW.getTime() - 2 * DAY));
      refused(xml, old.pem, /not valid now/);
    });

    it('signed at a time the anchor was not valid', async () =>
      refused(await buildTrustedList(description(), signer, { signingTime: new Date(NOW.getTime() - 60 * DAY) }), operator.pem, /signed outside the signer certificate validity/));
  });
});
