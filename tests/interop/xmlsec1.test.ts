// Our signatures and encryption checked by an implementation we did not write: Debian's xmlsec1
// (libxmlsec1 1.2.37 over OpenSSL). For each signature the test asserts WHICH element it covers:
// xmlsec1's --store-references prints the pre-digest bytes of every verified Reference.
// xmlsec1 1.2.37 knows neither RSASSA-PSS nor xmlenc11#rsa-oaep: those are checked with xmllint's
// exc-c14n + openssl, and with python3-cryptography.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSuccessResponse } from '../../broker/saml/build-response.js';
import { buildIdpMetadataUncached } from '../../broker/saml/idp-metadata.js';
import { signingKeysFromPem } from '../../broker/saml/keys.js';
import type { SignatureAlgorithmName } from '../../broker/saml/sign-xml.js';
import { IDP, KEYS_DIR, NOW, assertionInput, idpKeys, parse, pem } from '../unit/saml-out/fixtures.js';

const ID_ATTRS = [
  '--id-attr:ID', 'urn:oasis:names:tc:SAML:2.0:protocol:Response',
  '--id-attr:ID', 'urn:oasis:names:tc:SAML:2.0:assertion:Assertion',
  '--id-attr:ID', 'urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor',
];

let dir: string;
let n = 0;
function file(content: string, ext = 'xml'): string {
  const f = path.join(dir, `f${n++}.${ext}`);
  writeFileSync(f, content);
  return f;
}
function run(cmd: string, args: string[], input?: string) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input, maxBuffer: 16 * 1024 * 1024 });
  if (r.error) throw r.error;
  return r;
}

/** xmlsec1 --verify of the first ds:Signature in `xml`; returns the pre-digest bytes of its Reference. */
function xmlsecVerify(xml: string, certFile: string): { ok: boolean; preDigest: string; uri: string; out: string } {
  const r = run('xmlsec1', ['--verify', '--store-references', '--pubkey-cert-pem', certFile, ...ID_ATTRS, file(xml)]);
  const out = r.stdout + r.stderr;
  const pre = /== PreDigest data - start buffer:\n([\s\S]*?)\n== PreDigest data - end buffer/.exec(r.stdout);
  const uri = /== URI: "([^"]*)"/.exec(r.stdout);
  return { ok: r.status === 0 && /\bOK\b/.test(out) && !/\bFAIL\b/.test(out), preDigest: pre?.[1] ?? '', uri: uri?.[1] ?? '', out };
}

/** The signed Assertion's exact bytes inside a Response (it declares its own namespaces). */
function extractAssertion(xml: string): string {
  const m = /<saml:Assertion\b[\s\S]*<\/saml:Assertion>/.exec(xml);
  assert.ok(m, 'an Assertion');
  return m[0];
}

const cert = path.join(KEYS_DIR, 'idp.crt');

