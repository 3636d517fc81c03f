// RequestedAuthnContext → the rungs it stands for (design.md "Levels of assurance"). Unknown
// class references add nothing; a request naming only unknown references (or DeclRefs, which we
// do not support) can be met by no method, and is answered with NoAuthnContext.
import { BrokerError, type ReplyTarget } from '../errors.js';
import {
  NOT_NOTIFIED_PREFIX,
  frameworkOfUri,
  isKnownLoaUri,
  lowestSatisfyingRung,
  rungsForUris,
  type AuthnContextComparison,
  type LoaRung,
  type RequestedLoa,
} from '../loa.js';

export interface RequestedAuthnContextView {
  readonly comparison: AuthnContextComparison;
  readonly classRefs: readonly string[];
  readonly declRefs: readonly string[];
}

export function readRequestedLoa(
  requested: RequestedAuthnContextView | undefined,
  policyMinimum: LoaRung,
  replyTo: ReplyTarget,
): RequestedLoa {
  if (!requested) return { rungs: [], comparison: 'minimum', exactOnlyUris: [], policyMinimum };
  const known = requested.classRefs.filter(isKnownLoaUri);
  const exactOnlyUris = requested.classRefs.filter((u) => u.startsWith(NOT_NOTIFIED_PREFIX));
  const loa: RequestedLoa = {
    rungs: [...rungsForUris(known)],
    comparison: requested.comparison,
    framework: known.map(frameworkOfUri).find((f) => f !== undefined),
    exactOnlyUris,
    policyMinimum,
  };
  if (loa.rungs.length === 0 || lowestSatisfyingRung(loa) === undefined) {
    throw new BrokerError('no-method-for-loa', 'no method reaches the requested authentication context', `requested ${requested.classRefs.join(' ')} ${requested.declRefs.join(' ')}`, replyTo);
  }
  return loa;
}
