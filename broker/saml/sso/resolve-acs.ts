// The AssertionConsumerService comes from the SP's metadata only (profiles §4.1.4.1, saml-attacks.md
// "ACS"): a URL must be one of the SP's HTTP-POST ACS locations, an index must exist, none means
// the default. Anything else is a request we cannot answer safely: error page, never a redirect.
import { BrokerError } from '../../errors.js';
import { BINDING } from '../namespaces.js';
import type { SpEntry } from '../sp-metadata.js';
import type { AuthnRequestView } from './read-authn-request.js';

function foreign(detail: string): never {
  throw new BrokerError('request-untrusted', 'The service asked us to answer at an address it has not registered.', detail);
}

export function resolveAcs(view: Pick<AuthnRequestView, 'acsUrl' | 'acsIndex' | 'protocolBinding'>, sp: SpEntry): string {
  // we answer with HTTP-POST only
  if (view.protocolBinding !== undefined && view.protocolBinding !== BINDING.post) foreign(`ProtocolBinding ${view.protocolBinding} not supported`);
  const post = sp.acs.filter((a) => a.binding === BINDING.post);
  if (view.acsUrl !== undefined) {
    if (!post.some((a) => a.location === view.acsUrl)) foreign(`ACS URL ${view.acsUrl} not in metadata of ${sp.entityID}`);
    return view.acsUrl;
  }
  if (view.acsIndex !== undefined) {
    const byIndex = sp.acs.find((a) => a.index === view.acsIndex);
    if (!byIndex) foreign(`ACS index ${view.acsIndex} not in metadata of ${sp.entityID}`);
    if (byIndex.binding !== BINDING.post) foreign(`ACS index ${view.acsIndex} is not HTTP-POST`);
    return byIndex.location;
  }
  // metadata §2.2.3: the one marked isDefault, else the first (lowest index first is not implied)
  const chosen = post.find((a) => a.isDefault) ?? post[0];
  if (!chosen) foreign(`no HTTP-POST ACS in metadata of ${sp.entityID}`);
  return chosen.location;
}
