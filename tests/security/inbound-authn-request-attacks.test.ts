// saml-attacks.md, IdP side: each attack on an inbound AuthnRequest is one test. Every message is
// built from a valid one signed with the test keys; the broker must refuse it with an error page
// (no replyTo: nothing goes back to an unverified ACS) and issue nothing.
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { receiveAuthnRequest } from '../../broker/saml/receive-authn-request.js';
import { buildAuthnRequest, javaUrlEncode, postBody, redirectQuery, signPost, SIG_ALG_URI, testCert, testKey } from '../helpers/sign-request.js';
import { harness, rejectsWith, SP2, type Harness } from '../unit/saml-in/harness.js';
import { attackCorpus, validSigned } from './inbound-attack-corpus.js';

describe('security: inbound AuthnRequest attacks', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  const deps = () => ({ registry: h.registry, cfg: h.cfg, replayCache: h.replayCache, now: new Date() });
  const post = (xml: string, relayState?: string) => receiveAuthnRequest({ binding: 'post', body: postBody(xml, relayState) }, deps());
  const redirect = (rawQuery: string) => receiveAuthnRequest({ binding: 'redirect', rawQuery }, deps());

  it('control: the valid signed request is accepted (both bindings)', async () => {
    const ok = await post(validSigned().xml, 'rs');
    assert.equal(ok.signed, true);
    const q = redirectQuery(buildAuthnRequest(), 'rs', testKey('sp1'));
    assert.equal((await redirect(q)).signed, true);
  });

  for (const c of attackCorpus()) {
    it(`${c.id}: ${c.name}`, async () => {
      const err = await rejectsWith(post(c.xml, 'rs'), c.code);
      assert.equal(err.replyTo, undefined, 'no reply to an unverified ACS');
      assert.equal(err.outcome.to, 'page');
    });
  }

  it('billion laughs: nested entities refused in < 50 ms', async () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&lol9;</samlp:AuthnRequest>`;
    const t = process.hrtime.bigint();
    await rejectsWith(post(bomb), 'request-malformed');
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    assert.ok(ms < 50, `took ${ms} ms`);
  });

  it('XXE: external entity and external DTD refused, no file read', async () => {
    const xxe = buildAuthnRequest().replace('<samlp:AuthnRequest', '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><samlp:AuthnRequest').replace('https://sp1.test/metadata', '&x;');
    const err = await rejectsWith(post(xxe), 'request-malformed');
    assert.ok(!String(err.detail).includes('root:'));
    await rejectsWith(post('<!DOCTYPE r SYSTEM "http://127.0.0.1:1/evil.dtd">' + buildAuthnRequest()), 'request-malformed');
  });

  it('deflate bomb: a Redirect SAMLRequest inflating to hundreds of MB is capped fast', async () => {
    const bomb = deflateRawSync(Buffer.alloc(300 * 1024 * 1024, 0x20), { level: 9 });
    const t = process.hrtime.bigint();
    await rejectsWith(redirect(`SAMLRequest=${javaUrlEncode(bomb.toString('base64'))}`), 'request-malformed');
    assert.ok(Number(process.hrtime.bigint() - t) / 1e6 < 500);
  });

  const timed = async (name: string, xml: string) => {
    const t = process.hrtime.bigint();
    await rejectsWith(post(xml), 'request-malformed');
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    assert.ok(ms < 50, `${name} took ${ms} ms`);
  };
  it('parser DoS: deep nesting refused in bounded time', () => timed('deep', `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">${'<a>'.repeat(50_000)}${'</a>'.repeat(50_000)}</samlp:AuthnRequest>`));
  it('parser DoS: 10⁵ attributes refused in bounded time', () => timed('attrs', `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ${Array.from({ length: 100_000 }, (_, i) => `a${i}="1"`).join(' ')}/>`.slice(0, 250_000)));
  it('parser DoS: 10⁴ namespace declarations refused in bounded time', () => timed('ns', `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">${Array.from({ length: 10_000 }, (_, i) => `<x xmlns:p${i}="urn:x"/>`).join('')}</samlp:AuthnRequest>`));
  it('parser DoS: unterminated tags refused in bounded time', () => timed('unterminated', `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">${'<a '.repeat(50_000)}`));

  it('replay: the same AuthnRequest ID twice → second refused (back to the SP)', async () => {
    const { xml } = validSigned();
    await post(xml);
    const err = await rejectsWith(post(xml), 'request-rejected');
    assert.ok(err.replyTo, 'a replay of a verified request may answer the verified ACS');
  });

  it('ACS: an ACS URL not in metadata → error page, no redirect', async () => {
    const err = await rejectsWith(post(validSigned({ acsUrl: 'https://evil.test/acs' }).xml), 'request-untrusted');
    assert.equal(err.replyTo, undefined);
  });
  it('ACS: an ACS index not in metadata → error page', async () => {
    const err = await rejectsWith(post(validSigned({ acsIndex: 7 }).xml), 'request-untrusted');
    assert.equal(err.replyTo, undefined);
  });

  it('RelayState: over the SP limit → error page', async () => {
    await rejectsWith(post(validSigned().xml, 'é'.repeat(513)), 'relay-state-too-long');
  });
  it('RelayState: tampered on a signed Redirect request → signature fails', async () => {
    const q = redirectQuery(buildAuthnRequest(), 'code.tab.client', testKey('sp1'));
    await rejectsWith(redirect(q.replace('RelayState=code.tab.client', 'RelayState=code.tab.evil')), 'request-untrusted');
  });

  describe('unsigned request where signed ones are required (Redirect)', () => {
    const signed = () => redirectQuery(buildAuthnRequest(), 'rs', testKey('sp1'));
    it('Signature and SigAlg dropped', async () => {
      await rejectsWith(redirect(signed().replace(/&SigAlg=.*$/, '')), 'request-untrusted');
    });
    it('Signature dropped, SigAlg kept', async () => {
      await rejectsWith(redirect(signed().replace(/&Signature=.*$/, '')), 'request-malformed');
    });
    it('SigAlg swapped (rsa-sha512 for rsa-sha256)', async () => {
      await rejectsWith(redirect(signed().replace(javaUrlEncode(SIG_ALG_URI['rsa-sha256']), javaUrlEncode(SIG_ALG_URI['rsa-sha512']))), 'request-untrusted');
    });
    it('SigAlg swapped to rsa-sha1 / unknown', async () => {
      await rejectsWith(redirect(signed().replace(javaUrlEncode(SIG_ALG_URI['rsa-sha256']), javaUrlEncode(SIG_ALG_URI['rsa-sha1']))), 'request-untrusted');
      await rejectsWith(redirect(signed().replace(javaUrlEncode(SIG_ALG_URI['rsa-sha256']), 'urn%3Aunknown')), 'request-untrusted');
    });
    it('signed with rsa-sha1 for real', async () => {
      await rejectsWith(redirect(redirectQuery(buildAuthnRequest(), 'rs', testKey('sp1'), 'rsa-sha1')), 'request-untrusted');
    });
    it('parameters re-encoded (same values, other percent-encoding)', async () => {
      const q = signed().replace(/RelayState=rs/, 'RelayState=%72s');
      await rejectsWith(redirect(q), 'request-untrusted');
      const q2 = signed().replace(/SAMLRequest=([^&]*)/, (_m, v: string) => `SAMLRequest=${v.replace(/%2B/g, '%2b')}`);
      if (q2 !== signed()) await rejectsWith(redirect(q2), 'request-untrusted');
    });
    it('signature moved into the XML of a Redirect request', async () => {
      const xml = signPost(buildAuthnRequest(), testKey('sp1'), testCert('sp1'));
      await rejectsWith(redirect(redirectQuery(xml, 'rs')), 'request-untrusted');
    });
    it('duplicate parameters refused', async () => {
      await rejectsWith(redirect(signed() + '&RelayState=x'), 'request-malformed');
    });
  });

  it('unsigned request where signed ones are required (POST): policy requireSignedAuthnRequests on an SP that allows unsigned', async () => {
    const h2 = await harness({ sps: { metadataDirs: ['tests/fixtures/metadata'], metadataUrls: [], policies: { [SP2]: { requireSignedAuthnRequests: true } } } });
    await rejectsWith(receiveAuthnRequest({ binding: 'post', body: postBody(buildAuthnRequest({ issuer: SP2, acsUrl: 'https://sp2.test/acs' })) }, { ...h2, replayCache: h2.replayCache, now: new Date() }), 'request-untrusted');
  });

  it('a present but bad signature is refused even where none is required', async () => {
    const xml = signPost(buildAuthnRequest({ issuer: SP2, acsUrl: 'https://sp2.test/acs' }), testKey('attacker'), testCert('attacker'));
    await rejectsWith(post(xml), 'request-untrusted');
  });
});
