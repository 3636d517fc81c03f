// Fresh HTTP-Redirect AuthnRequests as Keycloak sends them (unsigned here: sp2 allows it). Every
// one has a new ID and the current IssueInstant, because the broker's replay cache refuses an ID
// it has seen and its clock-skew check refuses stale instants: a reused request would measure
// the error path, not SSO.
import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { buildAuthnRequest, javaUrlEncode } from '../tests/helpers/sign-request.js';
import { BENCH_ACS, BENCH_SP } from './bench-sp.js';

// A Keycloak-sized RelayState (its SAML broker sends about this much).
const RELAY_STATE = javaUrlEncode('kc.' + randomBytes(48).toString('base64url') + '.tab.client');
// The ID prefix is random per run, the counter per request: unique without a lookup.
const RUN = randomBytes(6).toString('hex');
let counter = 0;

export function freshRedirectPath(brokerUrl: string): string {
  counter++;
  const xml = buildAuthnRequest({
    id: `ID_${RUN}_${counter.toString(36)}`,
    issuer: BENCH_SP,
    destination: `${brokerUrl}/saml/sso`,
    acsUrl: BENCH_ACS,
  });
  const samlRequest = javaUrlEncode(deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64'));
  return `/saml/sso?SAMLRequest=${samlRequest}&RelayState=${RELAY_STATE}`;
}
