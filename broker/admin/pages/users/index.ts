// The users section (seed 004 §3), for administrators of the organisation in the address:
//   GET  /                     overview, search, exports          listMembers
//   GET  /:memberId            detail with mandates               getMember (+ listServices for names)
//   role, level, contact, activation                              change.ts
import type { AdminSection } from '../section.js';
import { usersMessages } from '../messages/users.js';
import { usersOverview } from './overview.js';
import { userDetail } from './detail.js';
import { mountChanges } from './change.js';

export const usersSection: AdminSection = {
  id: 'users',
  scope: 'organisation',
  nav: { labelKey: 'users.nav' },
  messages: usersMessages,
  mount(router, deps) {
    router.get('/', (req, res) => usersOverview(req, res, deps));
    mountChanges(router, deps);
    router.get('/:memberId', (req, res) => userDetail(req, res, deps));
  },
};
