// The registrar API (mounted at /api/registrar): registration offices and tools/registrar.ts add
// persons through the running broker, the only process that may open an embedded database.
// Off unless a token is configured (every route answers 404 then); with one, a bearer token
// compared in constant time. Answers never carry the internal person id.
import { constantEquals } from '../constant-equals.js';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Person } from './person.js';
import type { IdentityRegistry } from './registry.js';
import { IdentityError } from './registry-db.js';
import { describeIssues, newPersonSchema } from './seed.js';

export interface RegistrarApiOptions {
  /** bearer token; undefined turns the API off */
  token: string | undefined;
}

const STATUS: Record<IdentityError['code'], number> = { invalid: 400, 'invalid-document': 400, 'mobile-taken': 409, duplicate: 409 };

export function createRegistrarRouter(registry: IdentityRegistry, opts: RegistrarApiOptions): express.Router {
  const router = express.Router();
  const expected = opts.token;

  router.use((req, res, next) => {
    if (!expected) return void res.status(404).json({ error: 'not-found', message: 'the registrar API is not enabled' });
    const m = /^Bearer ([^\s]+)$/i.exec(req.get('authorization') ?? '');
    if (!m || !constantEquals(m[1]!, expected)) {
      res.set('WWW-Authenticate', 'Bearer realm="registrar"');
      return void res.status(401).json({ error: 'unauthorized', message: 'a valid bearer token is required' });
    }
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use(express.json({ limit: '16kb' }));

  router.post('/persons', async (req, res) => {
    const parsed = newPersonSchema.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: 'invalid', message: `not a person:\n${describeIssues(parsed.error)}` });
    try {
      res.status(201).json(publicView(await registry.add(parsed.data)));
    } catch (err) {
      if (!(err instanceof IdentityError)) throw err;
      res.status(STATUS[err.code]).json({ error: err.code, message: err.message });
    }
  });

  router.get('/persons/:documentNumber', async (req, res) => {
    const person = await registry.findByDocument(String(req.params.documentNumber));
    if (!person) return void res.status(404).json({ error: 'not-found', message: 'no person with this document number' });
    res.json(publicView(person));
  });

  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const e = err as { type?: string; status?: number };
    if (e?.type === 'entity.parse.failed') return void res.status(400).json({ error: 'invalid', message: 'the body is not valid JSON' });
    if (e?.type === 'entity.too.large') return void res.status(413).json({ error: 'invalid', message: 'the body is too large' });
    next(err);
  });
  return router;
}

/** The person as the API shows it: everything but the internal id. */
export function publicView(p: Person): Omit<Person, 'id' | 'createdAt'> & { createdAt: string } {
  const { id: _id, createdAt, ...rest } = p;
  return { ...rest, createdAt: createdAt.toISOString() };
}
