// saml-attacks.md "logout": unsigned and replayed LogoutRequests, plus the signature cases that
// matter most for logout (wrong key, unsigned LogoutResponse).
import { receiveLogoutMessage } from '../../broker/saml/receive-logout.js';
import { buildLogoutRequest, buildLogoutResponse, postBody, redirectQuery, signPost, testCert, testKey } from '../helpers/sign-request.js';
import { harness, rejectsWith, SP2, type Harness } from '../unit/saml-in/harness.js';

describe('security: inbound logout attacks', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  const deps = () => ({ registry: h.registry, cfg: h.cfg, replayCache: h.replayCache, now: new Date() });

  it('unsigned LogoutRequest (POST) refused, even from an SP that may send unsigned AuthnRequests', async () => {
    await rejectsWith(receiveLogoutMessage({ binding: 'post', body: postBody(buildLogoutRequest()) }, deps()), 'request-untrusted');
    await rejectsWith(receiveLogoutMessage({ binding: 'post', body: postBody(buildLogoutRequest({ issuer: SP2 })) }, deps()), 'request-untrusted');
  });
  it('unsigned LogoutRequest (Redirect) refused', async () => {
    await rejectsWith(receiveLogoutMessage({ binding: 'redirect', rawQuery: redirectQuery(buildLogoutRequest(), 'rs') }, deps()), 'request-untrusted');
  });
  it('unsigned LogoutResponse refused', async () => {
    await rejectsWith(receiveLogoutMessage({ binding: 'redirect', rawQuery: redirectQuery(buildLogoutResponse(), undefined, undefined, 'rsa-sha256', 'SAMLResponse') }, deps()), 'request-untrusted');
  });
  it('replayed LogoutRequest refused', async () => {
    const body = postBody(signPost(buildLogoutRequest(), testKey('sp1'), testCert('sp1')));
    await receiveLogoutMessage({ binding: 'post', body }, deps());
    await rejectsWith(receiveLogoutMessage({ binding: 'post', body }, deps()), 'request-rejected');
  });
  it('replayed Redirect LogoutRequest refused', async () => {
    const rawQuery = redirectQuery(buildLogoutRequest(), 'rs', testKey('sp1'));
    await receiveLogoutMessage({ binding: 'redirect', rawQuery }, deps());
    await rejectsWith(receiveLogoutMessage({ binding: 'redirect', rawQuery }, deps()), 'request-rejected');
  });
  it('LogoutRequest signed by a key not in the SP metadata refused', async () => {
    await rejectsWith(receiveLogoutMessage({ binding: 'post', body: postBody(signPost(buildLogoutRequest(), testKey('attacker'), testCert('attacker'))) }, deps()), 'request-untrusted');
  });
  it('request wrap: a signed LogoutRequest nested in an attacker LogoutRequest with another NameID', async () => {
    const genuine = signPost(buildLogoutRequest({ nameID: 'victim' }), testKey('sp1'), testCert('sp1'));
    const evil = buildLogoutRequest({ nameID: 'someone-else' }).replace('</saml:Issuer>', `</saml:Issuer><samlp:Extensions>${genuine}</samlp:Extensions>`);
    await rejectsWith(receiveLogoutMessage({ binding: 'post', body: postBody(evil) }, deps()), 'request-malformed');
  });
});
