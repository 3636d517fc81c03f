// Binds a LoginTransaction to the browser that started it: a random cookie only that browser
// holds; the transaction stores its hash, so a transaction id copied elsewhere is useless.
import type { Request, Response } from 'express';
import type { Config } from '../config.js';
import { COOKIE_BROWSER, readCookie, setCookie } from './cookies.js';
import { randomId, sha256 } from './random-id.js';

export function ensureBrowserBinding(req: Request, res: Response, cfg: Config): string {
  let value = readCookie(req, COOKIE_BROWSER);
  if (!value || !/^[A-Za-z0-9_-]{22}$/.test(value)) {
    value = randomId();
    setCookie(res, cfg, COOKIE_BROWSER, value);
  }
  return sha256(value);
}

export function browserBindingOf(req: Request): string | undefined {
  const value = readCookie(req, COOKIE_BROWSER);
  return value ? sha256(value) : undefined;
}
