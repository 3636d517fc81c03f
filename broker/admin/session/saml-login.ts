// Administrator login through the broker itself: the management module is an SP of our own IdP
// (passport + @node-saml/passport-saml). /admin/login sends a signed AuthnRequest asking for at
// least the administrators' rung (eHerkenning URI, Comparison minimum, persistent NameID);
// /admin/saml/acs verifies the Response with the IdP's signing certificates (audience, signed
// assertion, InResponseTo through the ephemeral store, clock skew), checks the rung reached,
// finds the person from the pairwise NameID and starts a new session.
import { randomBytes } from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import passport from 'passport';
import { Strategy as SamlStrategy, ValidateInResponseTo, type Profile, type VerifiedCallback } from '@node-saml/passport-saml';
import type { BrokerServices } from '../../services.js';
import { lowestRungForUri, rungAtLeast, uriForRung, type LoaRung } from '../../loa.js';
import { NAMEID_FORMAT } from '../../saml/namespaces.js';
import { toPem } from '../../saml/sp-metadata.js';
import { personOfPseudonym } from '../../store/pseudonyms.js';
import { sendApiError } from '../api-error.js';
import { ephemeralRequestIdCache } from './request-id-cache.js';
import { startLocalSession } from './local-session.js';
import { isActivationPath } from './activation-page.js';
import { isPageReturnPath } from '../pages/paths.js';

/** the pages a login may come back to (RelayState): the activation link and the management pages */
const isReturnPath = (path: unknown): path is string => isActivationPath(path) || isPageReturnPath(path);

/** Where a browser lands after a successful login (unless it came from the activation link): the session's own description. */
export const AFTER_LOGIN = '/admin/api/session';

interface AssertionView {
  Assertion?: { AuthnStatement?: { $?: { AuthnInstant?: string }; AuthnContext?: { AuthnContextClassRef?: (string | { _: string })[] }[] }[] };
}

export interface LoginClaim {
  readonly nameID: string;
  readonly nameIDFormat: string;
  readonly classRef: string | undefined;
  readonly authnInstant: string | undefined;
  /** the assertion's attributes by Name (what the SP's policy released) */
  readonly attributes: Readonly<Record<string, unknown>>;
}

function claimOf(profile: Profile): LoginClaim {
  const statement = (profile.getAssertion?.() as AssertionView | undefined)?.Assertion?.AuthnStatement?.[0];
  const ref = statement?.AuthnContext?.[0]?.AuthnContextClassRef?.[0];
  return {
    nameID: profile.nameID,
    nameIDFormat: profile.nameIDFormat,
    classRef: typeof ref === 'string' ? ref : ref?._,
    authnInstant: statement?.$?.AuthnInstant,
    attributes: (profile.attributes as Record<string, unknown> | undefined) ?? {},
  };
}

/** The broker's own SP as passport-saml needs it (the management SP, the staff consoles' SP). */
export interface LocalSp {
  readonly entityID: string;
  readonly acsUrl: string;
  readonly keyPem: string;
  readonly certPem: string;
}

/**
 * A passport-saml strategy for one of the broker's own SPs: a signed AuthnRequest for at least
 * `requested` (a LoA URI) with a persistent NameID; the Response verified with the IdP's
 * certificates, InResponseTo single use in the ephemeral store under `requestIdPrefix`.
 * `forceAuthn`: the IdP authenticates again even over a live SSO session.
 */
export function createLocalSpStrategy(services: BrokerServices, sp: LocalSp, requested: string, requestIdPrefix: string, opts: { readonly forceAuthn?: boolean } = {}): SamlStrategy {
  const cfg = services.config;
  const { keys } = services;
  const idpCerts = [keys.certPem, ...(keys.nextCertBase64 ? [toPem(keys.nextCertBase64)] : [])];
  return new SamlStrategy(
    {
      issuer: sp.entityID,
      callbackUrl: sp.acsUrl,
      entryPoint: `${cfg.publicUrl}/saml/sso`,
      idpIssuer: `${cfg.publicUrl}/saml/metadata`,
      idpCert: idpCerts,
      privateKey: sp.keyPem,
      publicCert: sp.certPem,
      signatureAlgorithm: 'sha256',
      digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
      identifierFormat: NAMEID_FORMAT.persistent,
      authnContext: [requested],
      racComparison: 'minimum',
      forceAuthn: opts.forceAuthn ?? false,
      audience: sp.entityID,
      wantAssertionsSigned: true,
      wantAuthnResponseSigned: true,
      validateInResponseTo: ValidateInResponseTo.always,
      requestIdExpirationPeriodMs: cfg.flow.transactionTtlSeconds * 1000,
      cacheProvider: ephemeralRequestIdCache(services.ephemeral, cfg.flow.transactionTtlSeconds * 1000, services.now, requestIdPrefix),
      acceptedClockSkewMs: cfg.saml.clockSkewSeconds * 1000,
      authnRequestBinding: 'HTTP-Redirect',
    },
    (profile: Profile | null, done: VerifiedCallback) => (profile ? done(null, claimOf(profile) as unknown as Record<string, unknown>) : done(new Error('no profile'))),
    (_profile: Profile | null, done: VerifiedCallback) => done(null),
  );
}

