// One app API route, described once: method, path, signed or not, the zod schemas of its body and
// answer, a summary. router.ts serves the table; openapi.ts publishes it.
import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Device } from '../model.js';

export interface AppRouteContext<B> {
  readonly body: B;
  /** the calling device (signed routes) */
  readonly device: Device | undefined;
  readonly req: Request;
  readonly res: Response;
}

export interface AppRoute<B extends z.ZodType | undefined = z.ZodType | undefined> {
  readonly method: 'get' | 'post' | 'delete';
  /** under /api/app/v1 */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  /** a signed call from an activated device (requireDeviceSignature) */
  readonly signed: boolean;
  readonly body?: B;
  readonly status: 200 | 201 | 202;
  readonly response: z.ZodType;
  readonly handle: (ctx: AppRouteContext<B extends z.ZodType ? z.output<B> : undefined>) => Promise<unknown>;
}

export function appRoute<B extends z.ZodType | undefined = undefined>(route: AppRoute<B>): AppRoute {
  return route as unknown as AppRoute;
}
