// One management API route, described once: method, path, who may call it, the zod schemas of
// its params, query, body and response, and a summary. mount.ts serves the table with validation;
// openapi.ts publishes the same table as an OpenAPI 3.1 document, so the two cannot drift apart.
import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Actor, MandateRegistry } from '../../mandates/model.js';
import type { BrokerServices } from '../../services.js';
import type { AdminLogin } from '../session/admin-session.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** session: a logged-in administrator (cookie; CSRF header on changes); operator: the bearer token */
export type Access = 'session' | 'operator';

/** a file answer (exports, identity document copies) instead of JSON */
export interface FileResponse {
  readonly kind: 'file';
  readonly mediaTypes: readonly string[];
}

export interface FileReply {
  readonly kind: 'file';
  readonly mediaType: string;
  /** sent as Content-Disposition: attachment */
  readonly filename: string;
  readonly bytes: Buffer;
}

export interface RouteContext<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly actor: Actor;
  /** the session of a `session` route */
  readonly login: AdminLogin | undefined;
  readonly registry: MandateRegistry;
  readonly services: BrokerServices;
  readonly req: Request;
  readonly res: Response;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteSpec<P extends z.ZodType | undefined, Q extends z.ZodType | undefined, B extends z.ZodType | undefined> {
  readonly method: HttpMethod;
  /** express path under /admin/api, e.g. /organisations/:organisationId/members */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  readonly access: Access;
  readonly params?: P;
  readonly query?: Q;
  /** a JSON body */
  readonly body?: B;
  /** a raw body of these media types instead of JSON (the identity document upload) */
  readonly rawBody?: { readonly mediaTypes: readonly string[] };
  /** 200 unless told; 204 answers nothing */
  readonly status?: 200 | 201 | 204;
  /** the JSON answer's schema, a file, or null for 204 */
  readonly response: z.ZodType | FileResponse | null;
  /** the JSON answer (validated against `response`), a FileReply, or nothing for 204 */
  readonly handle: (ctx: RouteContext<Out<P>, Out<Q>, Out<B>>) => Promise<unknown>;
}

export type ApiRoute = RouteSpec<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>;

/** Types the handler's context from the schemas, then forgets them for the table. */
export function defineRoute<P extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, B extends z.ZodType | undefined = undefined>(
  spec: RouteSpec<P, Q, B>,
): ApiRoute {
  return spec as unknown as ApiRoute;
}

export function isFileResponse(r: ApiRoute['response']): r is FileResponse {
  return r !== null && (r as FileResponse).kind === 'file';
}

export function isFileReply(v: unknown): v is FileReply {
  return typeof v === 'object' && v !== null && (v as FileReply).kind === 'file' && Buffer.isBuffer((v as FileReply).bytes);
}
