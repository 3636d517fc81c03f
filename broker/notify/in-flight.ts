// Deliveries the broker does not wait for (a PIN is sent while the answer goes out, so that answers
// take the same time for known and unknown persons) must still leave before the process does:
// this wrapper counts sends in flight, and the broker's close waits for them, up to a deadline.
import type { Notifier, OutgoingMessage } from './notifier.js';

export interface DrainableNotifier extends Notifier {
  /** resolves once every send started so far has settled, or after `timeoutMs` */
  drain(timeoutMs: number): Promise<void>;
}

export function trackInFlight(inner: Notifier): DrainableNotifier {
  const inFlight = new Set<Promise<unknown>>();
  return {
    send(message: OutgoingMessage) {
      const sending = inner.send(message);
      const settled = sending.catch(() => undefined);
      inFlight.add(settled);
      void settled.then(() => inFlight.delete(settled));
      return sending;
    },
    async drain(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
      await Promise.race([Promise.all([...inFlight]), deadline]);
      clearTimeout(timer);
    },
  };
}
