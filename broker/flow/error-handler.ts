// The one place that decides where an error goes (style.md §5): the outcome table of
// broker/errors.ts, and above it the rule that without a verified reply target (SP + ACS from
// metadata) the browser gets a page, never a redirect. Details go to the log under a reference
// the page shows; nothing internal reaches the browser or the SP.
import type { NextFunction, Request, Response } from 'express';
import { randomBytes } from 'node:crypto';
import type { BrokerServices } from '../services.js';
import { BrokerError, isBrokerError } from '../errors.js';
import { html } from '../web/html.js';
import { replyStatus } from './reply-status.js';

export function renderErrorPage(services: BrokerServices, req: Request, res: Response, code: string, http: number, ref: string): void {
  const { pages } = services;
  const key = `error.${code}`;
  let message: string;
  try {
    message = pages.t(res, key);
  } catch {
    message = pages.t(res, 'error.generic');
  }
  pages.send(req, res, {
    status: http,
    title: pages.t(res, 'error.title'),
    body: html`<p class="error" role="alert">${message}</p><p>${pages.t(res, 'error.reference', { ref })}</p>`,
  });
}

export function errorHandler(services: BrokerServices) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const ref = randomBytes(6).toString('hex');
    if (res.headersSent) {
      services.log.error({ err, ref }, 'error after the response started');
      return;
    }
    // Body-parser and similar errors arrive as HTTP errors with a status.
    if (!isBrokerError(err)) {
      const status = (err as { status?: number }).status;
      if (status && status >= 400 && status < 500) {
        services.log.warn({ ref, status, msg: (err as Error).message }, 'bad request');
        renderErrorPage(services, req, res, 'request-malformed', status, ref);
        return;
      }
      services.log.error({ err, ref }, 'unexpected error');
      renderErrorPage(services, req, res, 'generic', 500, ref);
      return;
    }
    services.metrics.samlErrors.inc({ kind: err.code });
    services.log.warn({ ref, code: err.code, detail: err.detail }, err.message);
    const outcome = err.outcome;
    if (outcome.to === 'sp' && err.replyTo) {
      try {
        replyStatus(services, res, err, err.replyTo);
      } catch (e) {
        services.log.error({ err: e, ref }, 'cannot build the status response');
        renderErrorPage(services, req, res, 'generic', 500, ref);
      }
      return;
    }
    renderErrorPage(services, req, res, err.code, outcome.to === 'page' ? outcome.http : 400, ref);
  };
}

export function notFound(_req: Request, _res: Response, next: NextFunction): void {
  next(new BrokerError('not-found', 'not found'));
}