describe('interop xmlsec1: signatures', function () {
  this.timeout(60_000);
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pasarela-xmlsec1-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('metadata: the signature covers the EntityDescriptor', () => {
    const xml = buildIdpMetadataUncached(
      {
        entityID: IDP, ssoUrl: 'http://localhost:8080/saml/sso', sloUrl: 'http://localhost:8080/saml/slo',
        signingCertBase64: idpKeys.certBase64, nextSigningCertBase64: idpKeys.nextCertBase64, reachableRungs: ['2', '3'],
        wantAuthnRequestsSigned: false, validUntil: new Date(NOW.getTime() + 86_400_000), cacheDuration: 'PT6H',
      },
      idpKeys,
    );
    const id = parse(xml).documentElement!.getAttribute('ID')!;
    const r = xmlsecVerify(xml, cert);
    assert.ok(r.ok, r.out);
    assert.equal(r.uri, '#' + id);
    assert.match(r.preDigest, new RegExp(`^<md:EntityDescriptor [^>]*ID="${id}"`));
    assert.match(r.preDigest, /<\/md:EntityDescriptor>$/);
    assert.doesNotMatch(r.preDigest, /<ds:Signature/, 'enveloped signature removed');
    assert.equal(xmlsecVerify(xml.replace('PT6H', 'PT7H'), cert).ok, false);
  });

  for (const algorithm of ['rsa-sha256', 'rsa-sha512'] as const) {
    it(`${algorithm}: Response signature covers the Response (with the Assertion), Assertion signature covers the Assertion`, () => {
      const xml = buildSuccessResponse(assertionInput(), { keys: idpKeys, algorithm, signAssertion: true, signResponse: true });
      const doc = parse(xml);
      const responseId = doc.documentElement!.getAttribute('ID')!;
      const assertionId = doc.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:assertion', 'Assertion').item(0)!.getAttribute('ID')!;

      const r = xmlsecVerify(xml, cert); // the first Signature in document order: the Response's
      assert.ok(r.ok, r.out);
      assert.equal(r.uri, '#' + responseId);
      assert.match(r.preDigest, new RegExp(`^<samlp:Response [^>]*ID="${responseId}"`));
      assert.match(r.preDigest, new RegExp(`<saml:Assertion [^>]*ID="${assertionId}"`));
      assert.match(r.preDigest, /<\/samlp:Response>$/);

      const a = xmlsecVerify(extractAssertion(xml), cert);
      assert.ok(a.ok, a.out);
      assert.equal(a.uri, '#' + assertionId);
      assert.match(a.preDigest, new RegExp(`^<saml:Assertion [^>]*ID="${assertionId}"`));
      assert.match(a.preDigest, /<\/saml:Assertion>$/);
      assert.match(r.out + a.out, new RegExp(algorithm === 'rsa-sha256' ? 'rsa-sha256' : 'rsa-sha512'));
    });
  }

  it('a changed attribute value breaks both signatures; the wrong certificate verifies nothing', () => {
    const xml = buildSuccessResponse(assertionInput(), { keys: idpKeys, algorithm: 'rsa-sha256', signAssertion: true, signResponse: true });
    const tampered = xml.replace('ES/ES/12345678Z', 'ES/ES/00000000T');
    assert.equal(xmlsecVerify(tampered, cert).ok, false);
    assert.equal(xmlsecVerify(extractAssertion(tampered), cert).ok, false);
    assert.equal(xmlsecVerify(xml, path.join(KEYS_DIR, 'attacker.crt')).ok, false);
  });

  it('ECDSA P-256 (ecdsa-sha256, r||s) verifies', () => {
    const ec = signingKeysFromPem(pem('idp-p256.key'), pem('idp-p256.crt'));
    const xml = buildSuccessResponse(assertionInput(), { keys: ec, algorithm: 'ecdsa-sha256', signAssertion: true, signResponse: true });
    const r = xmlsecVerify(xml, path.join(KEYS_DIR, 'idp-p256.crt'));
    assert.ok(r.ok, r.out);
    const a = xmlsecVerify(extractAssertion(xml), path.join(KEYS_DIR, 'idp-p256.crt'));
    assert.ok(a.ok, a.out);
  });
});

describe('interop xmlsec1: encrypted assertion (AES-256-GCM, rsa-oaep-mgf1p)', function () {
  this.timeout(60_000);
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pasarela-xmlsec1-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('xmlsec1 --decrypt with sp1-enc.key yields our signed Assertion, whose signature xmlsec1 verifies', () => {
    const xml = buildSuccessResponse(assertionInput(), { keys: idpKeys, algorithm: 'rsa-sha256', signAssertion: true, signResponse: true, encryptTo: pem('sp1-enc.crt') });
    assert.match(xml, /Algorithm="http:\/\/www.w3.org\/2009\/xmlenc11#aes256-gcm"/);
    assert.match(xml, /Algorithm="http:\/\/www.w3.org\/2001\/04\/xmlenc#rsa-oaep-mgf1p"/);
    assert.doesNotMatch(xml, /KeyName/);
    const r = run('xmlsec1', ['--decrypt', '--privkey-pem', path.join(KEYS_DIR, 'sp1-enc.key'), file(xml)]);
    assert.equal(r.status, 0, r.stderr);
    const decrypted = r.stdout;
    const assertion = extractAssertion(decrypted);
    assert.match(assertion, /ES\/ES\/12345678Z/);
    const v = xmlsecVerify(assertion, cert);
    assert.ok(v.ok, v.out);
    assert.match(v.preDigest, /^<saml:Assertion /);
    // the Response signature was made over the EncryptedAssertion and still verifies as sent
    assert.ok(xmlsecVerify(xml, cert).ok);
  });

  it('the wrong private key cannot decrypt', () => {
    const xml = buildSuccessResponse(assertionInput(), { keys: idpKeys, algorithm: 'rsa-sha256', signAssertion: true, signResponse: false, encryptTo: pem('sp1-enc.crt') });
    const r = run('xmlsec1', ['--decrypt', '--privkey-pem', path.join(KEYS_DIR, 'sp2.key'), file(xml)]);
    assert.notEqual(r.status, 0);
  });

  it('xmlenc11#rsa-oaep (SHA-256, MGF1-SHA-256): decrypted independently with python3-cryptography', () => {
    const xml = buildSuccessResponse(assertionInput(), { keys: idpKeys, algorithm: 'rsa-sha256', signAssertion: true, signResponse: true, encryptTo: pem('sp1-enc.crt'), keyTransport: 'rsa-oaep-sha256' });
    assert.match(xml, /Algorithm="http:\/\/www.w3.org\/2009\/xmlenc11#rsa-oaep"/);
    assert.match(xml, /<xenc11:MGF xmlns:xenc11="http:\/\/www.w3.org\/2009\/xmlenc11#" Algorithm="http:\/\/www.w3.org\/2009\/xmlenc11#mgf1sha256"(\/>|><\/xenc11:MGF>)/);
    const values = [...xml.matchAll(/<xenc:CipherValue>([^<]+)<\/xenc:CipherValue>/g)].map((m) => m[1]!);
    const py = `
import base64, sys
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
key = serialization.load_pem_private_key(open(sys.argv[1], 'rb').read(), None)
ek, blob = (base64.b64decode(v) for v in sys.stdin.read().split())
cek = key.decrypt(ek, padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None))
sys.stdout.write(AESGCM(cek).decrypt(blob[:12], blob[12:], None).decode('utf-8'))
`;
    const r = run('python3', ['-c', py, path.join(KEYS_DIR, 'sp1-enc.key')], values.join('\n'));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^<saml:Assertion /);
    assert.ok(xmlsecVerify(r.stdout, cert).ok);
  });
});

