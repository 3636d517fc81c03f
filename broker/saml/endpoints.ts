// The SP-facing HTTP endpoints of the identity provider: metadata, SSO and SLO on both bindings.
// Each hands a verified message to the login flow; nothing here reads an unverified message.
import express, { Router, type Request } from 'express';
import type { BrokerServices } from '../services.js';
import type { HandBackDeps } from '../flow/hand-back.js';
import { openLogin } from '../flow/open-login.js';
import { resumeLogout, startLogout } from '../flow/logout.js';
import { receiveAuthnRequest } from './receive-authn-request.js';
import { receiveLogoutMessage } from './receive-logout.js';
import { buildIdpMetadata } from './idp-metadata.js';
import { idpEntityID, sloUrl, ssoUrl } from './addresses.js';
import { STATUS } from './namespaces.js';
import type { LoaRung } from '../loa.js';

/** The raw query string exactly as received: the Redirect binding signs these octets. */
function rawQuery(req: Request): string {
  const url = req.originalUrl;
  const i = url.indexOf('?');
  return i < 0 ? '' : url.slice(i + 1);
}

export function reachableRungs(services: BrokerServices): LoaRung[] {
  const rungs = new Set<LoaRung>();
  for (const c of services.connectors) {
    for (const level of ['basic', 'advanced'] as const) {
      const r = services.config.loa.methodRungs[c.id]?.[level];
      if (r) rungs.add(r);
    }
  }
  return [...rungs];
}

export function samlRouter(deps: HandBackDeps): Router {
  const { services } = deps;
  const cfg = services.config;
  const router = Router();
  // Base64 makes a message a third larger; the decoders enforce maxMessageBytes on the decoded XML.
  const form = express.urlencoded({ extended: false, limit: Math.ceil(cfg.saml.maxMessageBytes * 1.4) + 4096, parameterLimit: 10 });

  router.get('/saml/metadata', (_req, res) => {
    const xml = buildIdpMetadata(
      {
        entityID: idpEntityID(cfg),
        ssoUrl: ssoUrl(cfg),
        sloUrl: sloUrl(cfg),
        signingCertBase64: services.keys.certBase64,
        nextSigningCertBase64: services.keys.nextCertBase64,
        reachableRungs: reachableRungs(services),
        wantAuthnRequestsSigned: cfg.sps.defaultPolicy.requireSignedAuthnRequests,
        validUntil: new Date(services.now().getTime() + cfg.saml.metadataValidDays * 86_400_000),
        cacheDuration: cfg.saml.metadataCacheDuration,
      },
      services.keys,
      services.now(),
    );
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.type('application/samlmetadata+xml').send(xml);
  });

  const sso = async (req: Request, res: express.Response) => {
    const input = req.method === 'GET' ? { binding: 'redirect' as const, rawQuery: rawQuery(req) } : { binding: 'post' as const, body: (req.body ?? {}) as Record<string, unknown> };
    const received = await receiveAuthnRequest(input, { registry: services.spRegistry, cfg, replayCache: services.ephemeral, now: services.now() });
    await openLogin(deps, req, res, received);
  };
  router.get('/saml/sso', sso);
  router.post('/saml/sso', form, sso);

  const slo = async (req: Request, res: express.Response) => {
    const input = req.method === 'GET' ? { binding: 'redirect' as const, rawQuery: rawQuery(req) } : { binding: 'post' as const, body: (req.body ?? {}) as Record<string, unknown> };
    const msg = await receiveLogoutMessage(input, { registry: services.spRegistry, cfg, replayCache: services.ephemeral, now: services.now() });
    if (msg.kind === 'LogoutRequest') {
      await startLogout(deps, req, res, { issuer: msg.view.issuer, requestId: msg.view.id, nameID: msg.view.nameID, sessionIndexes: msg.view.sessionIndexes, relayState: msg.relayState });
    } else {
      await resumeLogout(deps, req, res, { issuer: msg.view.issuer, inResponseTo: msg.view.inResponseTo, success: msg.view.statusCode === STATUS.success, relayState: msg.relayState });
    }
  };
  router.get('/saml/slo', slo);
  router.post('/saml/slo', form, slo);
  return router;
}
