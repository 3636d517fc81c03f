// Pushes to the Cl@ve app (issue 4): the message goes into the device's inbox first (so polling
// finds it whatever happens next), then a notice goes to the device's push address through the
// transport: `to` is the device id (design.md "the outbox"), the address is looked up here.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AppMessage } from '../identity/devices/model.js';
import type { DeviceRegistry } from '../identity/devices/registry.js';
import type { DeviceInbox } from '../identity/devices/inbox.js';
import type { Notifier } from './notifier.js';

export interface AppContent {
  readonly kind: AppMessage['kind'];
  readonly data: Readonly<Record<string, string>>;
  /** the notification text; the content stays in the inbox */
  readonly text: string;
  /** outbox only, as for SMS: the code the message carries, for developers and tests */
  readonly code?: string;
}

export interface Pushed {
  readonly message: AppMessage;
  /** its place in the device's inbox (DeviceInbox.holds) */
  readonly seq: number;
  /** whether the push transport accepted the notice; the inbox has the message either way */
  readonly notified: boolean;
}

export interface AppPush {
  /** undefined when there is no such device */
  push(deviceId: string, content: AppContent): Promise<Pushed | undefined>;
}

export function createAppPush(deps: { devices: DeviceRegistry; inbox: DeviceInbox; transport: Notifier; now: () => Date; log: Pick<Logger, 'warn'> }): AppPush {
  return {
    async push(deviceId, content) {
      const device = await deps.devices.get(deviceId);
      if (!device) return undefined;
      const message: AppMessage = { id: randomUUID(), kind: content.kind, at: deps.now().toISOString(), data: content.data };
      const seq = await deps.inbox.put(device.id, message);
      const notice = { deviceId: device.id, messageId: message.id, kind: message.kind, at: message.at, text: content.text };
      try {
        await deps.transport.send({ channel: 'push', to: device.id, text: content.text, ...(content.code ? { code: content.code } : {}), push: { address: device.pushAddress, notice } });
        return { message, seq, notified: true };
      } catch (err) {
        deps.log.warn({ device: device.id, kind: message.kind, err: (err as Error).message }, 'push to the app failed; the message waits in its inbox');
        return { message, seq, notified: false };
      }
    },
  };
}
