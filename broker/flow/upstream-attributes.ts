// Which attributes of an upstream identity provider (an eIDAS node's legal person) leave the
// broker (design.md "Personal data": the SP policy decides): those its policy's releasedAttributes
// lists, or, without such a list, those the SP requested. Never next to a representation chosen
// at the broker: that representation's own legal-person attributes speak for the login. Pure.
import type { SpPolicy } from '../config.js';
import type { ReleasedAttribute } from '../saml/build-assertion.js';
import type { UpstreamAttribute } from './login-transaction.js';

export function releasableUpstreamAttributes(upstream: readonly UpstreamAttribute[], policy: SpPolicy, requested: readonly string[]): ReleasedAttribute[] {
  const allowed = (name: string) => (policy.releasedAttributes ? policy.releasedAttributes.includes(name) : requested.includes(name));
  return upstream.filter((a) => allowed(a.name)).map((a) => ({ name: a.name, friendlyName: a.friendlyName, values: [...a.values] }));
}
