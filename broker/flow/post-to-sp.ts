// Sends a SAML message to an SP through the browser with the HTTP-POST binding.
import { randomBytes } from 'node:crypto';
import type { Response } from 'express';
import { postForm } from '../saml/send-binding.js';
import { translate, type Language } from '../web/i18n/catalogue.js';

export function sendPostToSp(res: Response, msg: { action: string; field: 'SAMLRequest' | 'SAMLResponse'; xml: string; relayState: string | undefined }): void {
  const nonce = randomBytes(16).toString('base64');
  const origin = new URL(msg.action).origin;
  res.setHeader(
    'Content-Security-Policy',
    `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'self'; form-action ${origin}; frame-ancestors 'none'; base-uri 'none'`,
  );
  const lang = (res.locals.lang as Language | undefined) ?? 'es';
  const texts = { lang, title: translate(lang, 'post.title'), continueLabel: translate(lang, 'post.continue'), noscript: translate(lang, 'post.noscript') };
  res.status(200).type('html').send(postForm({ action: msg.action, field: msg.field, xml: msg.xml, relayState: msg.relayState, cspNonce: nonce, texts }));
}