describe('interop openssl + xmllint: RSASSA-PSS signatures (xmlsec1 1.2.37 lacks them)', function () {
  this.timeout(60_000);
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pasarela-pss-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const SIG = /<ds:Signature xmlns:ds="http:\/\/www.w3.org\/2000\/09\/xmldsig#">[\s\S]*?<\/ds:Signature>/;

  for (const [algorithm, hash] of [['rsa-pss-sha256', 'sha256'], ['rsa-pss-sha512', 'sha512']] as [SignatureAlgorithmName, string][]) {
    it(`${algorithm}: digest over the enveloped element and PSS signature over canonical SignedInfo verify`, () => {
      // Response signed only: the Response is the document element, so its exc-c14n is the whole
      // document's once the enveloped Signature is removed (xmldsig enveloped-signature transform).
      const xml = buildSuccessResponse(assertionInput(), { keys: idpKeys, algorithm, signAssertion: false, signResponse: true });
      const signature = SIG.exec(xml)![0];
      const canonical = (doc: string) => {
        const r = run('xmllint', ['--exc-c14n', file(doc)]);
        assert.equal(r.status, 0, r.stderr);
        return r.stdout;
      };
      // 1. the Reference digest, over the Response without its Signature
      const expectedDigest = /<ds:DigestValue>([^<]+)</.exec(signature)![1]!;
      const digestFile = path.join(dir, `digest${n++}`);
      spawnSync('sh', ['-c', `openssl dgst -${hash} -binary "$1" | base64 -w0 > "$2"`, 'sh', file(canonical(xml.replace(signature, '')), 'c14n'), digestFile]);
      assert.equal(run('cat', [digestFile]).stdout, expectedDigest);
      // 2. the signature over SignedInfo canonicalized by libxml2 (standalone, so ds is declared)
      const signedInfo = /<ds:SignedInfo>[\s\S]*<\/ds:SignedInfo>/.exec(signature)![0].replace('<ds:SignedInfo>', '<ds:SignedInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">');
      const signedInfoC14n = file(canonical(signedInfo), 'c14n');
      const sigFile = path.join(dir, `sig${n++}.bin`);
      writeFileSync(sigFile, Buffer.from(/<ds:SignatureValue>([^<]+)</.exec(signature)![1]!, 'base64'));
      const pubkey = file(run('openssl', ['x509', '-in', cert, '-pubkey', '-noout']).stdout, 'pem');
      const saltlen = hash === 'sha256' ? '32' : '64';
      const ok = run('openssl', ['dgst', `-${hash}`, '-sigopt', 'rsa_padding_mode:pss', '-sigopt', `rsa_pss_saltlen:${saltlen}`, '-sigopt', `rsa_mgf1_md:${hash}`, '-verify', pubkey, '-signature', sigFile, signedInfoC14n]);
      assert.equal(ok.status, 0, ok.stdout + ok.stderr);
      assert.match(ok.stdout, /Verified OK/);
      // and a different SignedInfo does not
      const bad = run('openssl', ['dgst', `-${hash}`, '-sigopt', 'rsa_padding_mode:pss', '-sigopt', `rsa_pss_saltlen:${saltlen}`, '-verify', pubkey, '-signature', sigFile, file(canonical(signedInfo.replace(/<ds:DigestValue>[^<]+/, '<ds:DigestValue>AAAA')), 'c14n')]);
      assert.notEqual(bad.status, 0);
    });
  }
});
