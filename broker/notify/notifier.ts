// Delivery of codes and pushes (design.md "broker/notify"). The outbox transport writes one JSON
// line per message to var/outbox/<channel>.jsonl (development and tests only); the HTTP transport
// posts to a production gateway with a timeout and retries.
export type NotifyChannel = 'sms' | 'email' | 'push';

export interface OutgoingMessage {
  readonly channel: NotifyChannel;
  /** E.164 for SMS, an address for e-mail, a device id for push */
  readonly to: string;
  readonly subject?: string;
  readonly text: string;
  /** the one-time code, when the message carries one (outbox only; never logged) */
  readonly code?: string;
}

export interface Notifier {
  /** resolves once the transport accepted the message; rejects with NotifyError otherwise */
  send(message: OutgoingMessage): Promise<void>;
}

export class NotifyError extends Error {
  override name = 'NotifyError';
}
