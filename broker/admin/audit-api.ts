// The audit log API (mounted at /api/audit), read-only: `pasarela audit export --broker` reads the
// log through it when the broker holds an embedded database no other process may open. Off unless
// api.auditToken is set; its own token, so a registration office's token cannot read the log.
// GET /entries?since&until&subject&action&limit&after → { entries, next }: one page in time
// order; `next` is the cursor of the following page, absent at the end.
import express from 'express';
import type { Kysely } from 'kysely';
import type { DbSchema } from '../store/schema.js';
import { auditPage, DEFAULT_PAGE, InvalidCursorError } from '../store/audit-export.js';
import { requireBearerToken } from '../web/bearer-token.js';

const MAX_PAGE = 10_000;

export function createAuditRouter(db: Kysely<DbSchema>, token: string | undefined): express.Router {
  const router = express.Router();
  router.use(requireBearerToken(token, 'audit', 'audit API'));
  router.get('/entries', async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const text = (k: string) => (typeof q[k] === 'string' ? (q[k] as string) : undefined);
    const instant = (k: string) => {
      const v = text(k);
      return v === undefined ? undefined : new Date(v);
    };
    const since = instant('since');
    const until = instant('until');
    const limit = text('limit') === undefined ? DEFAULT_PAGE : Number(text('limit'));
    if ((since && Number.isNaN(since.getTime())) || (until && Number.isNaN(until.getTime())))
      return void res.status(400).json({ error: 'invalid', message: 'since and until must be ISO 8601 date-times' });
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) return void res.status(400).json({ error: 'invalid', message: `limit must be 1 to ${MAX_PAGE}` });
    try {
      const page = await auditPage(db, { since, until, subject: text('subject'), actionPrefix: text('action') }, text('after'), limit);
      res.json(page);
    } catch (err) {
      if (!(err instanceof InvalidCursorError)) throw err;
      res.status(400).json({ error: 'invalid', message: err.message });
    }
  });
  return router;
}
