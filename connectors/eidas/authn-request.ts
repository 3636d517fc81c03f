// The eIDAS AuthnRequest we send to a foreign proxy-service node (eIDAS SAML Message Format v1.2
// §3, SAML core §3.4.1), over HTTP-POST: ForceAuthn="true" and IsPassive="false" as eIDAS wants,
// ProviderName, samlp:Extensions with eidas:SPType (only when configured per request, never also
// in metadata) and eidas:RequestedAttributes (the natural-person minimum data set, required; what
// the SP asked for that has an eIDAS name; the legal-person minimum data set when the login's
// service accepts organisations), NameIDPolicy persistent, RequestedAuthnContext
// Comparison="minimum" with exactly one notified LoA, optional Scoping/RequesterID = the SP.
// Signed with the request key (RSASSA-PSS or ECDSA; sign-tree.ts), the Signature after Issuer.
import type { Config } from '../../broker/config.js';
import type { LoginTransaction } from '../../broker/flow/login-transaction.js';
import { lowestRungForUri, lowestSatisfyingRung, rungIndex, type LoaRung } from '../../broker/loa.js';
import { issuerElement, newSamlId, samlInstant } from '../../broker/saml/build-assertion.js';
import type { SigningKeys } from '../../broker/saml/keys.js';
import { ATTRNAME_FORMAT, CONSENT_UNSPECIFIED, NAMEID_FORMAT, NS } from '../../broker/saml/namespaces.js';
import { signTree } from '../../broker/saml/sign-tree.js';
import { serializeXml } from '../../broker/saml/xml-serialize.js';
import { el, type XmlElement } from '../../broker/saml/xml-writer.js';
import { eidasAddresses } from './addresses.js';
import { EIDAS_LEGAL_PERSON_MINIMUM, EIDAS_NATURAL_PERSON_MINIMUM, eidasAttributeByName, type EidasAttribute } from './eidas-attributes.js';
import type { ForeignNode } from './foreign-metadata.js';

/** The notified eIDAS levels, lowest first. */
export const NOTIFIED_LOA = ['http://eidas.europa.eu/LoA/low', 'http://eidas.europa.eu/LoA/substantial', 'http://eidas.europa.eu/LoA/high'] as const;

/**
 * The one notified level to request: the lowest whose rung (the lowest of its set: what the node's
 * answer will count for) reaches the lowest rung that satisfies the SP's request. Undefined when
 * nothing can (then the connector is not offered).
 */
export function requestedEidasLoa(tx: LoginTransaction): string | undefined {
  const minimum: LoaRung | undefined = lowestSatisfyingRung(tx.request.loa);
  if (!minimum) return undefined;
  return NOTIFIED_LOA.find((uri) => rungIndex(lowestRungForUri(uri)!) >= rungIndex(minimum));
}

/** Whether the login's service lets a person act for an organisation. */
export function acceptsOrganisations(tx: LoginTransaction): boolean {
  return !!tx.service && tx.service.representation !== 'none';
}

interface Requested {
  readonly attribute: EidasAttribute;
  readonly isRequired: boolean;
}

/** Natural-person minimum set (required), the SP's eIDAS attributes, the legal-person set when it applies. */
export function requestedAttributes(tx: LoginTransaction): Requested[] {
  const out: Requested[] = EIDAS_NATURAL_PERSON_MINIMUM.map((attribute) => ({ attribute, isRequired: true }));
  const add = (attribute: EidasAttribute | undefined) => {
    if (attribute && !out.some((r) => r.attribute.name === attribute.name)) out.push({ attribute, isRequired: false });
  };
  // The legal-person set is not required: the person may still act for themselves.
  if (acceptsOrganisations(tx)) EIDAS_LEGAL_PERSON_MINIMUM.forEach(add);
  for (const name of tx.request.requestedAttributes) add(eidasAttributeByName(name));
  return out;
}

export interface AuthnRequestInput {
  readonly cfg: Config;
  readonly tx: LoginTransaction;
  readonly node: ForeignNode;
  readonly loa: string;
  readonly keys: SigningKeys;
  readonly now: Date;
}

export function authnRequestElement(input: AuthnRequestInput, id: string): XmlElement {
  const { cfg, tx, node } = input;
  const e = cfg.connectors.eidas;
  const { entityID, acsUrl } = eidasAddresses(cfg);
  const p = (name: string, attrs: Record<string, string | undefined> = {}, children: XmlElement['children'] = []) => el(NS.samlp, `samlp:${name}`, attrs, children);
  const extensions = p('Extensions', {}, [
    e.spTypeIn === 'request' && el(NS.eidas, 'eidas:SPType', {}, [e.spType]),
    el(
      NS.eidas,
      'eidas:RequestedAttributes',
      {},
      requestedAttributes(tx).map((r) =>
        el(NS.eidas, 'eidas:RequestedAttribute', { FriendlyName: r.attribute.friendlyName, Name: r.attribute.name, NameFormat: ATTRNAME_FORMAT.uri, isRequired: String(r.isRequired) }),
      ),
    ),
  ]);
  return el(
    NS.samlp,
    'samlp:AuthnRequest',
    {
      ID: id,
      Version: '2.0',
      IssueInstant: samlInstant(input.now),
      Destination: node.ssoPostUrl,
      AssertionConsumerServiceURL: acsUrl,
      Consent: CONSENT_UNSPECIFIED,
      ForceAuthn: 'true',
      IsPassive: 'false',
      ProviderName: e.providerName,
    },
    [
      issuerElement(entityID),
      extensions,
      p('NameIDPolicy', { Format: NAMEID_FORMAT.persistent, AllowCreate: 'true' }),
      p('RequestedAuthnContext', { Comparison: 'minimum' }, [el(NS.saml, 'saml:AuthnContextClassRef', {}, [input.loa])]),
      e.requesterId && p('Scoping', {}, [p('RequesterID', {}, [tx.sp.entityID])]),
    ],
    { samlp: NS.samlp, saml: NS.saml, eidas: NS.eidas },
  );
}

/** The signed AuthnRequest and its ID (kept in the connector's state for InResponseTo). */
export function buildAuthnRequest(input: AuthnRequestInput): { id: string; xml: string } {
  const id = newSamlId();
  const signed = signTree(authnRequestElement(input, id), input.keys, input.keys.algorithm, 'after-issuer');
  return { id, xml: serializeXml(signed) };
}
