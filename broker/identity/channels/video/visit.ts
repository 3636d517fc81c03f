// One visit to the video identification pages: kept in the ephemeral store under the hash of a
// random cookie only this browser holds, with the CSRF token of its forms and what the visit has
// proved (the appointment opened with link and security code; the activation opened with link
// and activation code). Proving something moves the visit to a new cookie, so a cookie planted
// in this browser before is worth nothing (session fixation). A visit lasts VISIT_MS from its
// start, whatever the activity.
import type { Request, Response } from 'express';
import type { Config } from '../../../config.js';
import type { EphemeralStore } from '../../../store/ephemeral.js';
import { clearCookie, readCookie, setCookie } from '../../../flow/cookies.js';
import { randomId, sha256 } from '../../../flow/random-id.js';
import { constantEquals } from '../../../constant-equals.js';
import { BrokerError } from '../../../errors.js';

export const COOKIE_VIDEO = 'pasarela_video';
/** long enough to scan both sides of a document, short enough that a forgotten tab closes */
const VISIT_MS = 30 * 60_000;

export interface VideoVisit {
  readonly id: string;
  readonly csrf: string;
  readonly expiresAt: number;
  /** the request whose appointment link and security code were given */
  readonly appointment?: string;
  /** the request whose activation link and code were given, and the keys being set up */
  readonly activation?: { readonly requestId: string; readonly personId: string; readonly totpDraft?: string };
}

export interface VideoVisits {
  open(req: Request, res: Response): Promise<VideoVisit>;
  /** the visit of this browser if it has one; creates nothing and checks no token */
  peek(req: Request): Promise<VideoVisit | undefined>;
  /** the visit of this browser; BrokerError('csrf') without one or with a wrong token */
  forForm(req: Request): Promise<VideoVisit>;
  /** a new cookie and token, the same end, holding only `proved` */
  renew(res: Response, visit: VideoVisit, proved: Pick<VideoVisit, 'appointment' | 'activation'>): Promise<VideoVisit>;
  save(visit: VideoVisit): Promise<void>;
  end(res: Response, visit: VideoVisit): Promise<void>;
}

export function createVideoVisits(cfg: Config, store: EphemeralStore, now: () => Date): VideoVisits {
  const KEY = (id: string) => `video-visit:${id}`;

  async function current(req: Request): Promise<VideoVisit | undefined> {
    const cookie = readCookie(req, COOKIE_VIDEO);
    if (!cookie || !/^[A-Za-z0-9_-]{22}$/.test(cookie)) return undefined;
    const raw = await store.get(KEY(sha256(cookie)));
    const visit = raw ? (JSON.parse(raw) as VideoVisit) : undefined;
    return visit && visit.expiresAt > now().getTime() ? visit : undefined;
  }

  function ttlOf(visit: VideoVisit): number {
    const ttl = visit.expiresAt - now().getTime();
    if (ttl <= 0) throw new BrokerError('csrf', 'the visit expired');
    return ttl;
  }

  async function start(res: Response, expiresAt: number, proved: Pick<VideoVisit, 'appointment' | 'activation'> = {}): Promise<VideoVisit> {
    const cookie = randomId();
    const visit: VideoVisit = { id: sha256(cookie), csrf: randomId(), expiresAt, ...proved };
    await store.set(KEY(visit.id), JSON.stringify(visit), ttlOf(visit));
    setCookie(res, cfg, COOKIE_VIDEO, cookie);
    return visit;
  }

  return {
    async open(req, res) {
      return (await current(req)) ?? start(res, now().getTime() + VISIT_MS);
    },
    peek: current,
    async forForm(req) {
      const visit = await current(req);
      const token = (req.body as Record<string, unknown> | undefined)?.csrf;
      if (!visit || typeof token !== 'string' || !constantEquals(token, visit.csrf)) throw new BrokerError('csrf', 'form token missing or wrong');
      return visit;
    },
    async renew(res, visit, proved) {
      await store.del(KEY(visit.id));
      return start(res, visit.expiresAt, proved);
    },
    async save(visit) {
      await store.set(KEY(visit.id), JSON.stringify(visit), ttlOf(visit));
    },
    async end(res, visit) {
      await store.del(KEY(visit.id));
      clearCookie(res, cfg, COOKIE_VIDEO);
    },
  };
}
