// Delivery of a one-time code to a person (seed 000 §4.1.1): with an active Cl@ve app device the
// code goes to the app (push + inbox), and by SMS as well when the app has not fetched it within
// notify.push.smsFallbackSeconds, or at once when the push transport refused it, or when the
// person asks for it on the page. Without a device: SMS at once. The SMS goes at most once per
// delivery: its pending record is taken atomically, by the timer or by the request, whichever comes
// first, from any node.
//
// The fallback timer lives in this process: a node that dies within those seconds loses it (the
// person can still ask for the SMS on the page, which any node serves). A node closing normally
// does not wait for it: close() runs every pending fallback at once instead.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { EphemeralStore } from '../store/ephemeral.js';
import type { DeviceRegistry } from '../identity/devices/registry.js';
import type { DeviceInbox } from '../identity/devices/inbox.js';
import type { AppPush } from './app-push.js';
import type { Notifier } from './notifier.js';

export interface CodeMessage {
  readonly kind: 'pin';
  /** the SMS, which carries the code */
  readonly smsText: string;
  /** the app notification, which does not */
  readonly pushText: string;
  readonly code: string;
  /** the app message's content (the code, its expiry, the service) */
  readonly data: Readonly<Record<string, string>>;
  /** how long the code is valid: the SMS can be asked for that long */
  readonly validityMs: number;
}

export interface CodeRecipient {
  readonly id: string;
  readonly mobile: string;
}

export interface StartedDelivery {
  /** names this delivery for sendCodeBySms (kept by the caller, e.g. in its login transaction) */
  readonly ref: string;
  /** how the code went first; rejects when even the SMS could not be handed over */
  readonly done: Promise<'app' | 'sms'>;
}

export interface CodeDelivery {
  deliverCode(person: CodeRecipient, message: CodeMessage): StartedDelivery;
  /** sends the SMS of a delivery still waiting for it; false when there is none (sent, expired, unknown) */
  sendCodeBySms(ref: string): Promise<boolean>;
  /** runs the pending fallbacks now (a closing node); resolves within timeoutMs */
  flush(timeoutMs: number): Promise<void>;
}

interface PendingSms {
  readonly mobile: string;
  readonly text: string;
  readonly code: string;
}

export interface CodeDeliveryDeps {
  readonly devices: DeviceRegistry;
  readonly inbox: DeviceInbox;
  readonly push: AppPush;
  readonly transport: Notifier;
  readonly ephemeral: EphemeralStore;
  readonly fallbackMs: number;
  readonly log: Pick<Logger, 'warn' | 'error'>;
}

const REF = /^[A-Za-z0-9_-]{22}$/;

export function createCodeDelivery(deps: CodeDeliveryDeps): CodeDelivery {
  const KEY = (ref: string) => `code-delivery:${ref}`;
  const timers = new Map<string, { timer: NodeJS.Timeout; fire: () => Promise<void> }>();

  async function sendCodeBySms(ref: string): Promise<boolean> {
    if (!REF.test(ref)) return false;
    const raw = await deps.ephemeral.take(KEY(ref));
    if (!raw) return false;
    const sms = JSON.parse(raw) as PendingSms;
    await deps.transport.send({ channel: 'sms', to: sms.mobile, text: sms.text, code: sms.code });
    return true;
  }

  function scheduleFallback(ref: string, stillWaiting: () => Promise<boolean>): void {
    const fire = async () => {
      timers.delete(ref);
      try {
        if (await stillWaiting()) await sendCodeBySms(ref);
      } catch (err) {
        deps.log.error({ err: (err as Error).message }, 'SMS fallback of a code failed');
      }
    };
    const timer = setTimeout(() => void fire(), deps.fallbackMs);
    timer.unref();
    timers.set(ref, { timer, fire });
  }

  async function deliver(ref: string, person: CodeRecipient, message: CodeMessage): Promise<'app' | 'sms'> {
    const sms: PendingSms = { mobile: person.mobile, text: message.smsText, code: message.code };
    const device = await deps.devices.activeDeviceOf(person.id);
    if (!device) {
      await deps.transport.send({ channel: 'sms', to: sms.mobile, text: sms.text, code: sms.code });
      return 'sms';
    }
    await deps.ephemeral.set(KEY(ref), JSON.stringify(sms), message.validityMs);
    const pushed = await deps.push.push(device.id, { kind: message.kind, data: message.data, text: message.pushText, code: message.code });
    if (!pushed?.notified) {
      await sendCodeBySms(ref);
      return 'sms';
    }
    scheduleFallback(ref, () => deps.inbox.holds(device.id, pushed.seq, pushed.message.id));
    return 'app';
  }

  return {
    deliverCode(person, message) {
      const ref = randomBytes(16).toString('base64url');
      return { ref, done: deliver(ref, person, message) };
    },
    sendCodeBySms,
    async flush(timeoutMs) {
      const pending = [...timers.values()];
      for (const p of pending) clearTimeout(p.timer);
      let deadline: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(pending.map((p) => p.fire())), new Promise<void>((r) => (deadline = setTimeout(r, timeoutMs)))]);
      clearTimeout(deadline);
    },
  };
}
