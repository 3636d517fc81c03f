// Multipart form bodies (the identity document copy of a new user), parsed by the platform's own
// WHATWG `Response.formData()` (undici, in Node) after express.raw has capped the body size: no
// upload library, and nothing is written to disk. Text fields become `req.body` like a url-encoded
// form; files are kept in memory for the handler (the registry decides their type by content).
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';

export interface UploadedFile {
  /** the name the browser sent: shown back at most, never trusted */
  readonly filename: string;
  readonly bytes: Buffer;
}

export function uploadedFiles(res: Response, name: string): UploadedFile[] {
  const files = res.locals.uploadedFiles as Record<string, UploadedFile[]> | undefined;
  return files?.[name] ?? [];
}

/** Parses a multipart/form-data body of at most `limitBytes`; a larger one fails with 413. */
export function multipartBody(limitBytes: number): RequestHandler[] {
  return [
    express.raw({ type: 'multipart/form-data', limit: limitBytes }),
    (req, res, next) => {
      const contentType = req.get('content-type') ?? '';
      if (!Buffer.isBuffer(req.body) || !contentType.startsWith('multipart/form-data')) {
        req.body = {};
        res.locals.uploadedFiles = {};
        return next();
      }
      // a copy: the platform wants bytes over a plain ArrayBuffer, a Buffer may sit on a shared pool
      new Response(Uint8Array.from(req.body as Buffer), { headers: { 'content-type': contentType } })
        .formData()
        .then(async (data) => {
          const fields: Record<string, string | string[]> = {};
          const files: Record<string, UploadedFile[]> = {};
          for (const [name, value] of data.entries()) {
            if (typeof value === 'string') {
              const prev = fields[name];
              fields[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
            } else if (value.size > 0 || value.name) {
              // an empty file input is sent as a nameless empty part: no file chosen
              (files[name] ??= []).push({ filename: value.name, bytes: Buffer.from(await value.arrayBuffer()) });
            }
          }
          req.body = fields;
          res.locals.uploadedFiles = files;
          next();
        })
        .catch(() => next(Object.assign(new Error('the multipart body cannot be read'), { status: 400, type: 'multipart.parse.failed' })));
    },
  ];
}

/**
 * After a multipart route's handler: a body over the cap (express.raw's 413, nothing parsed, so
 * no field and no CSRF token was read) shows the route's form again, empty, with `show`'s error on
 * the file field, instead of the generic 413 page. Showing a form changes nothing, so no token is
 * needed for it; any other error goes on.
 */
export function bodyTooLargeShowsForm(show: (req: Request, res: Response) => void | Promise<void>): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if ((err as { type?: unknown } | null)?.type !== 'entity.too.large') return next(err);
    res.locals.uploadedFiles = {};
    Promise.resolve(show(req, res)).catch(next);
  };
}
