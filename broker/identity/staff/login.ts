// Staff login through the broker itself (issue 9): /staff/login sends a signed AuthnRequest from
// the staff SP (staff-sp.ts) for at least staff.minimumRung (eIDAS URI, Comparison minimum,
// persistent NameID); /staff/saml/acs verifies the Response as the management login does
// (createLocalSpStrategy), checks the rung reached, finds the person from the pairwise NameID,
// requires an active person holding some staff role, and starts a new session. Refusals are
// pages, as staff are people at a browser; each is logged and audited without personal data.
import { randomBytes } from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import passport from 'passport';
import type { BrokerServices } from '../../services.js';
import { lowestRungForUri, rungAtLeast, uriForRung, type LoaRung } from '../../loa.js';
import { NAMEID_FORMAT } from '../../saml/namespaces.js';
import { personOfPseudonym } from '../../store/pseudonyms.js';
import { html } from '../../web/html.js';
import { createLocalSpStrategy, type LoginClaim } from '../../admin/session/saml-login.js';
import { STAFF_COOKIE, carriesStaffCsrf } from './session.js';
import { startLocalSession } from '../../admin/session/local-session.js';
import type { StaffRegistry } from './roles.js';

/** The staff home page, where a login lands unless it came from a console. */
export const STAFF_HOME = '/staff/';

/** the paths a login may come back to (RelayState): a console's first page, nothing else */
export function isConsolePath(path: unknown): path is string {
  return typeof path === 'string' && /^\/staff\/[a-z][a-z-]{0,30}\/$/.test(path);
}

type Refusal = { readonly reason: 'rung-too-low' | 'nameid-not-persistent' | 'unknown-person' | 'inactive' | 'no-role' };

async function admit(services: BrokerServices, staff: StaffRegistry, claim: LoginClaim): Promise<{ personId: string; rung: LoaRung } | Refusal> {
  const rung = claim.classRef ? lowestRungForUri(claim.classRef) : undefined;
  if (!rung || !rungAtLeast(rung, services.config.staff.minimumRung)) return { reason: 'rung-too-low' };
  if (claim.nameIDFormat !== NAMEID_FORMAT.persistent) return { reason: 'nameid-not-persistent' };
  const personId = await personOfPseudonym(services.db, services.staffSp.entityID, claim.nameID);
  if (!personId) return { reason: 'unknown-person' };
  const person = await services.identity.findById(personId);
  if (person?.status !== 'active') return { reason: 'inactive' };
  if ((await staff.rolesOf(personId)).length === 0) return { reason: 'no-role' };
  return { personId, rung };
}

export function staffLoginRouter(services: BrokerServices, staff: StaffRegistry): Router {
  const router = Router();
  const { pages, config: cfg } = services;
  const requested = uriForRung(cfg.staff.minimumRung, 'eidas');
  if (!requested) throw new TypeError(`staff.minimumRung ${cfg.staff.minimumRung} has no eIDAS URI`);
  const auth = new passport.Passport();
  // passport-saml bundles its own @types/express, so its Strategy type differs only nominally.
  auth.use('saml', createLocalSpStrategy(services, services.staffSp, requested, 'staff-saml-request') as unknown as passport.Strategy);

  const refused = (req: Request, res: Response, status: number, messageKey: string) =>
    pages.send(req, res, {
      status,
      title: pages.t(res, 'staff.login.refused'),
      body: html`<p class="error" role="alert">${pages.t(res, messageKey, { rung: cfg.staff.minimumRung })}</p><p><a href="/staff/login">${pages.t(res, 'staff.login.again')}</a></p>`,
    });

  router.get('/saml/metadata', (_req, res) => {
    res.type('application/samlmetadata+xml').send(services.staffSp.metadataXml);
  });

  router.get(
    '/login',
    (req, res, next) => {
      const back = req.query.RelayState;
      if (back !== undefined && !isConsolePath(back)) return refused(req, res, 400, 'staff.login.badReturn');
      next();
    },
    auth.authenticate('saml', { session: false }),
  );

  router.post('/saml/acs', express.urlencoded({ extended: false, limit: cfg.saml.maxMessageBytes * 2 }), (req: Request, res: Response, next) => {
    auth.authenticate('saml', { session: false }, (err: unknown, user: LoginClaim | false) => {
      if (err || !user) {
        // a bad signature, an unknown InResponseTo, or an IdP status such as NoAuthnContext
        services.log.info({ reason: (err as Error | undefined)?.message ?? 'no assertion' }, 'staff login refused');
        return refused(req, res, 401, 'staff.login.failed');
      }
      admit(services, staff, user)
        .then(async (admitted) => {
          if ('reason' in admitted) {
            services.log.info({ reason: admitted.reason }, 'staff login refused');
            await services.audit.record({ actor: 'anonymous', action: 'staff.login.refused', ip: req.ip, detail: { reason: admitted.reason } });
            return refused(req, res, 403, admitted.reason === 'rung-too-low' ? 'staff.login.rungTooLow' : admitted.reason === 'no-role' ? 'staff.login.noRole' : 'staff.login.unknown');
          }
          await startLocalSession(req, 'staff', {
            personId: admitted.personId,
            rung: admitted.rung,
            authnInstant: user.authnInstant ?? services.now().toISOString(),
            loggedInAt: services.now().toISOString(),
            csrfToken: randomBytes(32).toString('base64url'),
          });
          await services.audit.record({ actor: `person:${admitted.personId}`, action: 'staff.login', subject: admitted.personId, ip: req.ip, detail: { rung: admitted.rung } });
          const back = (req.body as Record<string, unknown>).RelayState;
          res.redirect(303, isConsolePath(back) ? back : STAFF_HOME);
        })
        .catch(next);
    })(req, res, next);
  });

  // ends the console session only; the broker's SSO session is the IdP's to end
  router.post('/logout', express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 5 }), (req, res, next) => {
    const login = req.session?.staff;
    if (!login || !carriesStaffCsrf(req, login)) return void res.redirect(303, STAFF_HOME);
    req.session.destroy((err) => {
      if (err) return next(err);
      res.clearCookie(STAFF_COOKIE, { path: '/staff' });
      pages.send(req, res, { title: pages.t(res, 'staff.logout.done'), body: html`<p role="status">${pages.t(res, 'staff.logout.text')}</p><p><a href="/staff/login">${pages.t(res, 'staff.login.again')}</a></p>` });
    });
  });
  return router;
}
