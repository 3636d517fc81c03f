// One visit to the invitation-letter pages: kept in the ephemeral store under the hash of a random
// cookie only this browser holds, with the CSRF token of its forms and, once a CSV was checked,
// which letter and resident the contact-details form completes. It lives `lifetimeMs` from its
// start. Checking a CSV gains a privilege, so the visit then moves to a new cookie (a cookie
// planted in this browser before is worth nothing: session fixation).
import type { Request, Response } from 'express';
import type { Config } from '../../../config.js';
import type { EphemeralStore } from '../../../store/ephemeral.js';
import { clearCookie, readCookie, setCookie } from '../../../flow/cookies.js';
import { randomId, sha256 } from '../../../flow/random-id.js';
import { constantEquals } from '../../../constant-equals.js';
import { BrokerError } from '../../../errors.js';

export const COOKIE_REGISTRATION = 'pasarela_registration';

export interface LetterVisit {
  readonly id: string;
  readonly csrf: string;
  readonly expiresAt: number;
  /** a CSV checked against the open letter of this resident, waiting for the contact details */
  readonly checked?: { readonly letterId: string; readonly documentNumber: string };
}

export interface LetterVisits {
  /** the visit of this browser, or a new one */
  open(req: Request, res: Response): Promise<LetterVisit>;
  /** the visit of this browser; BrokerError('csrf') without one or with a wrong token */
  forForm(req: Request): Promise<LetterVisit>;
  /** a new cookie and CSRF token, the same end, carrying `checked` */
  renew(res: Response, visit: LetterVisit, checked: LetterVisit['checked']): Promise<LetterVisit>;
  end(res: Response, visit: LetterVisit): Promise<void>;
}

export function createLetterVisits(cfg: Config, store: EphemeralStore, lifetimeMs: number, now: () => Date): LetterVisits {
  const KEY = (id: string) => `letter-visit:${id}`;

  async function current(req: Request): Promise<LetterVisit | undefined> {
    const cookie = readCookie(req, COOKIE_REGISTRATION);
    if (!cookie || !/^[A-Za-z0-9_-]{22}$/.test(cookie)) return undefined;
    const raw = await store.get(KEY(sha256(cookie)));
    const visit = raw ? (JSON.parse(raw) as LetterVisit) : undefined;
    return visit && visit.expiresAt > now().getTime() ? visit : undefined;
  }

  async function start(res: Response, expiresAt: number, checked?: LetterVisit['checked']): Promise<LetterVisit> {
    const ttl = expiresAt - now().getTime();
    if (ttl <= 0) throw new BrokerError('csrf', 'the registration visit expired');
    const cookie = randomId();
    const visit: LetterVisit = { id: sha256(cookie), csrf: randomId(), expiresAt, ...(checked ? { checked } : {}) };
    await store.set(KEY(visit.id), JSON.stringify(visit), ttl);
    setCookie(res, cfg, COOKIE_REGISTRATION, cookie);
    return visit;
  }

  return {
    async open(req, res) {
      return (await current(req)) ?? start(res, now().getTime() + lifetimeMs);
    },
    async forForm(req) {
      const visit = await current(req);
      const token = (req.body as Record<string, unknown> | undefined)?.csrf;
      if (!visit || typeof token !== 'string' || !constantEquals(token, visit.csrf)) throw new BrokerError('csrf', 'form token missing or wrong');
      return visit;
    },
    async renew(res, visit, checked) {
      await store.del(KEY(visit.id));
      return start(res, visit.expiresAt, checked);
    },
    async end(res, visit) {
      await store.del(KEY(visit.id));
      clearCookie(res, cfg, COOKIE_REGISTRATION);
    },
  };
}
