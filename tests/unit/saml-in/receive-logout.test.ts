import assert from 'node:assert/strict';
import { receiveLogoutMessage } from '../../../broker/saml/receive-logout.js';
import { buildLogoutRequest, buildLogoutResponse, postBody, redirectQuery, signPost, testCert, testKey } from '../../helpers/sign-request.js';
import { harness, rejectsWith, SP1, type Harness } from './harness.js';

describe('receiveLogoutMessage', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  const deps = () => ({ registry: h.registry, cfg: h.cfg, replayCache: h.replayCache, now: new Date() });
  const sign = (xml: string) => signPost(xml, testKey('sp1'), testCert('sp1'));

  it('signed POST LogoutRequest → verified view', async () => {
    const r = await receiveLogoutMessage({ binding: 'post', body: postBody(sign(buildLogoutRequest({ id: 'ID_lo', nameID: 'abc', sessionIndexes: ['s1', 's2'] })), 'kc-session') }, deps());
    assert.equal(r.kind, 'LogoutRequest');
    if (r.kind !== 'LogoutRequest') return;
    assert.equal(r.view.id, 'ID_lo');
    assert.equal(r.view.issuer, SP1);
    assert.equal(r.view.nameID, 'abc');
    assert.equal(r.view.nameIDFormat, 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent');
    assert.deepEqual(r.view.sessionIndexes, ['s1', 's2']);
    assert.equal(r.relayState, 'kc-session');
    assert.equal(r.sp.entityID, SP1);
  });

  it('signed Redirect LogoutRequest and LogoutResponse', async () => {
    const r1 = await receiveLogoutMessage({ binding: 'redirect', rawQuery: redirectQuery(buildLogoutRequest(), 'rs', testKey('sp1')) }, deps());
    assert.equal(r1.kind, 'LogoutRequest');
    const r2 = await receiveLogoutMessage({ binding: 'redirect', rawQuery: redirectQuery(buildLogoutResponse({ inResponseTo: 'ID_ours' }), undefined, testKey('sp1'), 'rsa-sha256', 'SAMLResponse') }, deps());
    assert.equal(r2.kind, 'LogoutResponse');
    if (r2.kind === 'LogoutResponse') {
      assert.equal(r2.view.inResponseTo, 'ID_ours');
      assert.equal(r2.view.statusCode, 'urn:oasis:names:tc:SAML:2.0:status:Success');
    }
  });

  it('Destination must be our SLO endpoint, and present', async () => {
    await rejectsWith(receiveLogoutMessage({ binding: 'post', body: postBody(sign(buildLogoutRequest({ destination: 'http://localhost:8080/saml/sso' }))) }, deps()), 'request-untrusted');
    await rejectsWith(receiveLogoutMessage({ binding: 'post', body: postBody(sign(buildLogoutRequest({ destination: null }))) }, deps()), 'request-untrusted');
  });

  it('expired NotOnOrAfter refused', async () => {
    await rejectsWith(receiveLogoutMessage({ binding: 'post', body: postBody(sign(buildLogoutRequest({ notOnOrAfter: new Date(Date.now() - 120_000) }))) }, deps()), 'request-rejected');
  });
});
