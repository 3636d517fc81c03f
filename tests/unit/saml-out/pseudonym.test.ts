import assert from 'node:assert/strict';
import { derivePairwisePseudonym, randomTransientId } from '../../../broker/saml/pseudonym.js';

describe('saml-out pseudonym: persistent (core §8.3.7) and transient (§8.3.8) NameIDs', () => {
  const secret = 'a-secret-of-at-least-16';
  it('is stable for the same person, SP and version', () => {
    assert.equal(derivePairwisePseudonym(secret, 1, 'sp-a', 'p1'), derivePairwisePseudonym(secret, 1, 'sp-a', 'p1'));
  });
  it('is pairwise: differs per SP and per person', () => {
    const a = derivePairwisePseudonym(secret, 1, 'sp-a', 'p1');
    assert.notEqual(a, derivePairwisePseudonym(secret, 1, 'sp-b', 'p1'));
    assert.notEqual(a, derivePairwisePseudonym(secret, 1, 'sp-a', 'p2'));
    // the join is unambiguous
    assert.notEqual(derivePairwisePseudonym(secret, 1, 'sp-a', 'p1x'), derivePairwisePseudonym(secret, 1, 'sp-ap', '1x'));
  });
  it('carries its version and a base64url HMAC-SHA256 (43 chars), so rotation is visible and never collides', () => {
    const v1 = derivePairwisePseudonym(secret, 1, 'sp-a', 'p1');
    const v2 = derivePairwisePseudonym('another-secret-0123', 2, 'sp-a', 'p1');
    assert.match(v1, /^1\.[A-Za-z0-9_-]{43}$/);
    assert.match(v2, /^2\.[A-Za-z0-9_-]{43}$/);
    assert.notEqual(v1.slice(2), v2.slice(2));
  });
  it('refuses a non-positive version', () => {
    assert.throws(() => derivePairwisePseudonym(secret, 0, 'sp', 'p'), TypeError);
  });
  it('transient ids are random 160-bit hex', () => {
    const a = randomTransientId();
    assert.match(a, /^_[0-9a-f]{40}$/);
    assert.notEqual(a, randomTransientId());
  });
});
