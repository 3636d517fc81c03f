// Citizen self-service under /account (issue 9, seed 000 §2.3–2.6): the login through the broker
// (login.ts), then, behind requireAccount, one router per procedure in the order the seed lists
// them: the overview (registration, device, login history), the e-mail after a PIN login, the
// mobile and the higher level with a certificate, a new Permanente activation code, renunciation.
import { Router } from 'express';
import type { BrokerServices } from '../../services.js';
import { accountSession } from './session.js';
import { accountLoginRouter } from './login.js';
import { requireAccount } from './require-account.js';
import { renderOverview } from './overview.js';
import { changeEmailRouter } from './change-email.js';
import { changeMobileRouter } from './change-mobile.js';
import { certificateStepRouter } from './certificate-step.js';
import { raiseWithCertificate, upgradeRouter } from './upgrade.js';
import { activationCodeRouter } from './activation-code.js';
import { renounceRouters } from './renounce-pages.js';

export function createAccountRouter(services: BrokerServices): Router {
  const router = Router();
  const mobile = changeMobileRouter(services);
  const renunciation = renounceRouters(services);
  router.use(accountSession(services));
  router.use(accountLoginRouter(services));
  // the proof's download needs no session: the person it belonged to cannot log in any more
  router.use(renunciation.proofOnly);
  router.use(requireAccount(services));
  router.get('/', (req, res) => renderOverview(services, req, res));
  router.use(changeEmailRouter(services));
  router.use(mobile.router);
  router.use(upgradeRouter(services));
  router.use(certificateStepRouter(services, { mobile: async (req, res) => mobile.form(req, res), upgrade: (req, res, proof) => raiseWithCertificate(services, req, res, proof) }));
  router.use(activationCodeRouter(services));
  router.use(renunciation.pages);
  return router;
}
