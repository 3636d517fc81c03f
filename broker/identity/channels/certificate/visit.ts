// One visit to the certificate registration pages, bound to this browser: a random cookie (path
// /register/certificate) whose hash keys the visit in the ephemeral store, with the CSRF token of
// its form and, once a certificate was presented for an unknown holder, that holder waiting for
// the contact details. The certificate tickets are issued for the visit, so a ticket brought back
// by another browser is refused. Presenting a certificate gains a privilege, so the visit then
// moves to a new cookie (session fixation).
import type { Request, Response } from 'express';
import { serialize } from 'cookie';
import type { Config } from '../../../config.js';
import type { EphemeralStore } from '../../../store/ephemeral.js';
import { cookieSecure, readCookie } from '../../../flow/cookies.js';
import { randomId, sha256 } from '../../../flow/random-id.js';
import { constantEquals } from '../../../constant-equals.js';
import type { PresentedHolder } from './register.js';

const COOKIE = 'pasarela_cert_registration';
const PATH = '/register/certificate';

export interface CertificateVisit {
  readonly id: string;
  readonly csrf: string;
  readonly expiresAt: number;
  readonly presented?: PresentedHolder;
}

export interface CertificateVisits {
  /** this browser's visit, or a new one */
  open(req: Request, res: Response): Promise<CertificateVisit>;
  current(req: Request): Promise<CertificateVisit | undefined>;
  /** the visit when the form's CSRF token is its own */
  forForm(req: Request): Promise<CertificateVisit | undefined>;
  /** a new cookie carrying the presented holder */
  withHolder(res: Response, visit: CertificateVisit, presented: PresentedHolder): Promise<CertificateVisit>;
  end(res: Response, visit: CertificateVisit): Promise<void>;
}

export function createCertificateVisits(cfg: Config, store: EphemeralStore, lifetimeMs: number, now: () => Date): CertificateVisits {
  const KEY = (id: string) => `cert-registration:${id}`;
  const cookieOptions = { httpOnly: true, secure: cookieSecure(cfg), sameSite: 'lax' as const, path: PATH };

  async function current(req: Request): Promise<CertificateVisit | undefined> {
    const cookie = readCookie(req, COOKIE);
    if (!cookie || !/^[A-Za-z0-9_-]{22}$/.test(cookie)) return undefined;
    const raw = await store.get(KEY(sha256(cookie)));
    const visit = raw ? (JSON.parse(raw) as CertificateVisit) : undefined;
    return visit && visit.expiresAt > now().getTime() ? visit : undefined;
  }

  async function start(res: Response, expiresAt: number, presented?: PresentedHolder): Promise<CertificateVisit> {
    const cookie = randomId();
    const visit: CertificateVisit = { id: sha256(cookie), csrf: randomId(), expiresAt, ...(presented ? { presented } : {}) };
    await store.set(KEY(visit.id), JSON.stringify(visit), Math.max(1, expiresAt - now().getTime()));
    res.append('Set-Cookie', serialize(COOKIE, cookie, cookieOptions));
    return visit;
  }

  return {
    current,
    async open(req, res) {
      return (await current(req)) ?? start(res, now().getTime() + lifetimeMs);
    },
    async forForm(req) {
      const visit = await current(req);
      const token = (req.body as Record<string, unknown> | undefined)?.csrf;
      return visit && typeof token === 'string' && constantEquals(token, visit.csrf) ? visit : undefined;
    },
    async withHolder(res, visit, presented) {
      await store.del(KEY(visit.id));
      return start(res, now().getTime() + lifetimeMs, presented);
    },
    async end(res, visit) {
      await store.del(KEY(visit.id));
      res.append('Set-Cookie', serialize(COOKIE, '', { ...cookieOptions, maxAge: 0 }));
    },
  };
}
