// The inbound attack messages of saml-attacks.md that apply to the IdP side (signed AuthnRequests
// over HTTP-POST), each built from a VALID message signed with the test keys and then changed as
// the recipe says. Shared by the security tests and the structure-vs-XSD differential test.
// TEST ONLY.
import { createHmac } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { ALG } from '../../broker/saml/namespaces.js';
import { buildAuthnRequest, signPost, testCert, testKey, type AuthnRequestOpts } from '../helpers/sign-request.js';

export interface AttackCase {
  name: string;
  /** saml-attacks.md id */
  id: string;
  xml: string;
  /** the error code the broker must answer with (both mean: error page, nothing issued) */
  code: 'request-malformed' | 'request-untrusted';
}

const ISSUE = () => new Date();
const sp1 = () => ({ key: testKey('sp1'), cert: testCert('sp1') });

/** A valid, sp1-signed AuthnRequest and its ID. */
export function validSigned(opts: AuthnRequestOpts = {}): { xml: string; id: string } {
  const id = opts.id ?? `ID_${Math.random().toString(16).slice(2)}`;
  const { key, cert } = sp1();
  return { xml: signPost(buildAuthnRequest({ issueInstant: ISSUE(), ...opts, id }), key, cert), id };
}

const signatureOf = (xml: string) => /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(xml)![0];
const withoutSignature = (xml: string) => xml.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '');
const EVIL_ACS = 'https://evil.test/acs';

