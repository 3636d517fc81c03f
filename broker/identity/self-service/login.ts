// Citizen login to self-service through the broker itself (account-sp.ts): /account/login sends a
// signed AuthnRequest (rung 2 at least, persistent NameID); /account/login/pin does the same with
// ForceAuthn, so the selector is shown again even over a live SSO session (the e-mail change needs
// a fresh Cl@ve PIN login, seed 000 §2.4); /account/saml/acs verifies the Response with the IdP's
// certificates (audience, signed assertion, InResponseTo once across nodes, clock skew), reads the
// rung from the AuthnContextClassRef and the method from the Cl@ve SelectedIdP, finds the person
// from the pairwise NameID and starts a new self-service session.
import { randomBytes } from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import passport from 'passport';
import type { BrokerServices } from '../../services.js';
import { lowestRungForUri, uriForRung } from '../../loa.js';
import { NAMEID_FORMAT } from '../../saml/namespaces.js';
import { personOfPseudonym } from '../../store/pseudonyms.js';
import { html } from '../../web/html.js';
import { createLocalSpStrategy, type LoginClaim } from '../../admin/session/saml-login.js';
import { SELECTED_IDP } from './account-sp.js';
import { ACCOUNT_COOKIE, carriesAccountCsrf, endAccountSession, type LoginMethod } from './session.js';
import { startLocalSession } from '../../admin/session/local-session.js';

export const ACCOUNT_HOME = '/account/';
const METHODS: readonly LoginMethod[] = ['PIN24H', 'SEGSOC', 'CLVMOVIL', 'AFIRMA', 'EIDAS'];

/** the pages a login may come back to (RelayState): a self-service page, nothing else */
export function isAccountPath(path: unknown): path is string {
  return typeof path === 'string' && /^\/account\/(?:[a-z][a-z-]{0,30})?$/.test(path);
}

export function accountLoginRouter(services: BrokerServices): Router {
  const router = Router();
  const { pages, config: cfg } = services;
  const auth = new passport.Passport();
  const requested = uriForRung('2', 'eidas')!;
  // passport-saml bundles its own @types/express, so its Strategy type differs only nominally.
  // Both share the request-ID cache, so the ACS (strategy 'saml') accepts either's answer.
  auth.use('saml', createLocalSpStrategy(services, services.accountSp, requested, 'account-saml-request') as unknown as passport.Strategy);
  auth.use('saml-fresh', createLocalSpStrategy(services, services.accountSp, requested, 'account-saml-request', { forceAuthn: true }) as unknown as passport.Strategy);

  const refused = (req: Request, res: Response, status: number, messageKey: string) =>
    pages.send(req, res, {
      status,
      title: pages.t(res, 'account.login.refused'),
      body: html`<p class="error" role="alert">${pages.t(res, messageKey)}</p><p><a href="/account/login">${pages.t(res, 'account.login.again')}</a></p>`,
    });

  router.get('/saml/metadata', (_req, res) => {
    res.type('application/samlmetadata+xml').send(services.accountSp.metadataXml);
  });

  const checkReturn = (req: Request, res: Response, next: () => void) => {
    const back = req.query.RelayState;
    if (back !== undefined && !isAccountPath(back)) return refused(req, res, 400, 'account.login.badReturn');
    next();
  };
  router.get('/login', checkReturn, auth.authenticate('saml', { session: false }));
  router.get('/login/pin', checkReturn, auth.authenticate('saml-fresh', { session: false }));

  router.post('/saml/acs', express.urlencoded({ extended: false, limit: cfg.saml.maxMessageBytes * 2 }), (req: Request, res: Response, next) => {
    auth.authenticate('saml', { session: false }, (err: unknown, claim: LoginClaim | false) => {
      if (err || !claim) {
        // a bad signature, an unknown InResponseTo, or an IdP status such as RequestDenied for a
        // person who is not active (renounced, suspended)
        services.log.info({ reason: (err as Error | undefined)?.message ?? 'no assertion' }, 'self-service login refused');
        return refused(req, res, 401, 'account.login.failed');
      }
      (async () => {
        const rung = claim.classRef ? lowestRungForUri(claim.classRef) : undefined;
        const method = METHODS.find((m) => m === claim.attributes[SELECTED_IDP]);
        const personId = claim.nameIDFormat === NAMEID_FORMAT.persistent ? await personOfPseudonym(services.db, services.accountSp.entityID, claim.nameID) : undefined;
        const person = personId ? await services.identity.findById(personId) : undefined;
        if (!rung || !method || !person || person.status !== 'active') {
          services.log.info({ rung: !!rung, method: !!method, person: !!person }, 'self-service login refused');
          return refused(req, res, 403, 'account.login.unknown');
        }
        await startLocalSession(req, 'account', {
          personId: person.id,
          rung,
          method,
          authnInstant: claim.authnInstant ?? services.now().toISOString(),
          loggedInAt: services.now().getTime(),
          csrfToken: randomBytes(32).toString('base64url'),
        });
        await services.audit.record({ actor: `person:${person.id}`, action: 'account.login', subject: person.id, ip: req.ip, detail: { rung, method } });
        const back = (req.body as Record<string, unknown>).RelayState;
        res.redirect(303, isAccountPath(back) ? back : ACCOUNT_HOME);
      })().catch(next);
    })(req, res, next);
  });

  // ends the self-service session only; the broker's SSO session is the IdP's to end
  router.post('/logout', express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 5 }), (req, res, next) => {
    const login = req.session?.account;
    if (!login || !carriesAccountCsrf(req, login)) return void res.redirect(303, ACCOUNT_HOME);
    endAccountSession(req)
      .then(() => {
        res.clearCookie(ACCOUNT_COOKIE, { path: '/account' });
        pages.send(req, res, { title: pages.t(res, 'account.logout.done'), body: html`<p role="status">${pages.t(res, 'account.logout.text')}</p><p><a href="/account/login">${pages.t(res, 'account.login.again')}</a></p>` });
      })
      .catch(next);
  });
  return router;
}
