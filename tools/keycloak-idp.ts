// `pasarela keycloak-idp`: the broker as a "SAML v2.0" identity provider of a Keycloak realm, as
// the JSON Keycloak's Admin REST API takes (keycloak-compat.md "The identity provider
// representation"), from the running configuration, so that importing it needs no hand edits.
// The broker-side half (the realm as an SP) is printed by --broker-config; docs/keycloak.md says
// how to import both.
//
//   pasarela keycloak-idp --alias pasarela [--realm demo] [--keycloak-url https://sso.example.es]
//                         [--display-name "Cl@ve"] [--loa substantial] [--comparison minimum]
//                         [--principal-attribute PersonIdentifier] [--broker-config]
import { parseArgs } from 'node:util';
import { stringify as toYaml } from 'yaml';
import { ConfigError, loadConfig, policyFor, type Config, type SpPolicy } from '../broker/config.js';
import { isKnownLoaUri, NOT_NOTIFIED_PREFIX, type AuthnContextComparison } from '../broker/loa.js';
import { idpEntityID, sloUrl, ssoUrl } from '../broker/saml/addresses.js';
import { ATTRIBUTE_TABLE } from '../broker/saml/attributes.js';
import { loadSigningKeys, type SigningKeys } from '../broker/saml/keys.js';
import { NAMEID_FORMAT } from '../broker/saml/namespaces.js';
import { consoleIo, UsageError, type Io } from './io.js';

const USAGE = `usage: pasarela keycloak-idp --alias <alias> [options]
  prints {"identityProvider", "mappers"} for Keycloak's Admin REST API (docs/keycloak.md)
options:
  --alias <alias>               the identity provider's alias in Keycloak (required)
  --realm <realm>               the Keycloak realm (default: master)
  --keycloak-url <url>          Keycloak's base URL, e.g. https://sso.example.gob.es: sets the realm's
                                SP entityID and reads the broker's policy for it
  --sp-entity-id <uri>          the realm's SP entityID when not <keycloak-url>/realms/<realm> (one per
                                identity provider when a realm has several for the broker)
  --display-name <text>         the button text on Keycloak's login page (default: Cl@ve)
  --loa <uri|low|substantial|high>  AuthnContextClassRef to request (repeatable); default none: the
                                broker applies the realm's policy minimum
  --comparison <c>              exact | minimum | maximum | better (default: minimum)
  --principal-attribute <name>  Keycloak's user id from this attribute's FriendlyName instead of
                                the persistent NameID (e.g. PersonIdentifier)
  --broker-config               print instead the broker's YAML entry for the realm (needs --keycloak-url)
configuration: as the broker's (config/default.yaml, PASARELA_CONFIG, PUBLIC_URL, VAR_DIR, …)`;


const EIDAS_SHORT: Readonly<Record<string, string>> = {
  low: 'http://eidas.europa.eu/LoA/low',
  substantial: 'http://eidas.europa.eu/LoA/substantial',
  high: 'http://eidas.europa.eu/LoA/high',
};

// Keycloak's SignatureAlgorithm names for what its realm key (RSA) signs requests with; the same
// family the broker signs toward this realm with. An EC broker key says nothing about Keycloak's.
const KEYCLOAK_SIGNATURE_ALGORITHM: Readonly<Record<string, string>> = {
  'rsa-sha256': 'RSA_SHA256',
  'rsa-sha512': 'RSA_SHA512',
  'rsa-pss-sha256': 'RSA_SHA256_MGF1',
  'rsa-pss-sha512': 'RSA_SHA512_MGF1',
};

/**
 * Keycloak user attribute per released attribute Name. firstName, lastName and email are
 * Keycloak's own user fields; the others are user attributes (declare them in the realm's user
 * profile, docs/keycloak.md). The Cl@ve RelayState is an echo of Keycloak's own request state,
 * not a fact about the person, so it gets no mapper.
 */
export const KEYCLOAK_USER_ATTRIBUTE: Readonly<Record<string, string | null>> = {
  'http://eidas.europa.eu/attributes/naturalperson/PersonIdentifier': 'personIdentifier',
  'http://eidas.europa.eu/attributes/naturalperson/CurrentGivenName': 'firstName',
  'http://eidas.europa.eu/attributes/naturalperson/CurrentFamilyName': 'lastName',
  'http://eidas.europa.eu/attributes/naturalperson/DateOfBirth': 'dateOfBirth',
  'http://eidas.europa.eu/attributes/naturalperson/EmailAddress': 'email',
  'http://eidas.europa.eu/attributes/naturalperson/PhoneNumber': 'phoneNumber',
  'http://es.minhafp.clave/FirstSurname': 'firstSurname',
  'http://es.minhafp.clave/SelectedIdP': 'selectedIdP',
  'http://es.minhafp.clave/RelayState': null,
  'http://es.minhafp.clave/RegisterType': 'registerType',
};

export interface KeycloakIdpOptions {
  alias: string;
  realm: string;
  displayName: string;
  /** Keycloak's base URL, without a trailing slash */
  keycloakUrl?: string;
  /** the realm's SP entityID, when not the realm URL */
  spEntityId?: string;
  loaUris: string[];
  comparison: AuthnContextComparison;
  principalAttribute?: string;
}

