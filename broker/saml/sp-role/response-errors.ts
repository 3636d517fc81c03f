// The SP role's two refusals. A Response we cannot trust (structure, signature, decryption) is
// 'response-untrusted'; a trusted one that is not for this login or no longer valid is
// 'response-rejected'. The shared parser and validators throw the IdP role's codes; here they
// become ours, with their detail kept for the log.
import { BrokerError, isBrokerError } from '../../errors.js';

const MESSAGE = 'The response of the identity provider is not acceptable.';

export function untrusted(detail: string): never {
  throw new BrokerError('response-untrusted', MESSAGE, detail);
}

export function rejected(detail: string): never {
  throw new BrokerError('response-rejected', MESSAGE, detail);
}

/** Run a shared inbound step, turning its request-* refusals into response-untrusted. */
export function asResponseError<T>(step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (isBrokerError(err) && (err.code === 'request-malformed' || err.code === 'request-untrusted')) untrusted(err.detail ?? err.message);
    throw err;
  }
}
