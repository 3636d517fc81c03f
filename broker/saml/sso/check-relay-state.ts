// RelayState (bindings §3.4.3 / §3.5.3): echoed byte for byte, never truncated (Keycloak's can
// exceed 80 bytes), so one over the SP's limit is refused, counted in UTF-8 bytes.
import { BrokerError } from '../../errors.js';

export function checkRelayState(relayState: string | undefined, maxBytes: number): void {
  if (relayState === undefined) return;
  const bytes = Buffer.byteLength(relayState, 'utf8');
  if (bytes > maxBytes) throw new BrokerError('relay-state-too-long', 'The request state is too long.', `RelayState ${bytes} bytes > ${maxBytes}`);
}
