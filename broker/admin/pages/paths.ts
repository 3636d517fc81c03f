// Addresses of the management pages, in one place: sections link to each other's pages through
// these (the users' detail links to the mandates section's extend page), never by hand-built strings.
export const ADMIN_HOME = '/admin/';

const org = (organisationId: string) => `/admin/o/${encodeURIComponent(organisationId)}`;

export const paths = {
  home: ADMIN_HOME,
  login: (back: string) => `/admin/login?RelayState=${encodeURIComponent(back)}`,
  logout: '/admin/logout',
  switchOrganisation: '/admin/switch',
  section: (organisationId: string, section: string) => `${org(organisationId)}/${section}`,
  personSection: (section: string) => `/admin/${section}`,

  users: (organisationId: string) => `${org(organisationId)}/users`,
  newUser: (organisationId: string) => `${org(organisationId)}/users/new`,
  user: (organisationId: string, memberId: string) => `${org(organisationId)}/users/${encodeURIComponent(memberId)}`,
  userAction: (organisationId: string, memberId: string, action: 'role' | 'level' | 'contact' | 'end' | 'link' | 'activation' | 'document') =>
    `${org(organisationId)}/users/${encodeURIComponent(memberId)}/${action}`,
  /** the mandates section's page that extends one mandate (H7's mandates section serves it) */
  extendMandate: (organisationId: string, mandateId: string) => `${org(organisationId)}/mandates/${encodeURIComponent(mandateId)}/extend`,
  exportMembers: (organisationId: string, format: 'csv' | 'xlsx') => `/admin/api/organisations/${encodeURIComponent(organisationId)}/exports/members?format=${format}`,
  exportMandates: (organisationId: string, format: 'csv' | 'xlsx') => `/admin/api/organisations/${encodeURIComponent(organisationId)}/exports/mandates?format=${format}`,
  exportChainMandates: (organisationId: string, direction: 'given' | 'received', format: 'csv' | 'xlsx') => `/admin/api/organisations/${encodeURIComponent(organisationId)}/exports/chain-mandates/${direction}?format=${format}`,
  exportLoginHistory: (format: 'csv' | 'xlsx') => `/admin/api/me/exports/login-history?format=${format}`,

  profile: '/admin/profile',
  loginHistory: '/admin/profile/history',
};

/**
 * Pages a login may come back to (the login's RelayState): the management pages and the
 * activation link, never the API, the SAML endpoints or another site. Paths only, no query.
 */
export function isPageReturnPath(path: unknown): path is string {
  return (
    typeof path === 'string' &&
    path.length <= 200 &&
    /^\/admin\/(?:[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_-]+)*)?$/.test(path) &&
    !/^\/admin\/(?:api|saml|login|logout)(?:\/|$)/.test(path)
  );
}
