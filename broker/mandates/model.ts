// The mandates domain (issue 7, seed 004): who may act for which organisation, for which services,
// until when. These are the shapes every part shares — the registry that enforces the rules
// (registry.ts), the login's representation step (representations.ts), the management API
// (broker/admin/) — so that none of them reads another's tables behind its back.
import type { LoaRung } from '../loa.js';

export type OrganisationIdentifierType = 'kvk' | 'rsin' | 'nif' | 'vat' | 'lei' | 'eidas';

export interface OrganisationIdentifier {
  readonly type: OrganisationIdentifierType;
  /** normalised (identifiers.ts): KvK 8 digits, RSIN 9, NIF upper-case, VAT with country prefix, LEI 20, eIDAS `XX/YY/…` */
  readonly value: string;
}

export interface Address {
  readonly street: string | null;
  readonly postcode: string | null;
  readonly city: string | null;
  /** ISO 3166-1 alpha-2 */
  readonly country: string | null;
}

export interface Branch {
  readonly id: string;
  readonly organisationId: string;
  /** Dutch vestigingsnummer: 12 digits */
  readonly branchNumber: string;
  readonly name: string;
  readonly address: Address | null;
}

export interface Organisation {
  readonly id: string;
  readonly identifier: OrganisationIdentifier;
  readonly name: string;
  readonly rsin: string | null;
  readonly address: Address | null;
  readonly phone: string | null;
  readonly status: 'active' | 'ended';
  readonly endedAt: Date | null;
  readonly branches: readonly Branch[];
  readonly createdAt: Date;
}

export type MemberRole = 'administrator' | 'user';
/** the rung a member must reach at login to act for the organisation (eHerkenning's EH level) */
export type MemberLevel = '2' | '2+' | '3' | '4';
export const MEMBER_LEVELS: readonly MemberLevel[] = ['2', '2+', '3', '4'];

/**
 * Stored status, except that reads report `activation_expired` for an awaiting activation past
 * its deadline and `ended` for a membership whose planned end date has come.
 */
export type MemberStatus = 'awaiting_approval' | 'awaiting_activation' | 'active' | 'activation_expired' | 'rejected' | 'ended';

/** Who the membership is for; bound to a registry person when the member activates. */
export type MemberSubject =
  | { readonly kind: 'registry'; readonly documentType: 'DNI' | 'NIE'; readonly documentNumber: string }
  | { readonly kind: 'eidas'; readonly personIdentifier: string }
  | { readonly kind: 'invitation'; readonly email: string };

export type IdentityDocumentType = 'DNI' | 'NIE' | 'passport' | 'identity-card' | 'residence-permit' | 'driving-licence';

export interface Member {
  readonly id: string;
  readonly organisationId: string;
  /** null until the member activates */
  readonly personId: string | null;
  readonly subject: MemberSubject;
  readonly givenName: string;
  readonly surname: string;
  readonly dateOfBirth: string | null; // yyyy-mm-dd
  readonly idDocument: { readonly type: IdentityDocumentType; readonly number: string; readonly expiry: string | null } | null;
  readonly role: MemberRole;
  readonly level: MemberLevel;
  /** contact details of this membership, for notifications only */
  readonly contactMobile: string | null;
  readonly contactEmail: string;
  readonly status: MemberStatus;
  readonly approvedAt: Date | null;
  readonly activationDeadline: Date | null;
  readonly activatedAt: Date | null;
  readonly rejectionReason: string | null;
  /** planned end (a day, "ends on") */
  readonly endDate: string | null;
  readonly periodEnd: string | null;
  readonly endedAt: Date | null;
  readonly createdAt: Date;
}

export interface NewMember {
  readonly subject: MemberSubject;
  readonly givenName: string;
  readonly surname: string;
  readonly dateOfBirth?: string;
  readonly idDocument?: { readonly type: IdentityDocumentType; readonly number: string; readonly expiry?: string };
  readonly role: MemberRole;
  readonly level: MemberLevel;
  readonly contactMobile?: string;
  readonly contactEmail: string;
  readonly periodEnd?: string;
}

export type Representation = 'none' | 'optional' | 'required';

export interface Service {
  readonly id: string;
  /** e.g. urn:etoegang:DV:00000001234567890000:services:1 */
  readonly serviceId: string;
  readonly serviceUuid: string;
  readonly spEntityID: string;
  /** the AttributeConsumingServiceIndex that selects it; null: only as the SP's default */
  readonly acsIndex: number | null;
  readonly isDefault: boolean;
  readonly names: { readonly nl: string; readonly en: string; readonly es: string };
  readonly minRung: LoaRung;
  readonly representation: Representation;
  readonly acceptsChain: boolean;
}

export type NewService = Omit<Service, 'id'>;

/** what a mandate or chain mandate covers: one service, or every service up to a rung */
export type MandateScope = { readonly kind: 'service'; readonly serviceId: string } | { readonly kind: 'general'; readonly rung: LoaRung };

