// The Mandates section of the management pages (seed 004 §4), mounted by the shell at
// /admin/o/<organisationId>/mandates for the organisation's administrators.
// Page → registry method (the one its API route calls):
//   GET  /                               listMandates
//   GET  /scope/:scope                   listMandates
//   GET  /add?step=…, POST /add/step     listServices, listMembers (the wizard's steps read)
//   POST /add                            grantMandates     (POST   /api/organisations/:id/mandates)
//   GET|POST /:mandateId/end, /extend    setMandateEnd     (PUT    /api/organisations/:id/mandates/:mandateId/end)
//   GET|POST /:mandateId/revoke          revokeMandate     (DELETE /api/organisations/:id/mandates/:mandateId)
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { AdminSection, SectionDeps } from '../section.js';
import { mandatesMessages } from '../messages/mandates.js';
import { overviewPage, scopePage } from './overview.js';
import { confirmWizard, wizardPage, wizardStep } from './wizard.js';
import { changeEnd, endForm, revoke, revokeForm, withMandate } from './one-mandate.js';
import { MAX_MEMBERS, MAX_SCOPES } from './wizard-state.js';

const page = (deps: SectionDeps, handler: (req: Request, res: Response, deps: SectionDeps, next: () => void) => Promise<void>): RequestHandler => (req, res, next) =>
  void handler(req, res, deps, next).catch(next);

export const mandatesSection: AdminSection = {
  id: 'mandates',
  scope: 'organisation',
  nav: { labelKey: 'mandates.nav' },
  messages: mandatesMessages,
  mount(router, deps) {
    // the steps and the confirmation carry every chosen service and member: parsed here with the API's bounds
    // before deps.form, whose parser then leaves the parsed body alone and checks the CSRF token
    const wizardBody = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: MAX_SCOPES + MAX_MEMBERS + 10 });
    router.get('/', page(deps, overviewPage));
    router.get('/scope/:scope', page(deps, scopePage));
    router.get('/add', page(deps, wizardPage));
    router.post('/add/step', wizardBody, deps.form, page(deps, wizardStep));
    router.post('/add', wizardBody, deps.form, page(deps, confirmWizard));
    router.get('/:mandateId/end', withMandate(deps, endForm(false)));
    router.post('/:mandateId/end', deps.form, withMandate(deps, changeEnd(false)));
    router.get('/:mandateId/extend', withMandate(deps, endForm(true)));
    router.post('/:mandateId/extend', deps.form, withMandate(deps, changeEnd(true)));
    router.get('/:mandateId/revoke', withMandate(deps, revokeForm));
    router.post('/:mandateId/revoke', deps.form, withMandate(deps, revoke));
  },
};
