// What every OpenAPI 3.1 document of the broker shares (the management API, the app API): JSON
// Schema 2020-12 from zod 4's z.toJSONSchema, which OpenAPI 3.1 takes as is (without `$schema`),
// the one error body every JSON API answers with, and operation ids from method and path.
import { z } from 'zod';

export type JsonObject = Record<string, unknown>;

export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonObject;
  return rest;
}

/** a response of `components.schemas.Error` */
export function errorResponse(description: string): JsonObject {
  return { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
}

/** express `:name` segments to OpenAPI `{name}` */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** `get` + `/organisations/:id/members` → `getOrganisationsIdMembers` */
export function operationIdOf(method: string, path: string): string {
  return `${method}${openApiPath(path).replace(/[{}]/g, '').split(/[/.-]/).map((s) => s.charAt(0).toUpperCase() + s.slice(1)).join('')}`;
}
