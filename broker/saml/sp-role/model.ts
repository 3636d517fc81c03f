// The contract of the SAML core's SP role (issue 6): the broker receiving a Response from a
// foreign identity provider — an eIDAS proxy-service node. The inbound half of
// ../shared/saml-attacks.md applies whole: every value here was read from what a verified
// signature covers (after decryption where the assertion was encrypted), never from the DOM the
// signature was checked on. Used by connectors/eidas; nothing here knows about countries or LoA
// ladders.
import type { KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import type { EphemeralStore } from '../../store/ephemeral.js';
import type { Verified } from '../verified.js';

/** What we know about the peer that must have sent the Response (from its verified metadata). */
export interface ResponsePeer {
  /** the Issuer the Response and the Assertion must carry */
  readonly entityID: string;
  /** PEM certificates of its metadata's signing keys; only those valid at `now` verify */
  readonly signingCertificates: readonly string[];
  /** signature method URIs accepted from this peer (a subset of accepted-algorithms.ts) */
  readonly signatureAlgorithms: readonly string[];
  /** digest method URIs accepted from this peer */
  readonly digestAlgorithms: readonly string[];
  /** eIDAS: the assertion must be encrypted (an unencrypted Assertion is refused) */
  readonly requireEncryptedAssertion: boolean;
  /**
   * eIDAS: the Response itself must be signed (an unsigned Response is refused even when its
   * Assertion is signed: its Status, Destination and InResponseTo would otherwise be unprotected)
   */
  readonly requireSignedResponse: boolean;
}

/** What this login transaction expects: bound to the AuthnRequest we sent. */
export interface ExpectedResponse {
  /** ID of our AuthnRequest, from the login transaction (never from the Response) */
  readonly inResponseTo: string;
  /** our ACS URL: Response Destination and SubjectConfirmationData Recipient */
  readonly acsUrl: string;
  /** our entityID: the Audience */
  readonly audience: string;
  readonly now: Date;
  readonly clockSkewSeconds: number;
}

/** Our decryption keys, current first (a rollover keeps the previous one for a while). */
export interface DecryptionKeys {
  readonly privateKeys: readonly KeyObject[];
}

export interface ReceivedStatus {
  /** top-level StatusCode Value */
  readonly code: string;
  /** the nested StatusCode Value, if any (e.g. …:status:AuthnFailed) */
  readonly subCode: string | null;
  /** StatusMessage, length-limited, for the audit log and a clear page */
  readonly message: string | null;
}

export interface ReceivedAttribute {
  readonly name: string;
  readonly nameFormat: string | null;
  readonly friendlyName: string | null;
  /** text values in document order, with the eIDAS LatinScript attribute when present */
  readonly values: readonly { readonly value: string; readonly latinScript: boolean | null }[];
}

export interface ReceivedAssertion {
  readonly id: string;
  readonly issuer: string;
  readonly nameID: { readonly value: string; readonly format: string | null };
  readonly authnInstant: Date;
  /** AuthnContextClassRef (eIDAS: the LoA URI) */
  readonly authnContextClassRef: string;
  readonly sessionIndex: string | null;
  readonly notOnOrAfter: Date;
  readonly attributes: readonly ReceivedAttribute[];
  /** whether the assertion arrived encrypted (after decryption it was parsed like any message) */
  readonly wasEncrypted: boolean;
}

export type ReceivedResponse =
  | { readonly kind: 'success'; readonly responseId: string; readonly issuer: string; readonly status: ReceivedStatus; readonly assertion: Verified<ReceivedAssertion> }
  /** a non-Success status; refused outright when it carries any assertion */
  | { readonly kind: 'failure'; readonly responseId: string; readonly issuer: string; readonly status: ReceivedStatus };

/**
 * Receives `samlResponse` (the HTTP-POST form field, base64) from `peer` for the transaction
 * described by `expected`. Signature: the Response's (and the Assertion's when signed) must verify
 * with the peer's certificates and allowlisted algorithms; at least one of them must cover the
 * assertion that is used, and the Response's must be there when the peer requires it. Replay: the Response ID and the Assertion ID once per issuer (the
 * shared ephemeral store). Throws BrokerError('response-untrusted' | 'response-rejected', …) —
 * the connector turns those into a clear page and a status to the SP.
 */
export type ReceiveResponse = (samlResponse: string, peer: ResponsePeer, expected: ExpectedResponse, keys: DecryptionKeys) => Promise<ReceivedResponse>;

/** What the receiver needs from the broker: the shared replay cache and the log. */
export interface ResponseReceiverDeps {
  readonly ephemeral: EphemeralStore;
  readonly log: Logger;
}

/** Implemented by receive-response.ts: `createResponseReceiver(deps): ReceiveResponse`. */
export type CreateResponseReceiver = (deps: ResponseReceiverDeps) => ReceiveResponse;
