// Step 1 (bindings §3.4 / §3.5): the AuthnRequest out of the HTTP request.
import { BrokerError } from '../../errors.js';
import { decodePost, decodeRedirect, type DecodedMessage } from '../decode-binding.js';

export type BindingInput = { binding: 'redirect'; rawQuery: string } | { binding: 'post'; body: Record<string, unknown> };

export function decodeRequest(input: BindingInput, maxBytes: number): DecodedMessage {
  const decoded = input.binding === 'redirect' ? decodeRedirect(input.rawQuery, maxBytes) : decodePost(input.body, maxBytes);
  if (decoded.param !== 'SAMLRequest') throw new BrokerError('request-malformed', 'The SAML message could not be read.', 'SAMLResponse at the SSO endpoint');
  return decoded;
}
