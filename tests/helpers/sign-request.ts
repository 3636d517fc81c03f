// Test helper: build and sign SP messages the way Keycloak's SAML broker does (keycloak-compat.md,
// fixtures in ../shared/fixtures/keycloak): root samlp:AuthnRequest with a default namespace set
// to the assertion namespace, attributes in alphabetical order, the POST signature right after
// Issuer, the Redirect signature over `SAMLRequest=…&RelayState=…&SigAlg=…` URL-encoded like
// Java's URLEncoder. Used by the unit, security and integration tests. TEST ONLY.
import { constants, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { SignedXml, type SignatureAlgorithm } from 'xml-crypto';
import { ALG, BINDING, NS } from '../../broker/saml/namespaces.js';

export type TestSigAlg = 'rsa-sha256' | 'rsa-sha512' | 'rsa-pss-sha256' | 'rsa-pss-sha512' | 'ecdsa-sha256' | 'rsa-sha1';

const ALGS: Record<TestSigAlg, { uri: string; hash: string; digest: string; pad: 'pkcs1' | 'pss' | 'ecdsa' }> = {
  'rsa-sha256': { uri: ALG.rsaSha256, hash: 'sha256', digest: ALG.sha256, pad: 'pkcs1' },
  'rsa-sha512': { uri: ALG.rsaSha512, hash: 'sha512', digest: ALG.sha512, pad: 'pkcs1' },
  'rsa-pss-sha256': { uri: ALG.rsaPssSha256, hash: 'sha256', digest: ALG.sha256, pad: 'pss' },
  'rsa-pss-sha512': { uri: ALG.rsaPssSha512, hash: 'sha512', digest: ALG.sha512, pad: 'pss' },
  'ecdsa-sha256': { uri: ALG.ecdsaSha256, hash: 'sha256', digest: ALG.sha256, pad: 'ecdsa' },
  'rsa-sha1': { uri: ALG.rsaSha1, hash: 'sha1', digest: ALG.sha1, pad: 'pkcs1' },
};

const KEYS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/keys');
/** PEM of tests/fixtures/keys/<name>.key or .crt */
export function testKey(name: string): string {
  return readFileSync(path.join(KEYS_DIR, `${name}.key`), 'utf8');
}
export function testCert(name: string): string {
  return readFileSync(path.join(KEYS_DIR, `${name}.crt`), 'utf8');
}

/** Raw signature bytes with one of the test algorithms (ECDSA as raw r||s, XML-DSig style). */
export function signBytes(alg: TestSigAlg, data: Buffer | string, key: string | KeyObject): Buffer {
  const spec = ALGS[alg];
  const k = typeof key === 'string' ? createPrivateKey(key) : key;
  const opts =
    spec.pad === 'pss'
      ? { key: k, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
      : spec.pad === 'ecdsa'
        ? { key: k, dsaEncoding: 'ieee-p1363' as const }
        : { key: k, padding: constants.RSA_PKCS1_PADDING };
  return sign(spec.hash, typeof data === 'string' ? Buffer.from(data, 'utf8') : data, opts);
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const attrs = (a: Record<string, string | undefined>) =>
  Object.keys(a)
    .sort()
    .filter((k) => a[k] !== undefined)
    .map((k) => ` ${k}="${esc(a[k]!)}"`)
    .join('');

export interface RequestedAttributeOpt {
  name: string;
  nameFormat?: string;
  friendlyName?: string;
  isRequired?: boolean;
}

export interface AuthnRequestOpts {
  id?: string;
  issuer?: string;
  issueInstant?: Date;
  /** null: omit */
  destination?: string | null;
  /** null: omit (default https://sp1.test/acs unless acsIndex given) */
  acsUrl?: string | null;
  acsIndex?: number;
  /** null: omit */
  protocolBinding?: string | null;
  /** null: omit (Keycloak always sends it) */
  forceAuthn?: boolean | null;
  isPassive?: boolean;
  /** null: omit */
  nameIDPolicy?: { format?: string; allowCreate?: boolean } | null;
  requestedAuthnContext?: { comparison?: 'exact' | 'minimum' | 'better' | 'maximum'; classRefs?: string[]; declRefs?: string[] };
  attributeConsumingServiceIndex?: number;
  providerName?: string;
  /** eIDAS extensions */
  spType?: 'public' | 'private';
  requestedAttributes?: RequestedAttributeOpt[];
  /** Keycloak's <kckey:KeyInfo MessageSigningKeyId> extension */
  kcKeyId?: string;
  /** login hint: saml:Subject/saml:NameID, placed before Extensions like Keycloak */
  subjectNameID?: string;
  /** put the Subject in schema order (after Extensions) instead */
  subjectInSchemaOrder?: boolean;
}

let counter = 0;
export function newId(prefix = 'ID_'): string {
  counter++;
  return `${prefix}${Date.now().toString(16)}-${counter.toString(16).padStart(4, '0')}-4c1a-9e15-b727a920f3cb`;
}

export function buildAuthnRequest(opts: AuthnRequestOpts = {}): string {
  const acsUrl = opts.acsUrl === null ? undefined : (opts.acsUrl ?? (opts.acsIndex !== undefined ? undefined : 'https://sp1.test/acs'));
  const root = attrs({
    'xmlns:samlp': NS.samlp,
    xmlns: NS.saml,
    'xmlns:saml': NS.saml,
    AssertionConsumerServiceIndex: opts.acsIndex?.toString(),
    AssertionConsumerServiceURL: acsUrl,
    AttributeConsumingServiceIndex: opts.attributeConsumingServiceIndex?.toString(),
    Destination: opts.destination === null ? undefined : (opts.destination ?? 'http://localhost:8080/saml/sso'),
    ForceAuthn: opts.forceAuthn === null ? undefined : String(opts.forceAuthn ?? false),
    ID: opts.id ?? newId(),
    IsPassive: opts.isPassive === undefined ? undefined : String(opts.isPassive),
    IssueInstant: (opts.issueInstant ?? new Date()).toISOString(),
    ProtocolBinding: opts.protocolBinding === null || opts.acsIndex !== undefined ? undefined : (opts.protocolBinding ?? BINDING.post),
    ProviderName: opts.providerName,
    Version: '2.0',
  });
  const subject = opts.subjectNameID
    ? `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">${esc(opts.subjectNameID)}</saml:NameID></saml:Subject>`
    : '';
  let ext = '';
  if (opts.spType) ext += `<eidas:SPType xmlns:eidas="${NS.eidas}">${opts.spType}</eidas:SPType>`;
  if (opts.requestedAttributes?.length) {
    ext += `<eidas:RequestedAttributes xmlns:eidas="${NS.eidas}">`;
    for (const a of opts.requestedAttributes)
      ext += `<eidas:RequestedAttribute${attrs({ FriendlyName: a.friendlyName, Name: a.name, NameFormat: a.nameFormat ?? 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri', isRequired: String(a.isRequired ?? false) })}/>`;
    ext += `</eidas:RequestedAttributes>`;
  }
  if (opts.kcKeyId) ext += `<kckey:KeyInfo xmlns:kckey="${NS.kckey}" MessageSigningKeyId="${esc(opts.kcKeyId)}"/>`;
  const extensions = ext ? `<samlp:Extensions>${ext}</samlp:Extensions>` : '';
  const policy =
    opts.nameIDPolicy === null
      ? ''
      : `<samlp:NameIDPolicy${attrs({
          AllowCreate: opts.nameIDPolicy?.allowCreate === undefined ? (opts.nameIDPolicy ? undefined : 'true') : String(opts.nameIDPolicy.allowCreate),
          Format: opts.nameIDPolicy?.format ?? 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
        })}/>`;
  let rac = '';
  if (opts.requestedAuthnContext) {
    const r = opts.requestedAuthnContext;
    rac = `<samlp:RequestedAuthnContext Comparison="${r.comparison ?? 'exact'}">`;
    for (const c of r.classRefs ?? []) rac += `<saml:AuthnContextClassRef>${esc(c)}</saml:AuthnContextClassRef>`;
    for (const d of r.declRefs ?? []) rac += `<saml:AuthnContextDeclRef>${esc(d)}</saml:AuthnContextDeclRef>`;
    rac += `</samlp:RequestedAuthnContext>`;
  }
  const issuer = `<saml:Issuer>${esc(opts.issuer ?? 'https://sp1.test/metadata')}</saml:Issuer>`;
  const body = opts.subjectInSchemaOrder ? issuer + extensions + subject + policy + rac : issuer + subject + extensions + policy + rac;
  return `<samlp:AuthnRequest${root}>${body}</samlp:AuthnRequest>`;
}

export interface LogoutRequestOpts {
  id?: string;
  issuer?: string;
  issueInstant?: Date;
  destination?: string | null;
  nameID?: string;
  nameIDFormat?: string;
  sessionIndexes?: string[];
  notOnOrAfter?: Date;
}

export function buildLogoutRequest(opts: LogoutRequestOpts = {}): string {
  const root = attrs({
    'xmlns:samlp': NS.samlp,
    'xmlns:saml': NS.saml,
    Destination: opts.destination === null ? undefined : (opts.destination ?? 'http://localhost:8080/saml/slo'),
    ID: opts.id ?? newId(),
    IssueInstant: (opts.issueInstant ?? new Date()).toISOString(),
    NotOnOrAfter: opts.notOnOrAfter?.toISOString(),
    Version: '2.0',
  });
  const sessions = (opts.sessionIndexes ?? ['_session1']).map((s) => `<samlp:SessionIndex>${esc(s)}</samlp:SessionIndex>`).join('');
  return (
    `<samlp:LogoutRequest${root}><saml:Issuer>${esc(opts.issuer ?? 'https://sp1.test/metadata')}</saml:Issuer>` +
    `<saml:NameID Format="${opts.nameIDFormat ?? 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent'}">${esc(opts.nameID ?? 'pseudonym-123')}</saml:NameID>${sessions}</samlp:LogoutRequest>`
  );
}

export interface LogoutResponseOpts {
  id?: string;
  issuer?: string;
  issueInstant?: Date;
  destination?: string | null;
  inResponseTo?: string;
  statusCode?: string;
}

export function buildLogoutResponse(opts: LogoutResponseOpts = {}): string {
  const root = attrs({
    'xmlns:samlp': NS.samlp,
    'xmlns:saml': NS.saml,
    Destination: opts.destination === null ? undefined : (opts.destination ?? 'http://localhost:8080/saml/slo'),
    ID: opts.id ?? newId(),
    InResponseTo: opts.inResponseTo ?? '_req1',
    IssueInstant: (opts.issueInstant ?? new Date()).toISOString(),
    Version: '2.0',
  });
  return (
    `<samlp:LogoutResponse${root}><saml:Issuer>${esc(opts.issuer ?? 'https://sp1.test/metadata')}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="${opts.statusCode ?? 'urn:oasis:names:tc:SAML:2.0:status:Success'}"/></samlp:Status></samlp:LogoutResponse>`
  );
}

/** xml-crypto SignatureAlgorithm that signs with signBytes (so PSS/ECDSA/SHA-1 work in tests). */
function testAlgorithm(alg: TestSigAlg): new () => SignatureAlgorithm {
  return class {
    getSignature(signedInfo: string | Buffer, privateKey: string | KeyObject): string {
      return signBytes(alg, Buffer.from(signedInfo), privateKey).toString('base64');
    }
    verifySignature(): boolean {
      throw new Error('test signer only');
    }
    getAlgorithmName(): string {
      return ALGS[alg].uri;
    }
  } as unknown as new () => SignatureAlgorithm;
}

export interface SignPostOpts {
  /** KeyName in KeyInfo, as Keycloak may send */
  keyName?: string;
  /** leave KeyInfo out */
  noKeyInfo?: boolean;
  /** add exc-c14n InclusiveNamespaces with this prefix list */
  inclusiveNamespaces?: string[];
}

/** Enveloped exc-c14n signature inserted right after the root's Issuer (like Keycloak). */
export function signPost(xml: string, key: string, cert: string, alg: TestSigAlg = 'rsa-sha256', opts: SignPostOpts = {}): string {
  // InclusiveNamespaces go on SignedInfo's CanonicalizationMethod: xml-crypto would also put them
  // (in a wrong namespace) under the enveloped-signature transform if given per reference.
  const sig = new SignedXml({ privateKey: key, publicCert: cert, ...(opts.inclusiveNamespaces ? { inclusiveNamespacesPrefixList: opts.inclusiveNamespaces } : {}) });
  (sig.SignatureAlgorithms as Record<string, unknown>)[ALGS[alg].uri] = testAlgorithm(alg);
  sig.signatureAlgorithm = ALGS[alg].uri as SignedXml['signatureAlgorithm'];
  sig.canonicalizationAlgorithm = ALG.excC14n;
  sig.addReference({
    xpath: '/*',
    transforms: [ALG.envelopedSignature, ALG.excC14n],
    digestAlgorithm: ALGS[alg].digest,
  });
  const b64 = cert.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  sig.getKeyInfoContent = opts.noKeyInfo
    ? () => null
    : ({ prefix } = {}) => {
        const p = prefix ? `${prefix}:` : '';
        return (opts.keyName ? `<${p}KeyName>${opts.keyName}</${p}KeyName>` : '') + `<${p}X509Data><${p}X509Certificate>${b64}</${p}X509Certificate></${p}X509Data>`;
      };
  sig.computeSignature(xml, {
    prefix: 'ds',
    location: { reference: "/*/*[local-name(.)='Issuer']", action: 'after' },
  });
  return sig.getSignedXml();
}

/** Java URLEncoder.encode (what Keycloak uses): space as '+', only [A-Za-z0-9.*_-] left as is. */
export function javaUrlEncode(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%20/g, '+');
}

export function deflateBase64(xml: string): string {
  return deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64');
}

/**
 * HTTP-Redirect query (without '?'): `SAMLRequest=…[&RelayState=…][&SigAlg=…&Signature=…]`.
 * Unsigned when `key` is undefined. `param` SAMLResponse for LogoutResponses.
 */
export function redirectQuery(xml: string, relayState: string | undefined, key?: string, alg: TestSigAlg = 'rsa-sha256', param: 'SAMLRequest' | 'SAMLResponse' = 'SAMLRequest'): string {
  let q = `${param}=${javaUrlEncode(deflateBase64(xml))}`;
  if (relayState !== undefined) q += `&RelayState=${javaUrlEncode(relayState)}`;
  if (!key) return q;
  q += `&SigAlg=${javaUrlEncode(ALGS[alg].uri)}`;
  return `${q}&Signature=${javaUrlEncode(signBytes(alg, q, key).toString('base64'))}`;
}

/** HTTP-POST form body. */
export function postBody(xml: string, relayState?: string, param: 'SAMLRequest' | 'SAMLResponse' = 'SAMLRequest'): Record<string, string> {
  return { [param]: Buffer.from(xml, 'utf8').toString('base64'), ...(relayState !== undefined ? { RelayState: relayState } : {}) };
}

export const SIG_ALG_URI: Readonly<Record<TestSigAlg, string>> = Object.fromEntries(Object.entries(ALGS).map(([k, v]) => [k, v.uri])) as Record<TestSigAlg, string>;