export interface KeycloakMapper {
  name: string;
  identityProviderAlias: string;
  identityProviderMapper: 'saml-user-attribute-idp-mapper';
  config: Record<string, string>;
}

export interface KeycloakIdpExport {
  identityProvider: {
    alias: string;
    displayName: string;
    providerId: 'saml';
    enabled: true;
    trustEmail: false;
    firstBrokerLoginFlowAlias: string;
    config: Record<string, string>;
  };
  mappers: KeycloakMapper[];
}

/** The realm's SP entityID as Keycloak builds it when its own `entityId` is left empty. */
export function realmEntityID(keycloakUrl: string, realm: string): string {
  return `${keycloakUrl}/realms/${encodeURIComponent(realm)}`;
}

/** The realm's broker endpoint: its ACS, SLO and (with /descriptor) its SP metadata. */
export function realmBrokerEndpoint(keycloakUrl: string, realm: string, alias: string): string {
  return `${realmEntityID(keycloakUrl, realm)}/broker/${encodeURIComponent(alias)}/endpoint`;
}

function spEntityID(opts: KeycloakIdpOptions): string | undefined {
  return opts.spEntityId ?? (opts.keycloakUrl ? realmEntityID(opts.keycloakUrl, opts.realm) : undefined);
}

function realmPolicy(cfg: Config, opts: KeycloakIdpOptions): SpPolicy {
  const entityID = spEntityID(opts);
  return entityID ? policyFor(cfg, entityID) : cfg.sps.defaultPolicy;
}

export function keycloakIdentityProvider(cfg: Config, keys: Pick<SigningKeys, 'certBase64' | 'nextCertBase64'>, opts: KeycloakIdpOptions): KeycloakIdpExport {
  const policy = realmPolicy(cfg, opts);
  const entityId = spEntityID(opts);
  const algorithm = policy.signatureAlgorithm ?? cfg.saml.signatureAlgorithm;
  const certs = [keys.certBase64, ...(keys.nextCertBase64 && keys.nextCertBase64 !== keys.certBase64 ? [keys.nextCertBase64] : [])];
  const config: Record<string, string> = {
    idpEntityId: idpEntityID(cfg),
    ...(entityId ? { entityId } : {}),
    // our entityID is also where our metadata is served (design.md "Addresses")
    metadataDescriptorUrl: idpEntityID(cfg),
    singleSignOnServiceUrl: ssoUrl(cfg),
    singleLogoutServiceUrl: sloUrl(cfg),
    // persistent: a stable pairwise pseudonym per SP; Keycloak refuses transient with SUBJECT
    nameIDPolicyFormat: NAMEID_FORMAT.persistent,
    principalType: opts.principalAttribute ? 'FRIENDLY_ATTRIBUTE' : 'SUBJECT',
    ...(opts.principalAttribute ? { principalAttribute: opts.principalAttribute } : {}),
    allowCreate: 'true',
    postBindingAuthnRequest: 'true',
    postBindingResponse: 'true',
    postBindingLogout: 'true',
    // signed requests protect the RequestedAuthnContext (the LoA) on its way to us
    wantAuthnRequestsSigned: 'true',
    signatureAlgorithm: KEYCLOAK_SIGNATURE_ALGORITHM[algorithm] ?? 'RSA_SHA256',
    // the broker matches a request's signing key by certificate, never by KeyName
    xmlSigKeyInfoKeyNameTransformer: 'NONE',
    validateSignature: 'true',
    // current and next: Keycloak then accepts our signatures on both sides of a key rollover
    signingCertificate: certs.join(','),
    wantAssertionsSigned: String(policy.signAssertion),
    wantAssertionsEncrypted: String(policy.encryptAssertion),
    // our NotBefore is at most 5 s in the past; Keycloak's default skew of 0 fails on any drift
    allowedClockSkew: String(cfg.saml.clockSkewSeconds),
    forceAuthn: 'false',
    authnContextComparisonType: opts.comparison,
    authnContextClassRefs: JSON.stringify(opts.loaUris),
    // empty: Keycloak sends no index, and the broker uses the SP's default service
    attributeConsumingServiceIndex: '',
    // the broker is the authority on a person's data: refresh it in Keycloak at every login
    syncMode: 'FORCE',
  };
  const mappers: KeycloakMapper[] = [];
  for (const def of ATTRIBUTE_TABLE) {
    const userAttribute = KEYCLOAK_USER_ATTRIBUTE[def.name];
    if (userAttribute === null) continue;
    // a released attribute without a Keycloak name is a new row in attributes.ts: say so loudly
    if (userAttribute === undefined) throw new TypeError(`no Keycloak user attribute for ${def.name} (tools/keycloak-idp.ts)`);
    mappers.push({
      name: def.friendlyName,
      identityProviderAlias: opts.alias,
      identityProviderMapper: 'saml-user-attribute-idp-mapper',
      config: {
        syncMode: 'INHERIT',
        'attribute.name': def.name,
        'attribute.friendly.name': def.friendlyName,
        'attribute.name.format': 'ATTRIBUTE_FORMAT_URI',
        'user.attribute': userAttribute,
      },
    });
  }
  return {
    identityProvider: {
      alias: opts.alias,
      displayName: opts.displayName,
      providerId: 'saml',
      enabled: true,
      // e-mail addresses in the registry are not verified by the broker at login
      trustEmail: false,
      firstBrokerLoginFlowAlias: 'first broker login',
      config,
    },
    mappers,
  };
}

