// The registrar API (mounted at /api/registrar): registration offices and tools/registrar.ts add
// persons through the running broker, the only process that may open an embedded database.
// Off unless a token is configured (every route answers 404 then); with one, a bearer token
// compared in constant time. Answers never carry the internal person id. A person registered with
// a DNI/NIE receives a Cl@ve Permanente activation code: it is in the answer once, and only its
// hash is stored (seed 000 §5.3.1, §5.4.3).
import { requireBearerToken } from '../web/bearer-token.js';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Person } from './person.js';
import type { IdentityRegistry } from './registry.js';
import { IdentityError } from './registry-db.js';
import { describeIssues, newPersonSchema } from './seed.js';
import type { PermanenteAccounts } from './permanente-accounts.js';
import type { AuditLog } from '../store/audit-log.js';
import { registerPerson, renewActivationCode, type RegistrationDeps } from './registration.js';

export interface RegistrarApiOptions {
  /** bearer token; undefined turns the API off */
  token: string | undefined;
  accounts: PermanenteAccounts;
  audit: AuditLog;
  now: () => Date;
}

const STATUS: Record<IdentityError['code'], number> = { invalid: 400, 'invalid-document': 400, 'mobile-taken': 409, duplicate: 409, 'not-found': 404, inactive: 409 };

export function createRegistrarRouter(registry: IdentityRegistry, opts: RegistrarApiOptions): express.Router {
  const router = express.Router();
  const deps: RegistrationDeps = { registry, accounts: opts.accounts, audit: opts.audit, now: opts.now };

  router.use(requireBearerToken(opts.token, 'registrar', 'registrar API'));
  router.use(express.json({ limit: '16kb' }));

  router.post('/persons', async (req, res) => {
    const parsed = newPersonSchema.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: 'invalid', message: `not a person:\n${describeIssues(parsed.error)}` });
    try {
      const { person, activationCode } = await registerPerson(deps, parsed.data, req.ip);
      res.status(201).json({ ...publicView(person), ...(activationCode ? { activationCode } : {}) });
    } catch (err) {
      identityFailure(res, err);
    }
  });

  // Regenerating the code (seed §5.4.3) unblocks it and reopens a cancelled account.
  router.post('/persons/:documentNumber/activation-code', async (req, res) => {
    try {
      const { person, activationCode } = await renewActivationCode(deps, String(req.params.documentNumber), req.ip);
      res.status(201).json({ documentNumber: person.documentNumber, activationCode });
    } catch (err) {
      identityFailure(res, err);
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

function identityFailure(res: Response, err: unknown): void {
  if (!(err instanceof IdentityError)) throw err;
  res.status(STATUS[err.code]).json({ error: err.code, message: err.message });
}

/** The person as the API shows it: everything but the internal id. */
export function publicView(p: Person): Omit<Person, 'id' | 'createdAt'> & { createdAt: string } {
  const { id: _id, createdAt, ...rest } = p;
  return { ...rest, createdAt: createdAt.toISOString() };
}
