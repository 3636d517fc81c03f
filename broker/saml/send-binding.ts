// Delivery of a SAML message through the browser (SAML bindings):
// - HTTP-POST (§3.5): an auto-submitting HTML form carrying the base64 message and RelayState.
//   The page runs under `script-src 'nonce-…'`, so the submit script carries the nonce; a
//   noscript button covers browsers without JavaScript. Every interpolated value is escaped.
// - HTTP-Redirect (§3.4): DEFLATE + base64 + URL-encoding, and the detached signature over
//   `SAMLRequest=…&RelayState=…&SigAlg=…` exactly as §3.4.4.1 builds it, appended with `&` when
//   the endpoint URL already has a query.
import { deflateRawSync } from 'node:zlib';
import type { SigningKeys } from './keys.js';
import { signatureAlgorithmUri, signRedirectQuery, type SignatureAlgorithmName } from './sign-xml.js';

export type SamlField = 'SAMLRequest' | 'SAMLResponse';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** An endpoint from metadata must still be plain http(s): never `javascript:` or `data:`. */
function assertHttpUrl(url: string): URL {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new TypeError(`not an http(s) endpoint: ${parsed.protocol}`);
  return parsed;
}

export interface PostFormTexts {
  readonly lang: string;
  readonly title: string;
  readonly continueLabel: string;
  readonly noscript: string;
}

const ENGLISH: PostFormTexts = { lang: 'en', title: 'Continue', continueLabel: 'Continue', noscript: 'JavaScript is off: press the button to continue.' };

/** Why the login ends here, shown before the person goes back: the form then waits for the button. */
export interface PostFormExplanation {
  readonly heading: string;
  readonly text: string;
}

export function postForm(input: { action: string; field: SamlField; xml: string; relayState?: string; cspNonce: string; texts?: PostFormTexts; explanation?: PostFormExplanation }): string {
  const t = input.texts ?? ENGLISH;
  assertHttpUrl(input.action);
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(input.cspNonce)) throw new TypeError('CSP nonce must be base64');
  const message = Buffer.from(input.xml, 'utf8').toString('base64');
  const relay =
    input.relayState === undefined ? '' : `\n<input type="hidden" name="RelayState" value="${escapeHtml(input.relayState)}">`;
  const e = input.explanation;
  if (e) {
    return `<!DOCTYPE html>
<html lang="${escapeHtml(t.lang)}">
<head><meta charset="utf-8"><meta name="robots" content="noindex"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(e.heading)}</title><link rel="stylesheet" href="/static/pasarela.css"></head>
<body><main>
<h1>${escapeHtml(e.heading)}</h1>
<p class="error" role="alert">${escapeHtml(e.text)}</p>
<form id="saml-post" method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="${input.field}" value="${message}">${relay}
<button type="submit">${escapeHtml(t.continueLabel)}</button>
</form>
</main></body>
</html>
`;
  }
  return `<!DOCTYPE html>
<html lang="${escapeHtml(t.lang)}">
<head><meta charset="utf-8"><meta name="robots" content="noindex"><title>${escapeHtml(t.title)}</title></head>
<body>
<form id="saml-post" method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="${input.field}" value="${message}">${relay}
<noscript><p>${escapeHtml(t.noscript)}</p><button type="submit">${escapeHtml(t.continueLabel)}</button></noscript>
</form>
<script nonce="${input.cspNonce}">document.getElementById('saml-post').submit();</script>
</body>
</html>
`;
}

export function redirectUrl(input: {
  location: string;
  field: SamlField;
  xml: string;
  relayState?: string;
  keys: Pick<SigningKeys, 'privateKey'>;
  algorithm: SignatureAlgorithmName;
}): string {
  const endpoint = assertHttpUrl(input.location);
  if (endpoint.hash) throw new TypeError('an endpoint with a fragment cannot take a query');
  const message = deflateRawSync(Buffer.from(input.xml, 'utf8')).toString('base64');
  // §3.4.4.1: the signed octets are the parameters in this order, as they appear in the URL.
  let octets = `${input.field}=${encodeURIComponent(message)}`;
  if (input.relayState !== undefined) octets += `&RelayState=${encodeURIComponent(input.relayState)}`;
  octets += `&SigAlg=${encodeURIComponent(signatureAlgorithmUri(input.algorithm))}`;
  const signature = signRedirectQuery(octets, input.keys.privateKey, input.algorithm);
  const separator = !input.location.includes('?') ? '?' : /[?&]$/.test(input.location) ? '' : '&';
  return `${input.location}${separator}${octets}&Signature=${encodeURIComponent(signature)}`;
}
