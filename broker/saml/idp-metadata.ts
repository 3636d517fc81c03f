// Our identity provider metadata (SAML metadata §2.3.2, §2.4.3), signed, as Keycloak and others
// import it (keycloak-compat.md "Our metadata"): validUntil and cacheDuration; the LoA we can
// reach as the `assurance-certification` entity attribute (metadata-attr); the algorithms we sign
// with (metadata-algsupport); the current and the next signing certificate, so SPs trust the next
// one before we roll over; SingleLogoutService (Redirect and POST); NameIDFormat persistent first
// (Keycloak takes the first); SingleSignOnService POST first, then Redirect.
//
// The app serves it per request; signing costs an RSA operation, so the built document is kept
// and rebuilt only when half its validity has passed or anything but validUntil changed.
import type { LoaRung } from '../loa.js';
import { urisForRungs } from '../loa.js';
import { newSamlId, samlInstant } from './build-assertion.js';
import type { SigningKeys } from './keys.js';
import { ATTRNAME_FORMAT, BINDING, NAMEID_FORMAT, NS } from './namespaces.js';
import { SIGNATURE_ALGORITHMS } from './sign-xml.js';
import { signTree } from './sign-tree.js';
import { serializeXml } from './xml-serialize.js';
import { el, type XmlElement } from './xml-writer.js';

export const ASSURANCE_CERTIFICATION = 'urn:oasis:names:tc:SAML:attribute:assurance-certification';

export interface IdpMetadataInput {
  entityID: string;
  ssoUrl: string;
  sloUrl: string;
  signingCertBase64: string;
  nextSigningCertBase64?: string;
  reachableRungs: LoaRung[];
  wantAuthnRequestsSigned: boolean;
  validUntil: Date;
  /** xs:duration, e.g. PT6H */
  cacheDuration: string;
  organisation?: { name: string; displayName: string; url: string; lang?: string };
}

function signingKeyDescriptor(certBase64: string): XmlElement {
  return el(NS.md, 'md:KeyDescriptor', { use: 'signing' }, [
    el(NS.ds, 'ds:KeyInfo', {}, [el(NS.ds, 'ds:X509Data', {}, [el(NS.ds, 'ds:X509Certificate', {}, [certBase64])])]),
  ]);
}

function metadataElement(input: IdpMetadataInput, id: string): XmlElement {
  const loaUris = urisForRungs(input.reachableRungs);
  const digests = [...new Set(Object.values(SIGNATURE_ALGORITHMS).map((a) => a.digestUri))];
  const extensions = el(NS.md, 'md:Extensions', {}, [
    loaUris.length > 0 &&
      el(NS.mdattr, 'mdattr:EntityAttributes', {}, [
        el(NS.saml, 'saml:Attribute', { Name: ASSURANCE_CERTIFICATION, NameFormat: ATTRNAME_FORMAT.uri }, loaUris.map((uri) => el(NS.saml, 'saml:AttributeValue', {}, [uri]))),
      ]),
    ...digests.map((uri) => el(NS.alg, 'alg:DigestMethod', { Algorithm: uri })),
    ...Object.values(SIGNATURE_ALGORITHMS).map((a) => el(NS.alg, 'alg:SigningMethod', { Algorithm: a.uri })),
  ]);
  const idp = el(
    NS.md,
    'md:IDPSSODescriptor',
    { protocolSupportEnumeration: NS.samlp, WantAuthnRequestsSigned: String(input.wantAuthnRequestsSigned) },
    [
      signingKeyDescriptor(input.signingCertBase64),
      input.nextSigningCertBase64 && input.nextSigningCertBase64 !== input.signingCertBase64 && signingKeyDescriptor(input.nextSigningCertBase64),
      el(NS.md, 'md:SingleLogoutService', { Binding: BINDING.redirect, Location: input.sloUrl }),
      el(NS.md, 'md:SingleLogoutService', { Binding: BINDING.post, Location: input.sloUrl }),
      el(NS.md, 'md:NameIDFormat', {}, [NAMEID_FORMAT.persistent]),
      el(NS.md, 'md:NameIDFormat', {}, [NAMEID_FORMAT.transient]),
      el(NS.md, 'md:NameIDFormat', {}, [NAMEID_FORMAT.unspecified]),
      el(NS.md, 'md:SingleSignOnService', { Binding: BINDING.post, Location: input.ssoUrl }),
      el(NS.md, 'md:SingleSignOnService', { Binding: BINDING.redirect, Location: input.ssoUrl }),
    ],
  );
  const org = input.organisation;
  const lang = org?.lang ?? 'en';
  const organization =
    org &&
    el(NS.md, 'md:Organization', {}, [
      el(NS.md, 'md:OrganizationName', { 'xml:lang': lang }, [org.name]),
      el(NS.md, 'md:OrganizationDisplayName', { 'xml:lang': lang }, [org.displayName]),
      el(NS.md, 'md:OrganizationURL', { 'xml:lang': lang }, [org.url]),
    ]);
  return el(
    NS.md,
    'md:EntityDescriptor',
    { ID: id, entityID: input.entityID, validUntil: samlInstant(input.validUntil), cacheDuration: input.cacheDuration },
    [extensions, idp, organization],
    { ds: NS.ds, saml: NS.saml },
  );
}

/** Build and sign the metadata now, without the cache. */
export function buildIdpMetadataUncached(input: IdpMetadataInput, keys: SigningKeys): string {
  if (!/^-?P(?!$)(\d+Y)?(\d+M)?(\d+D)?(T(?!$)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/.test(input.cacheDuration)) {
    throw new TypeError(`cacheDuration is not an xs:duration: ${input.cacheDuration}`);
  }
  const id = newSamlId();
  return serializeXml(signTree(metadataElement(input, id), keys, keys.algorithm, 'first-child'));
}

interface CacheEntry {
  key: string;
  builtAt: number;
  validUntil: number;
  xml: string;
}
let cache: CacheEntry | undefined;

/**
 * The signed metadata, from the cache while less than half of its validity has passed and every
 * input but validUntil (which callers compute from `now`) is unchanged.
 */
export function buildIdpMetadata(input: IdpMetadataInput, keys: SigningKeys, now: Date): string {
  if (input.validUntil.getTime() <= now.getTime()) throw new TypeError('metadata validUntil must be in the future');
  const key = JSON.stringify({ ...input, validUntil: undefined, alg: keys.algorithm, cert: keys.certBase64 });
  const t = now.getTime();
  if (cache && cache.key === key && t >= cache.builtAt && t < cache.builtAt + (cache.validUntil - cache.builtAt) / 2) return cache.xml;
  const xml = buildIdpMetadataUncached(input, keys);
  cache = { key, builtAt: t, validUntil: input.validUntil.getTime(), xml };
  return xml;
}

/** Tests: forget the cached document. */
export function clearIdpMetadataCache(): void {
  cache = undefined;
}
