// The closed set of broker error codes and, in one table, where each one goes: back to the SP as
// a SAML status, or to an error page in the browser. A transaction without a verified ACS always
// gets the page, whatever the code (flow/error-handler.ts applies that rule).

export type SamlTopStatus = 'Requester' | 'Responder' | 'VersionMismatch';
export type SamlSubStatus =
  | 'AuthnFailed'
  | 'NoAuthnContext'
  | 'NoPassive'
  | 'RequestDenied'
  | 'InvalidNameIDPolicy'
  | 'UnsupportedBinding'
  | 'RequestUnsupported'
  | 'PartialLogout';

export type Outcome =
  /** `explain`: the person reads why on our page first (its message key `status.<code>`), then goes back */
  | { readonly to: 'sp'; readonly status: SamlTopStatus; readonly sub?: SamlSubStatus; readonly explain?: true }
  | { readonly to: 'page'; readonly http: number };

export const outcomes = {
  /** bad signature, unknown SP, ACS not in metadata, malformed message: never redirect */
  'request-untrusted': { to: 'page', http: 400 },
  /** a message we cannot parse or that breaks the schema */
  'request-malformed': { to: 'page', http: 400 },
  /** a well-formed, trusted request we refuse (stale IssueInstant, replay) */
  'request-rejected': { to: 'sp', status: 'Requester', sub: 'RequestDenied' },
  'name-id-policy': { to: 'sp', status: 'Requester', sub: 'InvalidNameIDPolicy' },
  'relay-state-too-long': { to: 'page', http: 400 },
  cancelled: { to: 'sp', status: 'Responder', sub: 'AuthnFailed' },
  'no-method-for-loa': { to: 'sp', status: 'Responder', sub: 'NoAuthnContext' },
  'passive-impossible': { to: 'sp', status: 'Responder', sub: 'NoPassive' },
  denied: { to: 'sp', status: 'Responder', sub: 'RequestDenied' },
  /** an upstream identity provider (a foreign eIDAS node) answered that the authentication failed */
  'upstream-failed': { to: 'sp', status: 'Responder', sub: 'AuthnFailed', explain: true },
  /** an upstream identity provider refused the request (RequestDenied and the other refusals) */
  'upstream-denied': { to: 'sp', status: 'Responder', sub: 'RequestDenied', explain: true },
  /** an upstream identity provider asserted a lower level of assurance than requested */
  'upstream-loa-too-low': { to: 'sp', status: 'Responder', sub: 'NoAuthnContext', explain: true },
  /** a Response from an upstream identity provider whose signature, decryption or structure we cannot trust */
  'response-untrusted': { to: 'sp', status: 'Responder', sub: 'AuthnFailed', explain: true },
  /** a trusted Response we refuse: not for this login, expired, replayed, wrong audience or recipient */
  'response-rejected': { to: 'sp', status: 'Responder', sub: 'AuthnFailed', explain: true },
  /** the service accepts only logins on behalf of an organisation, and the person holds no valid mandate for it */
  'representation-required': { to: 'sp', status: 'Responder', sub: 'RequestDenied', explain: true },
  /** the browser came back without (or with someone else's) transaction */
  'transaction-unknown': { to: 'page', http: 400 },
  'rate-limited': { to: 'page', http: 429 },
  'csrf': { to: 'page', http: 403 },
  'not-found': { to: 'page', http: 404 },
  'unavailable': { to: 'page', http: 503 },
  internal: { to: 'sp', status: 'Responder' },
} as const satisfies Record<string, Outcome>;

export type BrokerErrorCode = keyof typeof outcomes;

export interface ReplyTarget {
  readonly spEntityID: string;
  readonly acsUrl: string;
  readonly inResponseTo: string;
  readonly relayState: string | undefined;
}

/**
 * An error whose `code` decides its fate. `detail` is for the log only (never shown, never sent);
 * `message` is the human text the SP's StatusMessage or the error page may show.
 */
export class BrokerError extends Error {
  readonly code: BrokerErrorCode;
  readonly detail: string | undefined;
  /**
   * Where a status response may go: set only once the SP and its ACS URL are verified (issuer
   * registered, signature checked where required, ACS from metadata). Without it: the page.
   */
  readonly replyTo: ReplyTarget | undefined;
  constructor(code: BrokerErrorCode, message: string, detail?: string, replyTo?: ReplyTarget) {
    super(message);
    this.name = 'BrokerError';
    this.code = code;
    this.detail = detail;
    this.replyTo = replyTo;
  }
  get outcome(): Outcome {
    return outcomes[this.code];
  }
}

export function isBrokerError(err: unknown): err is BrokerError {
  return err instanceof BrokerError;
}
