// Why a trusted list was not taken: unreadable, too large, malformed, or its signature refused.
// The loader logs it and keeps the list absent (or its last good version); certificates then find
// no anchor in it, so the failure closes rather than opens.

export class TrustedListError extends Error {
  override readonly name = 'TrustedListError';
  constructor(
    /** file path or URL of the list */
    readonly source: string,
    /** for the log: what was wrong, never key material */
    readonly reason: string,
  ) {
    super(`trusted list ${source}: ${reason}`);
  }
}
