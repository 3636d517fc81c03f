// The page language: ?lang= (remembered in a cookie), else the cookie, else Accept-Language.
import type { NextFunction, Request, Response } from 'express';
import { serialize } from 'cookie';
import { COOKIE_LANG, readCookie } from '../flow/cookies.js';
import { isLanguage, negotiateLanguage } from './i18n/catalogue.js';

export function languageMiddleware(req: Request, res: Response, next: NextFunction): void {
  const asked = typeof req.query.lang === 'string' ? req.query.lang : undefined;
  if (isLanguage(asked)) {
    res.locals.lang = asked;
    res.append('Set-Cookie', serialize(COOKIE_LANG, asked, { path: '/', sameSite: 'lax', httpOnly: true, maxAge: 365 * 86400 }));
  } else {
    const remembered = readCookie(req, COOKIE_LANG);
    res.locals.lang = isLanguage(remembered) ? remembered : negotiateLanguage(req.headers['accept-language']);
  }
  next();
}
