// Where a management login may come back to (its RelayState): a management page or the activation
// link, nothing else — no other site, no API or SAML endpoint, no path tricks.
import assert from 'node:assert/strict';
import { isPageReturnPath } from '../../../broker/admin/pages/paths.js';

describe('management pages: the login\'s return path', () => {
  it('accepts the pages', () => {
    for (const p of ['/admin/', '/admin/profile', '/admin/profile/history', '/admin/o/5f0c1f0e-8a2b-4c3d-9e4f-001122334455/users', '/admin/o/5f0c1f0e-8a2b-4c3d-9e4f-001122334455/users/new']) {
      assert.equal(isPageReturnPath(p), true, p);
    }
  });
  it('refuses other sites, other parts of the broker, the API, the SAML endpoints and path tricks', () => {
    for (const p of ['https://evil.test/admin/', '//evil.test/admin/', '/admin', '/admin//evil', '/admin/../saml/sso', '/admin/api/session', '/admin/saml/acs', '/admin/login', '/admin/logout', '/admin/o/x?next=//evil', '/admin/o/x#y', '/admin/%2e%2e/x', '/saml/sso', '/admin/\\evil', `/admin/${'a'.repeat(200)}`, 42, undefined]) {
      assert.equal(isPageReturnPath(p), false, String(p));
    }
  });
});
