// The state of one visit to the password-management pages (activation, forgotten password,
// change, cancellation, second factors): kept server-side in the ephemeral store under the hash
// of a random cookie only this browser holds, with the CSRF token of its forms. It lives
// accountSessionSeconds from its start, never longer, whatever the activity.
import type { Request, Response } from 'express';
import type { Config } from '../../broker/config.js';
import type { EphemeralStore } from '../../broker/store/ephemeral.js';
import { clearCookie, readCookie, setCookie } from '../../broker/flow/cookies.js';
import { randomId, sha256 } from '../../broker/flow/random-id.js';
import { constantEquals } from '../../broker/constant-equals.js';
import { BrokerError } from '../../broker/errors.js';

export const COOKIE_ACCOUNT = 'pasarela_account';

export type PendingAction =
  | { kind: 'change-password'; passwordHash: string }
  | { kind: 'cancel' }
  | { kind: 'enrol-totp'; sealedSecret: string; timeStep: number }
  | { kind: 'remove-totp' }
  | { kind: 'email-codes'; enabled: boolean }
  | { kind: 'second-factor'; factor: 'sms' | 'totp' | 'email' };

export interface AccountFlow {
  readonly id: string;
  readonly csrf: string;
  readonly expiresAt: number;
  /** set once the person proved who they are: the password (management) or activation code + one-time code */
  readonly personId?: string;
  /** activation / forgotten password: which one, and how far */
  readonly recovery?: { purpose: 'activate' | 'forgot'; personId: string; codeConfirmed: boolean };
  /** a change waiting for its one-time code */
  readonly pending?: PendingAction;
  /** a new authenticator secret shown but not yet confirmed */
  readonly totpDraft?: string;
}

export interface AccountFlows {
  /** the flow of this browser, or a new one */
  open(req: Request, res: Response): Promise<AccountFlow>;
  /** the flow of this browser; BrokerError('csrf') without one or with a wrong token */
  forForm(req: Request): Promise<AccountFlow>;
  save(flow: AccountFlow): Promise<void>;
  /**
   * Replaces the flow by a new one (new cookie, new CSRF token, same end) holding only `carry`:
   * when the flow gains a privilege (a sign-in, a confirmed recovery code), so that a cookie
   * planted in or copied from this browser before that is worth nothing (session fixation).
   */
  renew(res: Response, flow: AccountFlow, carry: Pick<AccountFlow, 'personId' | 'recovery'>): Promise<AccountFlow>;
  end(res: Response, flow: AccountFlow): Promise<void>;
}

export function createAccountFlows(cfg: Config, store: EphemeralStore, now: () => Date): AccountFlows {
  const lifetimeMs = cfg.connectors.permanente.accountSessionSeconds * 1000;
  const KEY = (id: string) => `permanente-account:${id}`;

  async function current(req: Request): Promise<AccountFlow | undefined> {
    const cookie = readCookie(req, COOKIE_ACCOUNT);
    if (!cookie || !/^[A-Za-z0-9_-]{22}$/.test(cookie)) return undefined;
    const raw = await store.get(KEY(sha256(cookie)));
    const flow = raw ? (JSON.parse(raw) as AccountFlow) : undefined;
    return flow && flow.expiresAt > now().getTime() ? flow : undefined;
  }

  return {
    async open(req, res) {
      const existing = await current(req);
      if (existing) return existing;
      const cookie = randomId();
      const flow: AccountFlow = { id: sha256(cookie), csrf: randomId(), expiresAt: now().getTime() + lifetimeMs };
      await store.set(KEY(flow.id), JSON.stringify(flow), lifetimeMs);
      setCookie(res, cfg, COOKIE_ACCOUNT, cookie);
      return flow;
    },
    async forForm(req) {
      const flow = await current(req);
      const token = (req.body as Record<string, unknown> | undefined)?.csrf;
      if (!flow || typeof token !== 'string' || !constantEquals(token, flow.csrf)) throw new BrokerError('csrf', 'form token missing or wrong');
      return flow;
    },
    async save(flow) {
      const ttl = flow.expiresAt - now().getTime();
      if (ttl <= 0) throw new BrokerError('csrf', 'the password-management session expired');
      await store.set(KEY(flow.id), JSON.stringify(flow), ttl);
    },
    async renew(res, flow, carry) {
      const ttl = flow.expiresAt - now().getTime();
      if (ttl <= 0) throw new BrokerError('csrf', 'the password-management session expired');
      await store.del(KEY(flow.id));
      const cookie = randomId();
      const next: AccountFlow = { id: sha256(cookie), csrf: randomId(), expiresAt: flow.expiresAt, ...carry };
      await store.set(KEY(next.id), JSON.stringify(next), ttl);
      setCookie(res, cfg, COOKIE_ACCOUNT, cookie);
      return next;
    },
    async end(res, flow) {
      await store.del(KEY(flow.id));
      clearCookie(res, cfg, COOKIE_ACCOUNT);
    },
  };
}
