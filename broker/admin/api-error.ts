// Every answer of the management API that is not a success: `{ error, reason?, message, issues? }`
// as JSON, never the HTML error page and never a stack. MandateRuleError's code decides the status.
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { MandateRuleError, type MandateRuleCode } from '../mandates/model.js';

export const RULE_STATUS: Record<MandateRuleCode, number> = { 'not-found': 404, forbidden: 403, conflict: 409, invalid: 422 };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    readonly reason?: string,
    readonly issues?: unknown,
  ) {
    super(message);
  }
}

export function sendApiError(res: Response, status: number, error: string, message: string, extra: { reason?: string; issues?: unknown } = {}): void {
  res.status(status).set('Cache-Control', 'no-store').json({ error, ...(extra.reason ? { reason: extra.reason } : {}), message, ...(extra.issues ? { issues: extra.issues } : {}) });
}

export const apiNotFound: RequestHandler = (_req, res) => sendApiError(res, 404, 'not-found', 'no such route');

/** The last handler under /admin/api: typed refusals as their status, body-parser failures as 4xx, the rest as 500. */
export function apiErrorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof MandateRuleError) return sendApiError(res, RULE_STATUS[err.code], err.code, err.message, { reason: err.reason });
    if (err instanceof ApiError) return sendApiError(res, err.status, err.error, err.message, { ...(err.reason ? { reason: err.reason } : {}), issues: err.issues });
    const status = (err as { status?: unknown }).status;
    const type = (err as { type?: unknown }).type;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // body-parser: entity.too.large (413), entity.parse.failed (400), charset/encoding (415)
      const message = status === 413 ? 'the request body is too large' : status === 415 ? 'unsupported content' : 'the request body cannot be read';
      return sendApiError(res, status, status === 413 ? 'too-large' : status === 415 ? 'unsupported-media-type' : 'bad-request', message, typeof type === 'string' ? { reason: type } : {});
    }
    log.error({ err, path: req.path, method: req.method }, 'management API failure');
    sendApiError(res, 500, 'internal', 'the request could not be completed');
  };
}
