// Delivery of codes and pushes (design.md "broker/notify"). The outbox transport writes one JSON
// line per message to var/outbox/<channel>.jsonl (development and tests only); the HTTP transport
// posts to a production gateway with a timeout and retries.
import type { AppMessage, PushAddress } from '../identity/devices/model.js';

export type NotifyChannel = 'sms' | 'email' | 'push';

export interface OutgoingMessage {
  readonly channel: NotifyChannel;
  /** E.164 for SMS, an address for e-mail, a device id for push */
  readonly to: string;
  readonly subject?: string;
  readonly text: string;
  /** the one-time code, when the message carries one (outbox only; never logged) */
  readonly code?: string;
  /** push only: the device's address and the notice it receives */
  readonly push?: { readonly address: PushAddress; readonly notice: PushNotice };
}

/**
 * What a push carries to the Cl@ve app: that a message waits in its inbox, never the message's
 * content (a PIN crosses no push service); the app fetches the inbox with a signed call.
 */
export interface PushNotice {
  readonly deviceId: string;
  readonly messageId: string;
  readonly kind: AppMessage['kind'];
  readonly at: string;
  /** what the phone shows in its notification */
  readonly text: string;
}

export interface Notifier {
  /** resolves once the transport accepted the message; rejects with NotifyError otherwise */
  send(message: OutgoingMessage): Promise<void>;
}

export class NotifyError extends Error {
  override name = 'NotifyError';
}
