// Headers every response of the broker carries (design.md "Web security"). Pages are never
// framed, never cached (they show or take codes, or carry a transaction), and load nothing from
// elsewhere. The auto-submitting form that returns to an SP widens form-action to that ACS origin
// and its scheme (the ACS may redirect onwards) and allows its one inline script by nonce
// (flow/post-to-sp.ts).
import type { NextFunction, Request, Response } from 'express';

export const BASE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Content-Security-Policy', BASE_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  next();
}
