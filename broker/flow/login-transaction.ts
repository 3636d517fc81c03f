// The LoginTransaction: what one login carries from the SAML front to the assertion
// (design.md "Data through one login"). It lives in the ephemeral store for
// flow.transactionTtlSeconds and is bound to the browser that opened it (browserBinding is the
// hash of a cookie only that browser holds). Everything here was read from a verified request.
import type { LoaRung, RequestedLoa } from '../loa.js';
import type { RegistrationLevel } from '../identity/person.js';
import type { MethodPermissions } from './allowed-methods.js';
import type { ReplyTarget } from '../errors.js';
import type { LoginService } from '../mandates/representations.js';

export type NameIDFormat = 'persistent' | 'transient' | 'unspecified';

export interface LoginTransaction {
  readonly id: string; // random, unguessable; carried in the URL of the flow pages
  readonly browserBinding: string;
  /** CSRF token of every form of this login */
  readonly csrf: string;
  readonly createdAt: number; // epoch ms
  readonly sp: { readonly entityID: string; readonly displayName: string };
  readonly request: {
    readonly id: string; // AuthnRequest ID, for InResponseTo
    readonly acsUrl: string; // from the SP metadata only
    readonly relayState: string | undefined; // echoed byte for byte
    readonly forceAuthn: boolean;
    readonly isPassive: boolean;
    readonly nameIDFormat: NameIDFormat;
    readonly allowCreate: boolean;
    readonly requestedAttributes: readonly string[]; // attribute Names (eIDAS RequestedAttributes)
    readonly attributeConsumingServiceIndex: number | undefined;
    readonly loa: RequestedLoa;
  };
  /** connector ids the SP's policy allows, and those the request excludes (Cl@ve dialect) */
  readonly methods: MethodPermissions;
  /** connector-private state, keyed by connector id; a connector reads and writes only its own */
  readonly connectorState: Readonly<Record<string, unknown>>;
  /**
   * The SP's service in the catalogue (AttributeConsumingServiceIndex, else its default), for
   * the representation step; null or absent: the SP has none, nobody acts for an organisation.
   */
  readonly service?: LoginService | null;
  /** set while the person chooses whom to act for: the SSO session whose authentication it is */
  readonly representationStep?: { readonly ssoSessionId: string };
}

/** A person reference that a connector hands back: no SAML in here. */
export interface PersonRef {
  readonly personId: string;
}

/**
 * An attribute an upstream identity provider asserted (an eIDAS node's legal person), already
 * spelled in the dialect it is released in; it leaves only as flow/upstream-attributes.ts allows.
 */
export interface UpstreamAttribute {
  readonly name: string;
  readonly friendlyName: string;
  readonly values: readonly string[];
}

/** What a connector claims when it finishes; the broker decides (caps the rung, checks status). */
export interface AuthnResult {
  readonly subject: PersonRef;
  readonly method: string; // connector id, or a mode of it (e.g. 'permanente-reinforced')
  /** the rung the connector claims for this login, before the broker's cap */
  readonly loa: LoaRung;
  readonly authnInstant: Date;
  /** the upstream identity provider that authenticated the person (eIDAS: the foreign node's entityID) */
  readonly authenticatingAuthority?: string;
  readonly upstreamAttributes?: readonly UpstreamAttribute[];
}

/** The outcome stored in the SSO session once the broker accepted an AuthnResult. */
export interface Authentication {
  readonly personId: string;
  /** the connector that authenticated; `method` may name a mode of it */
  readonly connectorId: string;
  readonly method: string;
  readonly loa: LoaRung;
  readonly registrationLevel: RegistrationLevel;
  readonly authnInstant: number; // epoch ms
  /** AuthnResult.authenticatingAuthority: stated in every assertion of this authentication */
  readonly authenticatingAuthority?: string;
  readonly upstreamAttributes?: readonly UpstreamAttribute[];
}

/** Where errors of this login go: its SP and ACS were verified when the transaction opened. */
export function replyTargetOf(tx: LoginTransaction): ReplyTarget {
  return { spEntityID: tx.sp.entityID, acsUrl: tx.request.acsUrl, inResponseTo: tx.request.id, relayState: tx.request.relayState };
}
