// The broker's cookies. The SSO-session and browser-binding cookies must survive the cross-site
// HTTP-POST binding (an SP on another site posts the AuthnRequest to us), which needs
// SameSite=None, which browsers accept only with Secure. On plain http (development) Secure is
// impossible, so they fall back to SameSite=Lax: SSO then works over the Redirect binding only.
// This is the documented development exception (docs/architecture.md).
import type { Request, Response } from 'express';
import { parse, serialize, type SerializeOptions } from 'cookie';
import type { Config } from '../config.js';

export const COOKIE_SSO = 'pasarela_sso';
export const COOKIE_BROWSER = 'pasarela_browser';
export const COOKIE_LANG = 'pasarela_lang';

export function cookieSecure(cfg: Config): boolean {
  if (cfg.flow.cookieSecure === 'always') return true;
  if (cfg.flow.cookieSecure === 'never') return false;
  return cfg.publicUrl.startsWith('https:');
}

function baseOptions(cfg: Config): SerializeOptions {
  const secure = cookieSecure(cfg);
  // No maxAge: the cookie ends with the browser, as Cl@ve's does; the server enforces lifetimes.
  return { httpOnly: true, secure, sameSite: secure ? 'none' : 'lax', path: '/' };
}

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  return parse(header)[name];
}

export function setCookie(res: Response, cfg: Config, name: string, value: string): void {
  res.append('Set-Cookie', serialize(name, value, baseOptions(cfg)));
}

export function clearCookie(res: Response, cfg: Config, name: string): void {
  res.append('Set-Cookie', serialize(name, '', { ...baseOptions(cfg), maxAge: 0 }));
}