export interface Mandate {
  readonly id: string;
  readonly organisationId: string;
  readonly memberId: string;
  readonly scope: MandateScope;
  readonly branchId: string | null;
  readonly startDate: string; // yyyy-mm-dd
  /** the first day it no longer holds */
  readonly endDate: string;
  readonly revokedAt: Date | null;
  readonly grantedBy: string | null;
  readonly lastUsedAt: Date | null;
  /** ends within mandates.endingSoonMonths: the UI offers "extend" */
  readonly endingSoon: boolean;
}

export interface ChainMandate {
  readonly id: string;
  readonly clientOrganisationId: string;
  readonly intermediaryOrganisationId: string;
  readonly scope: MandateScope;
  readonly branchId: string | null;
  readonly startDate: string;
  readonly endDate: string;
  readonly revokedAt: Date | null;
  readonly grantedBy: string | null;
  readonly endingSoon: boolean;
}

/** How long a granted or extended mandate runs: the seed's quick choices or a day. */
export type MandateDuration = { readonly years: 1 | 3 | 5 } | { readonly endDate: string };

/**
 * Who asks. Administrators and members are persons logged in through the broker at `rung`;
 * the operator is automation holding the operator token.
 */
export type Actor =
  | { readonly kind: 'person'; readonly personId: string; readonly rung: LoaRung; readonly ip: string | null }
  | { readonly kind: 'operator'; readonly ip: string | null };

/** A refused change: `code` decides the HTTP status, `message` is safe to show. */
export type MandateRuleCode =
  | 'not-found' // 404: unknown, or outside what the actor may see (never tells which)
  | 'forbidden' // 403: the actor may see it but not do this
  | 'conflict' // 409: the current state forbids it (last administrator, already active, …)
  | 'invalid'; // 422: the input breaks a rule (date beyond 5 years, level above one's own, …)

export class MandateRuleError extends Error {
  override name = 'MandateRuleError';
  constructor(
    readonly code: MandateRuleCode,
    message: string,
    /** a stable machine-readable reason, e.g. 'last-administrator', 'level-too-low' */
    readonly reason: string,
  ) {
    super(message);
  }
}

/** One way a person may act at login, valid now for the service at the rung reached. */
export interface RepresentationChoice {
  /** stable key for the choice page: `m:<mandateId>` or `c:<chainMandateId>:<mandateId>` */
  readonly key: string;
  readonly kind: 'direct' | 'chain';
  readonly organisation: { readonly id: string; readonly identifier: OrganisationIdentifier; readonly name: string };
  readonly intermediary: { readonly id: string; readonly identifier: OrganisationIdentifier; readonly name: string } | null;
  readonly branch: { readonly branchNumber: string; readonly name: string } | null;
  readonly mandateId: string;
  readonly chainMandateId: string | null;
}

export interface OrganisationInput {
  readonly identifier: OrganisationIdentifier;
  readonly name: string;
  readonly rsin?: string;
  readonly address?: Address;
  readonly phone?: string;
  readonly branches?: readonly { readonly branchNumber: string; readonly name: string; readonly address?: Address }[];
}

export interface MemberWithMandates extends Member {
  readonly mandates: readonly Mandate[];
  /**
   * The second factor the member's reinforced logins offer first (seed 004's "tweede factor": SMS,
   * authenticator app or e-mail code), read from the person's active Permanente account; null
   * before activation or without such an account. Only its kind: never a number or a secret.
   */
  readonly secondFactor: 'sms' | 'totp' | 'email' | null;
}

export interface ServiceMandates {
  readonly scope: MandateScope;
  /** the service, for a service scope */
  readonly service: Service | null;
  readonly mandates: readonly (Mandate & { readonly member: Pick<Member, 'id' | 'givenName' | 'surname' | 'level' | 'status'> })[];
}

export interface MemberEnd {
  readonly when: 'now' | 'date' | 'period-end';
  /** for `date`: the first day the membership no longer holds; earliest tomorrow */
  readonly date?: string;
  /**
   * The last administrator ending their own membership with no other member left ends the whole
   * organisation (seed 004 §3.4.1); only with this explicit confirmation.
   */
  readonly confirmEndOrganisation?: boolean;
}

/**
 * Every rule of seed 004 is enforced here, in transactions that lock the organisations concerned,
 * so concurrent administrators cannot together break one (e.g. end each other until no
 * administrator is left). Every change is audited and e-mailed (notify outbox) to the member it
 * concerns. Methods throw MandateRuleError for refusals; other errors are bugs or outages.
 */
