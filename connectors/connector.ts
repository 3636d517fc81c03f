// The contract every connector implements (design.md "The connector contract"). A connector runs
// its own pages under /connectors/<id>/, reaches the broker only through ConnectorContext, never
// writes SAML, and ends a login in one of three ways: ctx.finish, ctx.fail, or re-rendering its
// own page with a message (a wrong code is not a failed login).
import type { Request, Response, Router } from 'express';
import type { LoaRung } from '../broker/loa.js';
import type { AuthnResult, LoginTransaction } from '../broker/flow/login-transaction.js';
import type { EphemeralStore } from '../broker/store/ephemeral.js';
import type { IdentityRegistry } from '../broker/identity/registry.js';
import type { Notify } from '../broker/notify/notify.js';
import type { RateLimiter } from '../broker/flow/rate-limit.js';
import type { PageRenderer } from '../broker/web/render.js';
import type { Config } from '../broker/config.js';
import type { Logger } from 'pino';
import type { Credentials } from '../broker/identity/credentials.js';
import type { AuditLog } from '../broker/store/audit-log.js';
import type { DeviceRegistry } from '../broker/identity/devices/registry.js';

export interface Connector {
  readonly id: string;
  /** the highest rung this connector can reach now, for this transaction and configuration */
  reachableLoa(tx: LoginTransaction): LoaRung | undefined;
  /** whether a person authenticated this way may act for an organisation */
  readonly allowsRepresentation: boolean;
  /** message key of the selector label and description */
  readonly labelKey: string;
  /** mount its pages and endpoints under /connectors/<id> */
  mount(router: Router, ctx: ConnectorContext): void;
  /**
   * Optional: mount addresses outside /connectors/<id> that a specification fixes (the eIDAS
   * connector metadata at /eidas/metadata). The router is the app's root; nothing here may use a
   * login transaction.
   */
  mountPublic?(router: Router, ctx: ConnectorContext): void;
  /** Optional: why parts of this connector cannot be used now, for /readyz warnings (never secrets) */
  readinessWarnings?(): string[];
  /** Optional: stop its timers (the broker closes) */
  close?(): void;
}

export type LoginFailure = 'cancelled' | 'denied' | 'upstream-failed' | 'upstream-denied' | 'upstream-loa-too-low';

export interface ConnectorContext {
  readonly config: Config;
  readonly log: Logger;
  readonly ephemeral: EphemeralStore;
  readonly identity: IdentityRegistry;
  readonly credentials: Credentials;
  readonly audit: AuditLog;
  /** Cl@ve app devices (one active per person); signed app calls: broker/identity/devices/signed-request.ts */
  readonly devices: DeviceRegistry;
  /** send (SMS, e-mail), push to a device, deliverCode (app or SMS, chosen from the person's devices) */
  readonly notify: Notify;
  readonly rateLimit: RateLimiter;
  readonly pages: PageRenderer;
  /** the broker's clock (tests move it) */
  now(): Date;
  /**
   * The transaction named in the request (path parameter `tx`), checked against the browser
   * binding cookie; throws a BrokerError('transaction-unknown') otherwise.
   */
  loadTransaction(req: Request): Promise<LoginTransaction>;
  /** refuses a form without this login's CSRF token (BrokerError 'csrf') */
  checkCsrf(tx: LoginTransaction, body: unknown): void;
  /** replace this connector's private state in the transaction */
  saveState(tx: LoginTransaction, connectorId: string, state: unknown): Promise<LoginTransaction>;
  /** hand an authentication back; the broker caps, checks and continues the flow */
  finish(req: Request, res: Response, tx: LoginTransaction, result: AuthnResult): Promise<void>;
  /** end the login with an error that goes back to the SP (e.g. 'cancelled'); `upstream-*`: an upstream IdP's answer */
  fail(req: Request, res: Response, tx: LoginTransaction, code: LoginFailure): Promise<void>;
}

export interface ConnectorFactory {
  readonly id: string;
  create(config: Config): Connector;
}
