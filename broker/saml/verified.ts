// The proof type of the inbound half: a value of type Verified<T> was read only from what a
// signature covers (xml-crypto's getSignedReferences() output), or — for an unsigned request the
// SP's policy allows — from the schema-validated document. Nothing else can produce one: the
// symbol is not exported, and markVerified is called only by verify-signature.ts and the
// read-view steps that follow it.
declare const proof: unique symbol;
export type Verified<T> = T & { readonly [proof]: true };

/**
 * Brand `value` as verified. Call it only on data read from a signed reference, or from a
 * structurally validated unsigned request whose SP may send unsigned requests.
 */
export function markVerified<T extends object>(value: T): Verified<T> {
  return value as Verified<T>;
}
