// The users section (seed 004 §3), for administrators of the organisation in the address:
//   GET  /                     overview, search, exports          listMembers
//   GET  /:memberId            detail with mandates               getMember (+ listServices for names)
//   GET/POST /new              add a user with document copies     addMember, attachDocument (add.ts)
//   role, level, contact, activation                              change.ts
//   GET/POST /:memberId/document  another copy while awaiting approval  attachDocument (document.ts)
//   GET/POST /:memberId/link   link to other organisations         addMember (link.ts)
//   GET/POST /:memberId/end[/confirm]  end the means               endMember per organisation (end.ts)
import type { Request, Response } from 'express';
import type { AdminSection } from '../section.js';
import { usersMessages } from '../messages/users.js';
import { usersOverview } from './overview.js';
import { userDetail } from './detail.js';
import { mountChanges } from './change.js';
import { addUser, addUserForm } from './add.js';
import { mountLink } from './link.js';
import { mountEnd } from './end.js';
import { mountDocument } from './document.js';
import { currentOrganisation } from '../context.js';
import { bodyTooLargeShowsForm } from '../multipart.js';
import { uploadTooLarge } from './common.js';

export const usersSection: AdminSection = {
  id: 'users',
  scope: 'organisation',
  nav: { labelKey: 'users.nav' },
  messages: usersMessages,
  mount(router, deps) {
    router.get('/', (req, res) => usersOverview(req, res, deps));
    router.get('/new', (req, res) => addUserForm(req, res, deps, {}, [currentOrganisation(res).id], {}));
    router.post('/new', deps.multipartForm, (req: Request, res: Response) => addUser(req, res, deps), bodyTooLargeShowsForm((req, res) => addUserForm(req, res, deps, {}, [currentOrganisation(res).id], { document: uploadTooLarge(res, deps) }, 413)));
    mountChanges(router, deps);
    mountLink(router, deps);
    mountDocument(router, deps);
    mountEnd(router, deps);
    router.get('/:memberId', (req, res) => userDetail(req, res, deps));
  },
};