export function attackCorpus(): AttackCase[] {
  const cases: AttackCase[] = [];
  const add = (id: string, name: string, xml: string, code: AttackCase['code']) => cases.push({ id, name, xml, code });
  const { xml: good, id } = validSigned();
  const sig = signatureOf(good);

  // request wrap (GHSA-63ch-w8pw-4mf2): the captured signed request nested in an attacker request
  const evil = buildAuthnRequest({ id: 'ID_evil', acsUrl: EVIL_ACS, forceAuthn: false, issueInstant: ISSUE() });
  const inner = good.replace(/^<samlp:AuthnRequest/, '<samlp:AuthnRequest');
  add('request wrap', 'signed request inside the attacker request’s Extensions', evil.replace('</saml:Issuer>', `</saml:Issuer><samlp:Extensions>${inner}</samlp:Extensions>`), 'request-malformed');
  add('request wrap', 'signed request as a sibling after the attacker Issuer', evil.replace('</saml:Issuer>', `</saml:Issuer>${inner}`), 'request-malformed');
  add('request wrap', 'attacker root carrying the original signature, original moved into it', evil.replace('</saml:Issuer>', `</saml:Issuer>${sig}`), 'request-untrusted');
  add('request wrap', 'attacker root reusing the original ID with the original signature', evil.replace('ID="ID_evil"', `ID="${id}"`).replace('</saml:Issuer>', `</saml:Issuer>${sig}`), 'request-untrusted');
  add('request wrap', 'original inside the signature’s ds:Object', evil.replace('</saml:Issuer>', `</saml:Issuer>${sig.replace('</ds:Signature>', `<ds:Object>${withoutSignature(good)}</ds:Object></ds:Signature>`)}`), 'request-malformed');

  add('strip', 'every ds:Signature removed (sp1 requires signed requests)', withoutSignature(good), 'request-untrusted');

  add('reference', 'Reference URI to another ID', good.replace(`URI="#${id}"`, 'URI="#ID_other"'), 'request-untrusted');
  add('reference', 'Reference URI not starting with #', good.replace(`URI="#${id}"`, `URI="http://evil.test/#${id}"`), 'request-malformed');
  add('reference', 'Reference URI empty', good.replace(`URI="#${id}"`, 'URI=""'), 'request-malformed');
  add('reference', 'Reference without URI', good.replace(` URI="#${id}"`, ''), 'request-malformed');

  const ref = /<ds:Reference[\s\S]*<\/ds:Reference>/.exec(good)![0];
  add('two refs', 'second ds:Reference in SignedInfo', good.replace(ref, ref + ref), 'request-malformed');
  add('digest comment', '<!----> inside ds:DigestValue', good.replace(/<ds:DigestValue>(.{4})/, '<ds:DigestValue>$1<!---->'), 'request-malformed');
  add('stray digest', 'extra ds:DigestValue in KeyInfo', good.replace('<ds:X509Data>', '<ds:DigestValue>AAAA</ds:DigestValue><ds:X509Data>'), 'request-malformed');
  add('stray digest', 'extra ds:DigestValue in Extensions', good.replace('<samlp:NameIDPolicy', `<samlp:Extensions><ds:DigestValue xmlns:ds="${ALG.sha256.slice(0, 0)}http://www.w3.org/2000/09/xmldsig#">AAAA</ds:DigestValue></samlp:Extensions><samlp:NameIDPolicy`), 'request-malformed');

  // key injection: content edited, re-signed by the attacker, attacker certificate in KeyInfo
  add('key injection', 'ACS edited, re-signed with the attacker key, its certificate in KeyInfo',
    signPost(buildAuthnRequest({ id, acsUrl: EVIL_ACS, issueInstant: ISSUE() }), testKey('attacker'), testCert('attacker')), 'request-untrusted');
  // (a genuine sp1 signature with the attacker's certificate pasted into KeyInfo still verifies:
  // KeyInfo is ignored, so that is no attack; the reverse — attacker signature, sp1's certificate
  // in KeyInfo — is, and must fail)
  add('key injection', 'ACS edited, re-signed with the attacker key, sp1’s certificate in KeyInfo',
    signPost(buildAuthnRequest({ id, acsUrl: EVIL_ACS, issueInstant: ISSUE() }), testKey('attacker'), testCert('sp1')), 'request-untrusted');

  // HMAC confusion: hmac-sha1 keyed with the public certificate bytes
  {
    const unsigned = buildAuthnRequest({ id: 'ID_hmac', issueInstant: ISSUE() });
    const s = new SignedXml({ privateKey: Buffer.from(testCert('sp1')) });
    s.enableHMAC();
    s.signatureAlgorithm = ALG.hmacSha1 as SignedXml['signatureAlgorithm'];
    s.canonicalizationAlgorithm = ALG.excC14n;
    s.addReference({ xpath: '/*', transforms: [ALG.envelopedSignature, ALG.excC14n], digestAlgorithm: ALG.sha256 });
    s.computeSignature(unsigned, { prefix: 'ds', location: { reference: "/*/*[local-name(.)='Issuer']", action: 'after' } });
    add('HMAC confusion', 'hmac-sha1 keyed with the SP certificate PEM', s.getSignedXml(), 'request-untrusted');
    void createHmac;
  }

  const transforms = /<ds:Transforms>[\s\S]*<\/ds:Transforms>/.exec(good)![0];
  const t = (alg: string) => `<ds:Transform Algorithm="${alg}"/>`;
  add('transforms', 'three transforms', good.replace(transforms, `<ds:Transforms>${t(ALG.envelopedSignature)}${t(ALG.excC14n)}${t(ALG.excC14n)}</ds:Transforms>`), 'request-malformed');
  add('transforms', 'XSLT transform', good.replace(transforms, `<ds:Transforms>${t(ALG.envelopedSignature)}${t('http://www.w3.org/TR/1999/REC-xslt-19991116')}</ds:Transforms>`), 'request-untrusted');
  add('transforms', 'XPath transform', good.replace(transforms, `<ds:Transforms>${t(ALG.envelopedSignature)}<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><ds:XPath>1</ds:XPath></ds:Transform></ds:Transforms>`), 'request-malformed');
  add('transforms', 'no enveloped-signature transform', good.replace(transforms, `<ds:Transforms>${t(ALG.excC14n)}</ds:Transforms>`), 'request-untrusted');
  add('transforms', 'inclusive c14n with comments as canonicalization', good.replace(`<ds:CanonicalizationMethod Algorithm="${ALG.excC14n}"/>`, `<ds:CanonicalizationMethod Algorithm="${ALG.excC14nWithComments}"/>`), 'request-untrusted');

  add('object', 'ds:Object in the Signature', good.replace('</ds:Signature>', '<ds:Object>x</ds:Object></ds:Signature>'), 'request-malformed');

  add('namespaces', 'samlp prefix redeclared on NameIDPolicy to the assertion namespace', good.replace('<samlp:NameIDPolicy', '<samlp:NameIDPolicy xmlns:samlp="urn:oasis:names:tc:SAML:2.0:assertion"'), 'request-malformed');
  add('namespaces', 'saml prefix redeclared on Issuer to a foreign namespace', good.replace('<saml:Issuer>', '<saml:Issuer xmlns:saml="urn:evil">'), 'request-malformed');

  const { key, cert } = sp1();
  add('weak algorithms', 'rsa-sha1 with sha1 digest', signPost(buildAuthnRequest({ issueInstant: ISSUE() }), key, cert, 'rsa-sha1'), 'request-untrusted');
  add('weak algorithms', 'sha1 digest under rsa-sha256', good.replace(`<ds:DigestMethod Algorithm="${ALG.sha256}"/>`, `<ds:DigestMethod Algorithm="${ALG.sha1}"/>`), 'request-untrusted');

  add('untrusted signer', 'valid signature by a certificate not in metadata', signPost(buildAuthnRequest({ issueInstant: ISSUE() }), testKey('attacker'), testCert('attacker')), 'request-untrusted');
  add('untrusted signer', 'valid signature by another SP’s key (sp2 for sp1)', signPost(buildAuthnRequest({ issueInstant: ISSUE() }), testKey('sp2'), testCert('sp2')), 'request-untrusted');
  add('untrusted signer', 'signature by an expired certificate', signPost(buildAuthnRequest({ issueInstant: ISSUE() }), testKey('sp-expired'), testCert('sp-expired')), 'request-untrusted');

  add('duplicate IDs', 'injected element with the signed ID in Id', good.replace('<samlp:NameIDPolicy', `<samlp:Extensions><eidas:SPType xmlns:eidas="http://eidas.europa.eu/saml-extensions" Id="${id}">public</eidas:SPType></samlp:Extensions><samlp:NameIDPolicy`), 'request-malformed');
  add('duplicate IDs', 'ds:Signature Id equal to the root ID', good.replace('<ds:Signature ', `<ds:Signature Id="${id}" `), 'request-malformed');
  add('duplicate IDs', 'ds:SignedInfo id equal to the root ID', good.replace('<ds:SignedInfo>', `<ds:SignedInfo id="${id}">`), 'request-malformed');

  add('roots', 'a second root element', good + '<samlp:AuthnRequest/>', 'request-malformed');
  add('roots', 'text after the root', good + 'trailing', 'request-malformed');

  add('schema', 'unknown element', good.replace('<samlp:NameIDPolicy', '<samlp:Bogus/><samlp:NameIDPolicy'), 'request-malformed');
  add('schema', 'wrong child order (NameIDPolicy before Signature)', good.replace(sig, '').replace(/(<samlp:NameIDPolicy[^>]*\/>)/, `$1${sig}`), 'request-malformed');
  add('schema', 'missing ID', withoutSignature(good).replace(/ ID="[^"]+"/, ''), 'request-malformed');
  add('schema', 'ID not an NCName', good.replace(`ID="${id}"`, 'ID="1bad"'), 'request-malformed');

  return cases;
}
