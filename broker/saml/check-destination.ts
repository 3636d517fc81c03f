// Destination (core §3.2.1): when present it must be our endpoint; a signed message must carry it
// (bindings §3.4.5.2 / §3.5.5.2), or a message signed for another IdP could be replayed to us.
import { BrokerError, type ReplyTarget } from '../errors.js';

export function checkDestination(destination: string | undefined, expected: string, signed: boolean, replyTo?: ReplyTarget): void {
  if (destination === undefined) {
    if (signed) throw new BrokerError('request-untrusted', 'The request does not name its destination.', 'signed message without Destination', replyTo);
    return;
  }
  if (destination !== expected) throw new BrokerError('request-untrusted', 'The request was meant for another destination.', `Destination ${destination} is not ${expected}`, replyTo);
}
