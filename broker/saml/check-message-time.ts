// IssueInstant of inbound requests (core §3.2.1; design.md: 60 s skew by default, configurable).
import { BrokerError, type ReplyTarget } from '../errors.js';

/**
 * How long after its IssueInstant (plus the skew) a request is still accepted. Browsers carry a
 * request to us within seconds; five minutes covers slow networks and a user pausing at an SP
 * interstitial page. It is also the replay-cache lifetime, so it is a constant, not an option:
 * a larger window would need a larger cache.
 */
export const REQUEST_VALIDITY_MS = 5 * 60 * 1000;

/** Time the replay cache must remember an ID accepted under this skew. */
export function replayWindowMs(clockSkewSeconds: number): number {
  return REQUEST_VALIDITY_MS + 2 * clockSkewSeconds * 1000;
}

export function checkIssueInstant(issueInstant: Date, now: Date, clockSkewSeconds: number, replyTo?: ReplyTarget): void {
  const skew = clockSkewSeconds * 1000;
  const t = issueInstant.getTime();
  if (t > now.getTime() + skew) throw new BrokerError('request-rejected', 'The request was issued in the future.', `IssueInstant ${issueInstant.toISOString()} ahead of ${now.toISOString()}`, replyTo);
  if (t < now.getTime() - skew - REQUEST_VALIDITY_MS) throw new BrokerError('request-rejected', 'The request has expired.', `IssueInstant ${issueInstant.toISOString()} too old at ${now.toISOString()}`, replyTo);
}
