// One field of a parsed form body (express.urlencoded), trimmed; '' when it is missing or not a
// single string (a repeated field arrives as an array, an extended body as an object), so a
// handler checks one string and never meets a type it did not expect.
export function formField(body: unknown, name: string): string {
  const v = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v.trim() : '';
}
