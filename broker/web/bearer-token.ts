// Bearer-token guard of the management APIs (registrar, audit): off unless a token is configured
// (every route answers 404 then, so an unconfigured broker does not even show the API exists);
// with one, the token compared in constant time, and answers never cached.
import type { RequestHandler } from 'express';
import { constantEquals } from '../constant-equals.js';

export function requireBearerToken(expected: string | undefined, realm: string, api: string): RequestHandler {
  return (req, res, next) => {
    if (!expected) return void res.status(404).json({ error: 'not-found', message: `the ${api} is not enabled` });
    const m = /^Bearer ([^\s]+)$/i.exec(req.get('authorization') ?? '');
    if (!m || !constantEquals(m[1]!, expected)) {
      res.set('WWW-Authenticate', `Bearer realm="${realm}"`);
      return void res.status(401).json({ error: 'unauthorized', message: 'a valid bearer token is required' });
    }
    res.set('Cache-Control', 'no-store');
    next();
  };
}