export interface MandateRegistry {
  // --- operator (token) ---
  createOrganisation(actor: Actor, input: OrganisationInput & { readonly firstAdministrator?: NewMember }): Promise<{ organisation: Organisation; administrator: Member | null }>;
  addBranch(actor: Actor, organisationId: string, branch: { branchNumber: string; name: string; address?: Address }): Promise<Branch>;
  /** awaiting approval → awaiting activation (deadline activationDays); e-mails the activation link */
  approveMember(actor: Actor, memberId: string): Promise<Member>;
  rejectMember(actor: Actor, memberId: string, reason: string): Promise<Member>;
  listPendingMembers(actor: Actor): Promise<readonly Member[]>;
  putService(actor: Actor, service: NewService): Promise<Service>;
  listServices(): Promise<readonly Service[]>;
  findOrganisation(identifier: OrganisationIdentifier): Promise<Organisation | null>;
  /** operator only: the decrypted identity document copy, for the approval review */
  readDocument(actor: Actor, documentId: string): Promise<{ mediaType: string; bytes: Buffer }>;
  /** deletes copies past their delete_after; returns how many */
  purgeDocuments(now: Date): Promise<number>;

  // --- the logged-in person about themselves ---
  /** memberships of the actor (any status but rejected), with their organisations: the switcher */
  myMemberships(actor: Actor): Promise<readonly { member: Member; organisation: Organisation }[]>;
  /** binds the membership named by the e-mailed token to the actor and activates it; the actor's rung must reach the member's level */
  activateMembership(actor: Actor, token: string): Promise<Member>;
  /** after activation only the member changes the contact e-mail (seed 004 §3.7.2) */
  changeOwnContactEmail(actor: Actor, memberId: string, email: string): Promise<Member>;
  myMandates(actor: Actor): Promise<readonly { member: Member; organisation: Organisation; mandates: readonly Mandate[]; chain: readonly { chainMandate: ChainMandate; client: Organisation }[] }[]>;

  // --- administrators of the organisation (every method checks that first) ---
  getOrganisation(actor: Actor, organisationId: string): Promise<Organisation>;
  listMembers(actor: Actor, organisationId: string, opts?: { search?: string }): Promise<readonly Member[]>;
  getMember(actor: Actor, organisationId: string, memberId: string): Promise<MemberWithMandates>;
  /** one request per organisation (the current one and any others the actor administers), all or nothing */
  addMember(actor: Actor, organisationIds: readonly string[], member: NewMember): Promise<readonly Member[]>;
  attachDocument(actor: Actor, organisationId: string, memberId: string, bytes: Buffer): Promise<{ id: string; mediaType: string; byteSize: number }>;
  changeRole(actor: Actor, organisationId: string, memberId: string, role: MemberRole): Promise<Member>;
  changeLevel(actor: Actor, organisationId: string, memberId: string, level: MemberLevel): Promise<Member>;
  /** mobile: awaiting activation or active, never one's own; e-mail: before activation only */
  changeContact(actor: Actor, organisationId: string, memberId: string, change: { mobile?: string; email?: string }): Promise<Member>;
  /** activation expired → awaiting activation with a new deadline and a new link */
  resendActivation(actor: Actor, organisationId: string, memberId: string): Promise<Member>;
  endMember(actor: Actor, organisationId: string, memberId: string, end: MemberEnd): Promise<{ member: Member; organisationEnded: boolean }>;

  listMandates(actor: Actor, organisationId: string): Promise<readonly ServiceMandates[]>;
  /**
   * Bulk, all or nothing (seed 004 §4.2, §4.4, §4.5): every member × scope gets a mandate ending
   * at `duration`; an existing one has its end date overwritten.
   */
  grantMandates(actor: Actor, organisationId: string, grant: { memberIds: readonly string[]; scopes: readonly MandateScope[]; duration?: MandateDuration; branchId?: string }): Promise<readonly Mandate[]>;
  /** extend or shorten; earliest tomorrow, at most maxYears ahead */
  setMandateEnd(actor: Actor, organisationId: string, mandateId: string, duration: MandateDuration): Promise<Mandate>;
  /** immediate: the next login no longer finds it */
  revokeMandate(actor: Actor, organisationId: string, mandateId: string): Promise<void>;

  /** the client's administrator gives an intermediary chain mandates */
  grantChainMandates(actor: Actor, clientOrganisationId: string, grant: { intermediary: OrganisationIdentifier; scopes: readonly MandateScope[]; duration?: MandateDuration; branchId?: string; notifyEmail?: string }): Promise<readonly ChainMandate[]>;
  setChainMandateEnd(actor: Actor, clientOrganisationId: string, chainMandateId: string, duration: MandateDuration): Promise<ChainMandate>;
  revokeChainMandate(actor: Actor, clientOrganisationId: string, chainMandateId: string): Promise<void>;
  /** removes the intermediary with all its chain mandates from this client */
  removeIntermediary(actor: Actor, clientOrganisationId: string, intermediaryOrganisationId: string): Promise<number>;
  listChainMandatesGiven(actor: Actor, organisationId: string): Promise<readonly { intermediary: Organisation; chainMandates: readonly ChainMandate[] }[]>;
  listChainMandatesReceived(actor: Actor, organisationId: string): Promise<readonly { client: Organisation; chainMandates: readonly ChainMandate[] }[]>;
}
