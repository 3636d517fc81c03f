// What the broker and its connectors call to reach people: `send` (SMS, e-mail), `push` to a
// Cl@ve app device, and `deliverCode`, which chooses between the app and SMS from the person's
// devices (code-delivery.ts). A connector only asks; it never looks at devices itself.
import type { Logger } from 'pino';
import type { EphemeralStore } from '../store/ephemeral.js';
import type { DeviceRegistry } from '../identity/devices/registry.js';
import type { DeviceInbox } from '../identity/devices/inbox.js';
import type { DrainableNotifier } from './in-flight.js';
import type { Notifier } from './notifier.js';
import { createAppPush, type AppPush } from './app-push.js';
import { createCodeDelivery, type CodeDelivery } from './code-delivery.js';

export interface Notify extends Notifier, AppPush, Omit<CodeDelivery, 'flush'> {
  /** runs pending SMS fallbacks and waits for sends in flight, all within timeoutMs */
  close(timeoutMs: number): Promise<void>;
}

export interface NotifyDeps {
  /** the transport, counting sends in flight (in-flight.ts) */
  readonly transport: DrainableNotifier;
  readonly devices: DeviceRegistry;
  readonly inbox: DeviceInbox;
  readonly ephemeral: EphemeralStore;
  readonly smsFallbackMs: number;
  readonly now: () => Date;
  readonly log: Logger;
}

export function createNotify(deps: NotifyDeps): Notify {
  const appPush = createAppPush({ devices: deps.devices, inbox: deps.inbox, transport: deps.transport, now: deps.now, log: deps.log });
  const codes = createCodeDelivery({ ...deps, push: appPush, fallbackMs: deps.smsFallbackMs });
  return {
    send: (message) => deps.transport.send(message),
    push: (deviceId, content) => appPush.push(deviceId, content),
    deliverCode: (person, message) => codes.deliverCode(person, message),
    sendCodeBySms: (ref) => codes.sendCodeBySms(ref),
    async close(timeoutMs) {
      const until = Date.now() + timeoutMs;
      await codes.flush(timeoutMs);
      await deps.transport.drain(Math.max(0, until - Date.now()));
    },
  };
}