/** The broker's configuration entry for the realm as an SP: its metadata URL and its policy. */
export function brokerSpEntry(cfg: Config, opts: KeycloakIdpOptions & { keycloakUrl: string }): object {
  const entityID = spEntityID(opts)!;
  const existing = cfg.sps.policies[entityID];
  return {
    sps: {
      metadataUrls: [{ url: `${realmBrokerEndpoint(opts.keycloakUrl, opts.realm, opts.alias)}/descriptor`, refreshSeconds: 3600 }],
      policies: {
        [entityID]: existing ?? {
          displayName: `Keycloak realm ${opts.realm}`,
          dialects: ['eidas', 'clave'],
          signResponse: true,
          signAssertion: true,
          encryptAssertion: false,
          requireSignedAuthnRequests: true,
          loaFramework: 'eidas',
          minimumRung: '2',
        },
      },
    },
  };
}

function loaUri(value: string): string {
  const uri = EIDAS_SHORT[value] ?? value;
  if (!isKnownLoaUri(uri) && !uri.startsWith(NOT_NOTIFIED_PREFIX)) throw new UsageError(`--loa ${value}: not a LoA URI the broker knows (broker/loa.ts)`);
  return uri;
}

function parseOptions(argv: string[]): (KeycloakIdpOptions & { brokerConfig: boolean }) | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      alias: { type: 'string' },
      realm: { type: 'string' },
      'keycloak-url': { type: 'string' },
      'sp-entity-id': { type: 'string' },
      'display-name': { type: 'string' },
      loa: { type: 'string', multiple: true },
      comparison: { type: 'string' },
      'principal-attribute': { type: 'string' },
      'broker-config': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const alias = values.alias;
  // Keycloak puts the alias in URL paths (…/broker/<alias>/endpoint)
  if (!alias || !/^[A-Za-z0-9._-]+$/.test(alias)) throw new UsageError('--alias is required: letters, digits, ".", "_" or "-"');
  let keycloakUrl = values['keycloak-url'];
  if (keycloakUrl !== undefined) {
    if (!URL.canParse(keycloakUrl) || !/^https?:$/.test(new URL(keycloakUrl).protocol)) throw new UsageError(`--keycloak-url ${keycloakUrl}: not an http(s) URL`);
    keycloakUrl = keycloakUrl.replace(/\/+$/, '');
  }
  const spEntityId = values['sp-entity-id'];
  if (spEntityId !== undefined && !URL.canParse(spEntityId)) throw new UsageError(`--sp-entity-id ${spEntityId}: not a URI`);
  const comparison = values.comparison ?? 'minimum';
  if (!['exact', 'minimum', 'maximum', 'better'].includes(comparison)) throw new UsageError(`--comparison ${comparison}: exact, minimum, maximum or better`);
  const principalAttribute = values['principal-attribute'];
  if (principalAttribute !== undefined && !ATTRIBUTE_TABLE.some((d) => d.friendlyName === principalAttribute)) {
    throw new UsageError(`--principal-attribute ${principalAttribute}: not a FriendlyName the broker releases (${ATTRIBUTE_TABLE.map((d) => d.friendlyName).join(', ')})`);
  }
  if (values['broker-config'] && !keycloakUrl) throw new UsageError('--broker-config needs --keycloak-url');
  return {
    alias,
    realm: values.realm ?? 'master',
    displayName: values['display-name'] ?? 'Cl@ve',
    ...(keycloakUrl ? { keycloakUrl } : {}),
    ...(spEntityId ? { spEntityId } : {}),
    loaUris: (values.loa ?? []).map(loaUri),
    comparison: comparison as AuthnContextComparison,
    ...(principalAttribute ? { principalAttribute } : {}),
    brokerConfig: values['broker-config'] ?? false,
  };
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, io: Io = consoleIo): Promise<number> {
  let opts;
  try {
    opts = parseOptions(argv);
  } catch (err) {
    io.err(`keycloak-idp: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (opts === 'help') {
    io.out(USAGE);
    return 0;
  }
  try {
    const cfg = loadConfig(env);
    if (opts.brokerConfig && opts.keycloakUrl) {
      io.out(toYaml(brokerSpEntry(cfg, { ...opts, keycloakUrl: opts.keycloakUrl })).trimEnd());
      return 0;
    }
    const keys = await loadSigningKeys(cfg, cfg.varDir);
    io.out(JSON.stringify(keycloakIdentityProvider(cfg, keys, opts), null, 2));
    return 0;
  } catch (err) {
    io.err(`keycloak-idp: ${err instanceof ConfigError ? err.message : (err as Error).message}`);
    return 1;
  }
}
