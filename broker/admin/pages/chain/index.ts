// The Chain mandates section of the management pages (seed 004 §5), mounted by the shell at
// /admin/o/<organisationId>/chain for the organisation's administrators.
// Page → registry method (the one its API route calls):
//   GET  /                                listChainMandatesGiven    (GET    /api/organisations/:id/chain-mandates/given)
//   GET  /received                        listChainMandatesReceived (GET    /api/organisations/:id/chain-mandates/received)
//   GET|POST /add                         grantChainMandates        (POST   /api/organisations/:id/chain-mandates/given)
//   GET|POST /intermediaries/:id/remove   removeIntermediary        (DELETE /api/organisations/:id/chain-mandates/intermediaries/:id)
import type { Request, RequestHandler, Response } from 'express';
import type { AdminSection, SectionDeps } from '../section.js';
import { chainMessages } from '../messages/chain.js';
import { givenPage, receivedPage } from './lists.js';
import { add, addPage } from './add.js';
import { remove, removeForm, withIntermediary } from './remove.js';

const page = (deps: SectionDeps, handler: (req: Request, res: Response, deps: SectionDeps) => Promise<void>): RequestHandler => (req, res, next) => void handler(req, res, deps).catch(next);

export const chainSection: AdminSection = {
  id: 'chain',
  scope: 'organisation',
  nav: { labelKey: 'chain.nav' },
  messages: chainMessages,
  mount(router, deps) {
    router.get('/', page(deps, givenPage));
    router.get('/received', page(deps, receivedPage));
    router.get('/add', page(deps, addPage));
    router.post('/add', deps.form, page(deps, add));
    router.get('/intermediaries/:intermediaryId/remove', withIntermediary(deps, removeForm));
    router.post('/intermediaries/:intermediaryId/remove', deps.form, withIntermediary(deps, remove));
  },
};
