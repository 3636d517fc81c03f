// Sends a SAML message to an SP through the browser with the HTTP-POST binding.
import { randomBytes } from 'node:crypto';
import type { Response } from 'express';
import { postForm, type PostFormExplanation } from '../saml/send-binding.js';
import { translate, type Language } from '../web/i18n/catalogue.js';

export function sendPostToSp(res: Response, msg: { action: string; field: 'SAMLRequest' | 'SAMLResponse'; xml: string; relayState: string | undefined; explanation?: PostFormExplanation }): void {
  const nonce = randomBytes(16).toString('base64');
  const { origin, protocol } = new URL(msg.action);
  // form-action names the ACS origin and also every address of the ACS's scheme: Chrome checks
  // form-action against each redirect that follows the POST, and an ACS commonly answers with a
  // redirect elsewhere (Keycloak's broker endpoint sends the browser on to the application). With
  // the origin alone, such a login ends blocked on this blank page. The form itself is written
  // here with an escaped action and the page runs only its own nonce'd script, so nothing else
  // can submit from it.
  res.setHeader(
    'Content-Security-Policy',
    `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'self'; form-action ${origin} ${protocol}; frame-ancestors 'none'; base-uri 'none'`,
  );
  const lang = (res.locals.lang as Language | undefined) ?? 'es';
  const texts = { lang, title: translate(lang, 'post.title'), continueLabel: translate(lang, 'post.continue'), noscript: translate(lang, 'post.noscript') };
  res.status(200).type('html').send(postForm({ action: msg.action, field: msg.field, xml: msg.xml, relayState: msg.relayState, cspNonce: nonce, texts, explanation: msg.explanation }));
}
