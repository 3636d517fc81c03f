// One visit of a browser to a set of pages that need no login (the registration channels): kept
// in the ephemeral store under the hash of a random cookie only this browser holds, with the CSRF
// token of its forms and what the visit has proved so far (a checked letter code, an appointment
// opened with link and security code, a presented certificate…). Proving something moves the
// visit to a new cookie (`renew`), so a cookie planted in this browser before is worth nothing
// (session fixation). A visit ends at `expiresAt` whatever the activity. The cookie is
// SameSite=Lax on the pages' own path: these pages are reached by top-level navigation only.
import type { Request, Response } from 'express';
import { serialize, type SerializeOptions } from 'cookie';
import type { Config } from '../config.js';
import type { EphemeralStore } from '../store/ephemeral.js';
import { cookieSecure, readCookie } from '../flow/cookies.js';
import { randomId, sha256 } from '../flow/random-id.js';
import { constantEquals } from '../constant-equals.js';
import { BrokerError } from '../errors.js';

export interface VisitBase {
  /** SHA-256 of the cookie: the store key, and what tickets or records bind to */
  readonly id: string;
  readonly csrf: string;
  /** epoch ms, broker clock */
  readonly expiresAt: number;
}

export type Visit<Proved extends object> = VisitBase & Proved;

export interface VisitOptions {
  readonly cookie: string;
  /** the cookie's path: the pages of the channel */
  readonly path: string;
  readonly keyPrefix: string;
  readonly lifetimeMs: number;
}

export interface Visits<Proved extends object> {
  /** this browser's visit, or a new one proving nothing */
  open(req: Request, res: Response): Promise<Visit<Proved>>;
  /** this browser's visit if it has one; creates nothing and checks no token */
  peek(req: Request): Promise<Visit<Proved> | undefined>;
  /** the visit when the form carries its CSRF token (field `csrf`), else undefined */
  formVisit(req: Request): Promise<Visit<Proved> | undefined>;
  /** as formVisit; BrokerError('csrf') without one */
  forForm(req: Request): Promise<Visit<Proved>>;
  /** a new cookie and CSRF token holding only `proved`; the same end unless `restart` */
  renew(res: Response, visit: Visit<Proved>, proved: Proved, opts?: { readonly restart?: boolean }): Promise<Visit<Proved>>;
  /** store changes of what the visit proved, under the same cookie */
  save(visit: Visit<Proved>): Promise<void>;
  end(res: Response, visit: Visit<Proved>): Promise<void>;
}

const COOKIE_VALUE = /^[A-Za-z0-9_-]{22}$/;

export function createVisits<Proved extends object>(cfg: Config, store: EphemeralStore, now: () => Date, opts: VisitOptions): Visits<Proved> {
  const key = (id: string) => `${opts.keyPrefix}:${id}`;
  const cookieOptions: SerializeOptions = { httpOnly: true, secure: cookieSecure(cfg), sameSite: 'lax', path: opts.path };

  function ttlOf(visit: VisitBase): number {
    const ttl = visit.expiresAt - now().getTime();
    if (ttl <= 0) throw new BrokerError('csrf', 'the visit expired');
    return ttl;
  }

  async function peek(req: Request): Promise<Visit<Proved> | undefined> {
    const cookie = readCookie(req, opts.cookie);
    if (!cookie || !COOKIE_VALUE.test(cookie)) return undefined;
    const raw = await store.get(key(sha256(cookie)));
    const visit = raw ? (JSON.parse(raw) as Visit<Proved>) : undefined;
    return visit && visit.expiresAt > now().getTime() ? visit : undefined;
  }

  async function start(res: Response, expiresAt: number, proved: Proved): Promise<Visit<Proved>> {
    const cookie = randomId();
    const visit: Visit<Proved> = { ...proved, id: sha256(cookie), csrf: randomId(), expiresAt };
    await store.set(key(visit.id), JSON.stringify(visit), ttlOf(visit));
    res.append('Set-Cookie', serialize(opts.cookie, cookie, cookieOptions));
    return visit;
  }

  async function formVisit(req: Request): Promise<Visit<Proved> | undefined> {
    const visit = await peek(req);
    const token = (req.body as Record<string, unknown> | undefined)?.csrf;
    return visit && typeof token === 'string' && constantEquals(token, visit.csrf) ? visit : undefined;
  }

  return {
    async open(req, res) {
      return (await peek(req)) ?? start(res, now().getTime() + opts.lifetimeMs, {} as Proved);
    },
    peek,
    formVisit,
    async forForm(req) {
      const visit = await formVisit(req);
      if (!visit) throw new BrokerError('csrf', 'form token missing or wrong');
      return visit;
    },
    async renew(res, visit, proved, renewOpts = {}) {
      await store.del(key(visit.id));
      return start(res, renewOpts.restart ? now().getTime() + opts.lifetimeMs : visit.expiresAt, proved);
    },
    async save(visit) {
      await store.set(key(visit.id), JSON.stringify(visit), ttlOf(visit));
    },
    async end(res, visit) {
      await store.del(key(visit.id));
      res.append('Set-Cookie', serialize(opts.cookie, '', { ...cookieOptions, maxAge: 0 }));
    },
  };
}