type Refusal = { readonly status: number; readonly reason: string; readonly message: string };

async function admit(services: BrokerServices, claim: LoginClaim): Promise<{ personId: string; rung: LoaRung } | Refusal> {
  const cfg = services.config;
  const rung = claim.classRef ? lowestRungForUri(claim.classRef) : undefined;
  if (!rung || !rungAtLeast(rung, cfg.mandates.adminMinimumRung)) {
    return { status: 403, reason: 'rung-too-low', message: `the management module needs a login at level ${cfg.mandates.adminMinimumRung} or higher` };
  }
  if (claim.nameIDFormat !== NAMEID_FORMAT.persistent) return { status: 403, reason: 'nameid-not-persistent', message: 'the login did not identify a person' };
  const personId = await personOfPseudonym(services.db, services.adminSp.entityID, claim.nameID);
  if (!personId) return { status: 403, reason: 'unknown-person', message: 'the login did not identify a person' };
  return { personId, rung };
}

export function samlLoginRouter(services: BrokerServices): Router {
  const router = Router();
  const auth = new passport.Passport();
  // passport-saml bundles its own @types/express, so its Strategy type differs only nominally.
  const requested = uriForRung(services.config.mandates.adminMinimumRung, 'eherkenning');
  if (!requested) throw new TypeError(`mandates.adminMinimumRung ${services.config.mandates.adminMinimumRung} has no eHerkenning URI`);
  auth.use('saml', createLocalSpStrategy(services, services.adminSp, requested, 'admin-saml-request') as unknown as passport.Strategy);

  router.get('/saml/metadata', (_req, res) => {
    res.type('application/samlmetadata+xml').send(services.adminSp.metadataXml);
  });

  // RelayState (passport-saml reads it from the query) may only bring the person back to a page of
  // this module: the activation link or a management page
  router.get(
    '/login',
    (req, res, next) => {
      const back = req.query.RelayState;
      if (back !== undefined && !isReturnPath(back)) return sendApiError(res, 400, 'bad-request', 'RelayState names no page of the management module');
      next();
    },
    auth.authenticate('saml', { session: false }),
  );

  router.post('/saml/acs', express.urlencoded({ extended: false, limit: services.config.saml.maxMessageBytes * 2 }), (req: Request, res: Response, next) => {
    auth.authenticate('saml', { session: false }, (err: unknown, user: LoginClaim | false) => {
      if (err || !user) {
        // a bad signature, an unknown InResponseTo, or an IdP status such as NoAuthnContext
        services.log.info({ reason: (err as Error | undefined)?.message ?? 'no assertion' }, 'management login refused');
        return sendApiError(res, 401, 'login-failed', 'the login through the broker did not succeed; start again at /admin/login');
      }
      admit(services, user)
        .then(async (admitted) => {
          if ('status' in admitted) {
            services.log.info({ reason: admitted.reason }, 'management login refused');
            return sendApiError(res, admitted.status, 'login-refused', admitted.message, { reason: admitted.reason });
          }
          await startLocalSession(req, 'admin', {
            personId: admitted.personId,
            rung: admitted.rung,
            authnInstant: user.authnInstant ?? services.now().toISOString(),
            loggedInAt: services.now().toISOString(),
            csrfToken: randomBytes(32).toString('base64url'),
          });
          await services.audit.record({ actor: `person:${admitted.personId}`, action: 'admin.login', subject: admitted.personId, ip: req.ip, detail: { rung: admitted.rung } });
          const back = (req.body as Record<string, unknown>).RelayState;
          res.redirect(303, isReturnPath(back) ? back : AFTER_LOGIN);
        })
        .catch(next);
    })(req, res, next);
  });

  return router;
}
