// An error that goes back to the SP: a signed status Response to the verified ACS, with a
// human-readable StatusMessage (Keycloak shows only that to the user) and RelayState echoed.
// Errors marked `explain` first show the person why, in their language, on a page whose button
// carries the same Response back.
import type { Response } from 'express';
import type { BrokerServices } from '../services.js';
import { signingAlgorithmFor } from '../saml/signing-algorithm.js';
import type { BrokerError, ReplyTarget } from '../errors.js';
import { buildStatusResponse } from '../saml/build-status-response.js';
import { idpEntityID } from '../saml/addresses.js';
import { translate, type Language } from '../web/i18n/catalogue.js';
import { sendPostToSp } from './post-to-sp.js';

export function replyStatus(services: BrokerServices, res: Response, err: BrokerError, replyTo: ReplyTarget): void {
  const outcome = err.outcome;
  if (outcome.to !== 'sp') throw new TypeError(`${err.code} does not go to the SP`);
  const cfg = services.config;
  const xml = buildStatusResponse(
    {
      issuer: idpEntityID(cfg),
      acsUrl: replyTo.acsUrl,
      inResponseTo: replyTo.inResponseTo,
      status: outcome.status,
      subStatus: 'sub' in outcome ? outcome.sub : undefined,
      message: translate('en', `status.${err.code}`),
      now: services.now(),
    },
    { keys: services.keys, algorithm: signingAlgorithmFor(cfg, services.keys, replyTo.spEntityID), signResponse: true },
  );
  const lang = (res.locals.lang as Language | undefined) ?? 'es';
  const explanation = 'explain' in outcome && outcome.explain ? { heading: translate(lang, 'error.title'), text: translate(lang, `status.${err.code}`) } : undefined;
  sendPostToSp(res, { action: replyTo.acsUrl, field: 'SAMLResponse', xml, relayState: replyTo.relayState, explanation });
}
